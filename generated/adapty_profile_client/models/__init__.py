"""Contains all the data models used in inputs/outputs"""

from .access_level import AccessLevel
from .access_level_offer import AccessLevelOffer
from .att_status import AttStatus
from .custom_attribute import CustomAttribute
from .error_item import ErrorItem
from .error_response import ErrorResponse
from .gender import Gender
from .installation_meta import InstallationMeta
from .non_subscription import NonSubscription
from .platform import Platform
from .profile import Profile
from .profile_create_request import ProfileCreateRequest
from .profile_response import ProfileResponse
from .profile_update_request import ProfileUpdateRequest
from .stored_custom_attribute import StoredCustomAttribute
from .subscription import Subscription
from .subscription_offer import SubscriptionOffer

__all__ = (
    "AccessLevel",
    "AccessLevelOffer",
    "AttStatus",
    "CustomAttribute",
    "ErrorItem",
    "ErrorResponse",
    "Gender",
    "InstallationMeta",
    "NonSubscription",
    "Platform",
    "Profile",
    "ProfileCreateRequest",
    "ProfileResponse",
    "ProfileUpdateRequest",
    "StoredCustomAttribute",
    "Subscription",
    "SubscriptionOffer",
)
