from typing import Literal

OneTimePurchaseTransactionPurchaseType = Literal["one_time_purchase"]

ONE_TIME_PURCHASE_TRANSACTION_PURCHASE_TYPE_VALUES: set[OneTimePurchaseTransactionPurchaseType] = {
    "one_time_purchase",
}


def check_one_time_purchase_transaction_purchase_type(value: str) -> OneTimePurchaseTransactionPurchaseType:
    if value in ONE_TIME_PURCHASE_TRANSACTION_PURCHASE_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {ONE_TIME_PURCHASE_TRANSACTION_PURCHASE_TYPE_VALUES!r}"
    )
