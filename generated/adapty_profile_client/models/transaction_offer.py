from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.transaction_offer_category import TransactionOfferCategory, check_transaction_offer_category
from ..models.transaction_offer_type import TransactionOfferType, check_transaction_offer_type
from ..types import UNSET, Unset

T = TypeVar("T", bound="TransactionOffer")


@_attrs_define
class TransactionOffer:
    """An offer, as a transaction sends it (Adapty's reference's names).

    Attributes:
        category (TransactionOfferCategory): The offer's category.
        type_ (TransactionOfferType): The offer's type.
        id (None | str | Unset): The offer's id in the store; required (and not `null`) unless `category` is
            `introductory` (`missing_offer_id`).
    """

    category: TransactionOfferCategory
    type_: TransactionOfferType
    id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        category: str = self.category

        type_: str = self.type_

        id: None | str | Unset = self.id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "category": category,
                "type": type_,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        category = check_transaction_offer_category(src_dict["category"])

        type_ = check_transaction_offer_type(src_dict["type"])

        id: None | str | Unset = src_dict.get("id", UNSET)

        # Positional, in the order of the fields above (attrs' __init__ order).
        transaction_offer = cls(
            category,
            type_,
            id,
        )

        return transaction_offer
