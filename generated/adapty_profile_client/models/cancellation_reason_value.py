from typing import Literal

CancellationReasonValue = Literal[
    "adapty_revoked",
    "billing_error",
    "cancelled_by_developer",
    "new_subscription_replace",
    "price_increase",
    "product_was_not_available",
    "refund",
    "unknown",
    "upgraded",
    "voluntarily_cancelled",
]

CANCELLATION_REASON_VALUE_VALUES: set[CancellationReasonValue] = {
    "adapty_revoked",
    "billing_error",
    "cancelled_by_developer",
    "new_subscription_replace",
    "price_increase",
    "product_was_not_available",
    "refund",
    "unknown",
    "upgraded",
    "voluntarily_cancelled",
}


def check_cancellation_reason_value(value: str) -> CancellationReasonValue:
    if value in CANCELLATION_REASON_VALUE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CANCELLATION_REASON_VALUE_VALUES!r}")
