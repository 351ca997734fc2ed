"""Ids: valid uuid4s, unique, and independent of the global ``random`` state."""

from __future__ import annotations

import random
import re
import uuid

from recorded_server.serving.ids import new_request_id, new_uuid4, new_uuid4_text


def test_new_ids_are_version_4_uuids() -> None:
    for _ in range(1000):
        value = new_uuid4()
        assert value.version == 4
        assert value.variant == uuid.RFC_4122
        assert re.fullmatch(r"[0-9a-f]{32}", new_request_id())


def test_the_text_forms_are_the_uuid_objects_forms() -> None:
    for _ in range(1000):
        text, request_id = new_uuid4_text(), new_request_id()
        assert str(uuid.UUID(text)) == text and uuid.UUID(text).version == 4
        assert uuid.UUID(request_id).hex == request_id
        assert uuid.UUID(request_id).version == 4 and uuid.UUID(request_id).variant == uuid.RFC_4122


def test_reseeding_the_global_random_module_does_not_repeat_ids() -> None:
    random.seed(0)
    first = new_uuid4()
    random.seed(0)
    assert new_uuid4() != first
    assert len({new_uuid4() for _ in range(10_000)}) == 10_000
