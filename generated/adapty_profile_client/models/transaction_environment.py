from typing import Literal

TransactionEnvironment = Literal["Production", "Sandbox"]

TRANSACTION_ENVIRONMENT_VALUES: set[TransactionEnvironment] = {
    "Production",
    "Sandbox",
}


def check_transaction_environment(value: str) -> TransactionEnvironment:
    if value in TRANSACTION_ENVIRONMENT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TRANSACTION_ENVIRONMENT_VALUES!r}")
