from typing import Literal

TransactionOfferCategory = Literal["introductory", "offer_code", "promotional", "win_back"]

TRANSACTION_OFFER_CATEGORY_VALUES: set[TransactionOfferCategory] = {
    "introductory",
    "offer_code",
    "promotional",
    "win_back",
}


def check_transaction_offer_category(value: str) -> TransactionOfferCategory:
    if value in TRANSACTION_OFFER_CATEGORY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TRANSACTION_OFFER_CATEGORY_VALUES!r}")
