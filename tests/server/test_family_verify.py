"""``verify`` knows the purchase operations: real answers of the recorded server to grant, revoke
and set transaction verify clean against the spec, and a drifted one is named."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from recorded_server.cassettes.format import Interaction, RecordedRequest, RecordedResponse
from recorded_server.cassettes.verify import verify_interaction
from recorded_server.spec import load_spec

from .conftest import asgi_target
from .family import CATALOGUE, CATALOGUE_BODY, GRANT, REVOKE, SUBSCRIPTION, TRANSACTION
from .helpers import AUTH, PATH

WHO = {**AUTH, "adapty-customer-user-id": "verify-user"}
pytestmark = pytest.mark.anyio


def _interaction(path: str, body: Any, response: httpx.Response) -> Interaction:
    return Interaction(
        request=RecordedRequest(
            method="POST",
            uri=f"https://api.adapty.io{path}",
            headers=(
                ("Content-Type", "application/json"),
                ("adapty-customer-user-id", "verify-user"),
            ),
            body=json.dumps(body).encode(),
        ),
        response=RecordedResponse(
            status=response.status_code,
            headers=tuple((k, v) for k, v in response.headers.items()),
            body=response.content,
        ),
    )


async def test_verify_checks_the_purchase_operations() -> None:
    spec = load_spec()
    async with asgi_target() as target:
        client = target.client
        assert (await client.post(PATH, headers=WHO, json={})).status_code == 200
        await client.put(CATALOGUE, headers=AUTH, json=CATALOGUE_BODY)
        exchanges = [
            (GRANT, {"access_level_id": "premium"}),
            (GRANT, {"access_level_id": "gold"}),
            (REVOKE, {"access_level_id": "premium", "revoke_at": "2001-01-01T00:00:00Z"}),
            (REVOKE, {"access_level_id": "premium"}),
            (TRANSACTION, SUBSCRIPTION),
            (TRANSACTION, {**SUBSCRIPTION, "expires_at": "2029-01-01T00:00:00Z"}),
        ]
        interactions = [
            _interaction(path, body, await client.post(path, headers=WHO, json=body))
            for path, body in exchanges
        ]
    assert [i.response.status for i in interactions] == [200, 400, 400, 200, 200, 400]
    for index, interaction in enumerate(interactions):
        assert verify_interaction(spec, "family.yaml", index, interaction) == []
    drifted = json.loads(interactions[4].response.body)
    drifted["data"]["total_revenue_usd"] = "9.99"
    bad = Interaction(
        interactions[4].request,
        RecordedResponse(
            200, headers=interactions[4].response.headers, body=json.dumps(drifted).encode()
        ),
    )
    (drift,) = verify_interaction(spec, "family.yaml", 4, bad)
    assert "total_revenue_usd" in str(drift)
