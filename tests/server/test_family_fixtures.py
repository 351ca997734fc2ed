"""The catalogue from a fixtures document: the file given at start (``--fixtures``), which a
reset returns to, and ``POST /_recorded/fixtures``; a bad catalogue is named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recorded_server.emulator.rules.fixtures import read_fixture_file

from .conftest import Target, target_with
from .family import CATALOGUE, CATALOGUE_BODY
from .helpers import AUTH

pytestmark = pytest.mark.anyio
EXPECTED = {
    "access_levels": ["premium", "vip"],
    "products": [
        {**p, "is_consumable": p.get("is_consumable", False)} for p in CATALOGUE_BODY["products"]
    ],
}


async def test_the_fixtures_files_catalogue_is_the_startup_one(tmp_path: Path, mode: str) -> None:
    path = tmp_path / "fixtures.json"
    path.write_text(json.dumps({"catalogue": CATALOGUE_BODY, "profiles": []}), encoding="utf-8")
    async with target_with(
        mode, reset=False, fixtures=str(path) if mode == "socket" else path
    ) as target:
        assert (await target.client.get(CATALOGUE, headers=AUTH)).json() == EXPECTED
        await target.client.put(CATALOGUE, headers=AUTH, json={})
        assert (await target.client.get(CATALOGUE, headers=AUTH)).json()["access_levels"] == [
            "premium"
        ]
        assert (await target.client.delete("/_recorded/profiles", headers=AUTH)).status_code == 204
        assert (await target.client.get(CATALOGUE, headers=AUTH)).json() == EXPECTED


async def test_post_fixtures_sets_the_catalogue(api: Target) -> None:
    response = await api.client.post(
        "/_recorded/fixtures", headers=AUTH, json={"catalogue": CATALOGUE_BODY, "profiles": []}
    )
    assert response.json() == {"loaded": 0}
    assert (await api.client.get(CATALOGUE, headers=AUTH)).json() == EXPECTED
    bad = {
        "catalogue": {
            "products": [{"store": "s", "store_product_id": "p", "access_level_id": "gold"}]
        },
        "profiles": [],
    }
    refused = await api.client.post("/_recorded/fixtures", headers=AUTH, json=bad)
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["source"] == "catalogue.products.0.access_level_id"


def test_a_bad_catalogue_in_a_fixtures_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "fixtures.json"
    path.write_text(
        json.dumps({"catalogue": {"access_levels": [1]}, "profiles": []}), encoding="utf-8"
    )
    with pytest.raises(ValueError, match=r"catalogue\.access_levels\.0"):
        read_fixture_file(path)
