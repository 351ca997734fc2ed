from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Price")


@_attrs_define
class Price:
    """What the transaction cost, in its own currency.

    Attributes:
        country (str): A country, as an ISO 3166-1 alpha-2 code: exactly two ASCII uppercase
            letters (`FR`). The list of assigned codes is not checked.
        currency (str): An ISO 4217 code, three ASCII uppercase letters (`USD`).
        value (float): The amount in that currency, 0 or more (0 is a free trial, a free renewal or a family-shared
            purchase).
    """

    country: str
    currency: str
    value: float

    def to_dict(self) -> dict[str, Any]:
        country = self.country

        currency = self.currency

        value = self.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "country": country,
                "currency": currency,
                "value": value,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        country = src_dict["country"]

        currency = src_dict["currency"]

        value = src_dict["value"]

        # Positional, in the order of the fields above (attrs' __init__ order).
        price = cls(
            country,
            currency,
            value,
        )

        return price
