"""SNS filter policies: the documented constraints, AWS's reason texts, and the reason a
policy is refused (`_Reason`), shared by the parsing and matching modules of this package."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; annotations only
    from typing import Any


# Filter policy constraints (Amazon SNS Developer Guide, "Filter policy constraints in Amazon
# SNS"): five keys (payload-based policies count top-level keys only), 150 combinations of
# values, 256 KB, numbers within -10^9..10^9 with five digits after the decimal point.
MAX_KEYS = 5
MAX_COMBINATIONS = 150
MAX_POLICY_BYTES = 256 * 1024
NUMERIC_LIMIT = 1e9
# "By default, you can have up to 200 filter policies per topic, and 10,000 filter policies per
# AWS account" (same page); past either, Subscribe and SetSubscriptionAttributes fail with
# FilterPolicyLimitExceeded.
MAX_POLICIES_PER_TOPIC = 200
MAX_POLICIES_PER_ACCOUNT = 10_000

MISSING: Any = object()

_NESTED = "Filter policy scope MessageAttributes does not support nested filter policy"
_TOO_MANY_KEYS = "Filter policy can not have more than 5 keys"
_TOO_COMPLEX = "Filter policy is too complex"
_TOO_LARGE = "Filter policy can not be larger than 256 KB"
_OUT_OF_RANGE = "Value must be between -1.0E9 and 1.0E9, inclusive"
_REDACTED = "REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)"
_VALUES = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
# Names that stop an object inside "$or" from being an OR branch (event-ruler Constants).
_RESERVED_IN_OR = frozenset({
    "equals", "equals-ignore-case", "prefix", "suffix", "anything-but", "exists", "wildcard",
    "numeric", "cidr", "=", "<", "<=", ">", ">=",
})
_MAX_NESTING = 1000  # Jackson StreamReadConstraints
_MAX_NUMBER_LENGTH = 1000
_MAX_ROWS = 4096  # array-element combinations tried before matching gives up consistency


class _Reason(Exception):
    """Why a policy is invalid: the text after "Invalid parameter: ".

    `fallback` is False for the matcher's IllegalArgumentExceptions (bad CIDR, a single
    anything-but number out of range): they escape the "$or" retry.
    """

    def __init__(self, reason: str, *, fallback: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.fallback = fallback
