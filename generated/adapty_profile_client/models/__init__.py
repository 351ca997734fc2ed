"""Contains all the data models used in inputs/outputs"""

from .access_level import AccessLevel
from .access_level_offer import AccessLevelOffer
from .att_status import AttStatus
from .cancellation_reason_value import CancellationReasonValue
from .custom_attribute import CustomAttribute
from .error_item import ErrorItem
from .error_response import ErrorResponse
from .gender import Gender
from .grant_access_level_request import GrantAccessLevelRequest
from .installation_meta import InstallationMeta
from .non_subscription import NonSubscription
from .one_time_purchase_transaction import OneTimePurchaseTransaction
from .one_time_purchase_transaction_purchase_type import OneTimePurchaseTransactionPurchaseType
from .platform import Platform
from .price import Price
from .profile import Profile
from .profile_create_request import ProfileCreateRequest
from .profile_response import ProfileResponse
from .profile_update_request import ProfileUpdateRequest
from .revoke_access_level_request import RevokeAccessLevelRequest
from .stored_custom_attribute import StoredCustomAttribute
from .subscription import Subscription
from .subscription_offer import SubscriptionOffer
from .subscription_transaction import SubscriptionTransaction
from .subscription_transaction_purchase_type import SubscriptionTransactionPurchaseType
from .transaction_environment import TransactionEnvironment
from .transaction_offer import TransactionOffer
from .transaction_offer_category import TransactionOfferCategory
from .transaction_offer_type import TransactionOfferType

__all__ = (
    "AccessLevel",
    "AccessLevelOffer",
    "AttStatus",
    "CancellationReasonValue",
    "CustomAttribute",
    "ErrorItem",
    "ErrorResponse",
    "Gender",
    "GrantAccessLevelRequest",
    "InstallationMeta",
    "NonSubscription",
    "OneTimePurchaseTransaction",
    "OneTimePurchaseTransactionPurchaseType",
    "Platform",
    "Price",
    "Profile",
    "ProfileCreateRequest",
    "ProfileResponse",
    "ProfileUpdateRequest",
    "RevokeAccessLevelRequest",
    "StoredCustomAttribute",
    "Subscription",
    "SubscriptionOffer",
    "SubscriptionTransaction",
    "SubscriptionTransactionPurchaseType",
    "TransactionEnvironment",
    "TransactionOffer",
    "TransactionOfferCategory",
    "TransactionOfferType",
)
