"""The fixtures as a service's tests use them: the generated client, and the docs' example."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

RunInner = Callable[..., pytest.RunResult]

EXAMPLE = Path(__file__).parent / "example"
EXAMPLE_FILES = ("onboarding.py", "test_onboarding.py")
DOC = Path(__file__).resolve().parents[2] / "docs" / "pytest-plugin.md"


def test_a_file_asking_only_for_the_two_fixtures_creates_and_reads_a_profile(
    pytester: pytest.Pytester, run_inner: RunInner
) -> None:
    # no conftest, no import from the project's tests: only the installed plugin and client
    pytester.makepyfile(
        test_service="""
from adapty_profile_client.api.profile import create_profile, get_profile
from adapty_profile_client.models import ProfileCreateRequest, ProfileResponse


def test_create_then_read(adapty_server, adapty_client):
    created = create_profile.sync(
        client=adapty_client,
        adapty_customer_user_id="user-1",
        body=ProfileCreateRequest(first_name="Jane"),
    )
    assert isinstance(created, ProfileResponse), created
    assert created.data.app_id == adapty_server.app_id

    read = get_profile.sync(client=adapty_client, adapty_customer_user_id="user-1")
    assert isinstance(read, ProfileResponse), read
    assert read.data.profile_id == created.data.profile_id
    assert adapty_server.stored(read.data.profile_id)["fields"]["first_name"] == "Jane"
"""
    )
    assert not list(pytester.path.glob("conftest.py"))
    run_inner("-v").assert_outcomes(passed=1)


def test_the_generated_async_functions_run_with_the_async_client(
    pytester: pytest.Pytester, run_inner: RunInner
) -> None:
    pytester.makepyfile(
        test_async_service="""
import asyncio

import pytest
from adapty_profile_client.api.profile import create_profile, delete_profile, get_profile
from adapty_profile_client.models import ProfileCreateRequest, ProfileResponse


async def create_and_read(client, user):
    created = await create_profile.asyncio(
        client=client, adapty_customer_user_id=user, body=ProfileCreateRequest()
    )
    assert isinstance(created, ProfileResponse), created
    read = await get_profile.asyncio(client=client, adapty_customer_user_id=user)
    assert isinstance(read, ProfileResponse), read
    return read.data.profile_id


def test_with_asyncio_run(adapty_server, adapty_async_client):
    profile_id = asyncio.run(create_and_read(adapty_async_client, "async-user"))
    assert adapty_server.stored(profile_id)["customer_user_id"] == "async-user"


@pytest.mark.anyio
async def test_with_anyio(adapty_server, adapty_async_client):
    profile_id = await create_and_read(adapty_async_client, "anyio-user")
    response = await delete_profile.asyncio_detailed(
        client=adapty_async_client, adapty_profile_id=profile_id
    )
    assert response.status_code == 204
    assert adapty_server.profiles() == []
"""
    )
    run_inner(
        "-v", "-W", "error::ResourceWarning", "-W", "error::pytest.PytestUnraisableExceptionWarning"
    ).assert_outcomes(passed=2)


def test_the_docs_example_passes_on_its_own(pytester: pytest.Pytester, run_inner: RunInner) -> None:
    for name in EXAMPLE_FILES:
        (pytester.path / name).write_text((EXAMPLE / name).read_text(encoding="utf-8"))
    result = run_inner("-v", "test_onboarding.py")
    result.assert_outcomes(passed=3)


def test_the_docs_show_the_example_verbatim() -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)
    for name in EXAMPLE_FILES:
        source = (EXAMPLE / name).read_text(encoding="utf-8")
        assert any(block.strip() == source.strip() for block in blocks), (
            f"docs/pytest-plugin.md no longer shows tests/plugin/example/{name} verbatim"
        )
