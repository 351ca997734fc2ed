"""The app's catalogue: its paid access levels and its products.

``premium`` always exists (Adapty: every app has it and it cannot be deleted). A product is keyed
by ``(store, store_product_id)`` and names the access level it gives (or none) and whether it is
consumable. JSON form (``PUT /_recorded/catalogue``, the fixtures file's ``catalogue``)::

    {"access_levels": ["premium", "vip"],
     "products": [{"store": "app_store", "store_product_id": "monthly",
                   "access_level_id": "vip", "is_consumable": false}]}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from recorded_server.serving import errors

PREMIUM = "premium"
_PRODUCT_KEYS = ("store", "store_product_id", "access_level_id", "is_consumable")


@dataclass(frozen=True, slots=True)
class Product:
    store: str
    store_product_id: str
    access_level_id: str | None
    is_consumable: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "store": self.store,
            "store_product_id": self.store_product_id,
            "access_level_id": self.access_level_id,
            "is_consumable": self.is_consumable,
        }


@dataclass(frozen=True, slots=True)
class Catalogue:
    access_levels: tuple[str, ...] = (PREMIUM,)
    products: tuple[Product, ...] = field(default_factory=tuple)

    def has_level(self, access_level_id: str) -> bool:
        return access_level_id in self.access_levels

    def product(self, store: str, store_product_id: str) -> Product | None:
        for product in self.products:
            if product.store == store and product.store_product_id == store_product_id:
                return product
        return None

    def as_json(self) -> dict[str, Any]:
        return {
            "access_levels": list(self.access_levels),
            "products": [product.as_json() for product in self.products],
        }


DEFAULT_CATALOGUE = Catalogue()


def parse_catalogue(document: object, source: str = "") -> Catalogue:
    """A catalogue from its JSON form; raises a 400 ``bad_request`` naming every problem."""
    prefix = f"{source}." if source else ""
    problems: list[tuple[str | None, list[str]]] = []
    if not isinstance(document, dict):
        raise errors.bad_request([(source or errors.NON_FIELD, ["Expected an object."])])
    for key in document:
        if key not in ("access_levels", "products"):
            problems.append((f"{prefix}{key}", [errors.UNKNOWN_FIELD]))
    levels: list[str] = [PREMIUM]
    raw_levels = document.get("access_levels", [])
    if not isinstance(raw_levels, list):
        problems.append((f"{prefix}access_levels", ["Expected a list of strings."]))
        raw_levels = []
    for index, level in enumerate(raw_levels):
        if not isinstance(level, str) or level == "":
            problems.append((f"{prefix}access_levels.{index}", ["Expected a non-empty string."]))
        elif level not in levels:
            levels.append(level)
    products: list[Product] = []
    raw_products = document.get("products", [])
    if not isinstance(raw_products, list):
        problems.append((f"{prefix}products", ["Expected a list of objects."]))
        raw_products = []
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(raw_products):
        where = f"{prefix}products.{index}"
        product = _parse_product(item, where, levels, problems)
        if product is None:
            continue
        key = (product.store, product.store_product_id)
        if key in seen:
            problems.append((where, ["This store and store_product_id are listed twice."]))
        seen.add(key)
        products.append(product)
    if problems:
        raise errors.bad_request(problems)
    return Catalogue(tuple(levels), tuple(products))


def _parse_product(
    item: object, where: str, levels: list[str], problems: list[tuple[str | None, list[str]]]
) -> Product | None:
    if not isinstance(item, dict):
        problems.append((where, ["Expected an object."]))
        return None
    before = len(problems)
    for key in item:
        if key not in _PRODUCT_KEYS:
            problems.append((f"{where}.{key}", [errors.UNKNOWN_FIELD]))
    for key in ("store", "store_product_id"):
        value = item.get(key)
        if not isinstance(value, str) or value == "":
            problems.append((f"{where}.{key}", ["Expected a non-empty string."]))
    level = item.get("access_level_id")
    if level is not None and (not isinstance(level, str) or level not in levels):
        problems.append(
            (f"{where}.access_level_id", ["Must be null or one of the catalogue's access levels."])
        )
    consumable = item.get("is_consumable", False)
    if not isinstance(consumable, bool):
        problems.append((f"{where}.is_consumable", [errors.NOT_A_BOOLEAN]))
    if len(problems) > before:
        return None
    return Product(item["store"], item["store_product_id"], level, consumable)
