from typing import Literal

AttStatus = Literal[0, 1, 2, 3]

ATT_STATUS_VALUES: set[AttStatus] = {
    0,
    1,
    2,
    3,
}


def check_att_status(value: int) -> AttStatus:
    if value in ATT_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {ATT_STATUS_VALUES!r}")
