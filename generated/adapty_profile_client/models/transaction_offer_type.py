from typing import Literal

TransactionOfferType = Literal["free_trial", "pay_as_you_go", "pay_up_front"]

TRANSACTION_OFFER_TYPE_VALUES: set[TransactionOfferType] = {
    "free_trial",
    "pay_as_you_go",
    "pay_up_front",
}


def check_transaction_offer_type(value: str) -> TransactionOfferType:
    if value in TRANSACTION_OFFER_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TRANSACTION_OFFER_TYPE_VALUES!r}")
