from typing import Literal

SubscriptionTransactionPurchaseType = Literal["subscription"]

SUBSCRIPTION_TRANSACTION_PURCHASE_TYPE_VALUES: set[SubscriptionTransactionPurchaseType] = {
    "subscription",
}


def check_subscription_transaction_purchase_type(value: str) -> SubscriptionTransactionPurchaseType:
    if value in SUBSCRIPTION_TRANSACTION_PURCHASE_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SUBSCRIPTION_TRANSACTION_PURCHASE_TYPE_VALUES!r}")
