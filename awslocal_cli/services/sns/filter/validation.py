"""SNS filter policies, parsed and validated: `parse` (Subscribe, SetSubscriptionAttributes).

SNS validates in two steps and so does this: the JSON itself with Jackson's messages
(jackson.py), then the compact text Jackson writes back, compiled by the event matcher with its
reasons and locations (compiler.py); then the documented limits (constraints.py).
"""

from __future__ import annotations

from awslocal_cli.errors import sns as err
from awslocal_cli.services.sns.filter.compiler import _compile
from awslocal_cli.services.sns.filter.constraints import (
    _NESTED,
    _TOO_COMPLEX,
    _TOO_LARGE,
    _TOO_MANY_KEYS,
    MAX_COMBINATIONS,
    MAX_KEYS,
    MAX_POLICY_BYTES,
    MISSING,
    _Reason,
)
from awslocal_cli.services.sns.filter.jackson import _jackson, _read_json

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; annotations only
    from typing import Any


def parse(text: str, scope: str = "MessageAttributes", *,
          subscribe: bool = False) -> dict[str, Any]:
    """The policy as an object, or InvalidParameter with AWS's reason.

    Subscribe words its reasons "Attributes Reason: FilterPolicy: ...", SetSubscriptionAttributes
    "FilterPolicy: ..."; pass subscribe=True from Subscribe.
    """
    try:
        return _validate(str(text), scope)
    except _Reason as exc:
        prefix = "Attributes Reason: " if subscribe else ""
        raise err.InvalidParameterException(f"Invalid parameter: {prefix}{exc.reason}") from None


def _validate(text: str, scope: str) -> dict[str, Any]:
    if len(text.encode("utf-8", "surrogatepass")) > MAX_POLICY_BYTES:
        raise _Reason(f"FilterPolicy: {_TOO_LARGE}")
    policy = _read_json(text)
    try:
        # The matcher reads the policy as Jackson writes the parsed tree back: compact, numbers
        # normalized. AWS's columns count in that text, not in what was sent.
        compiled = _compile("" if policy is MISSING else _jackson(policy))
    except RecursionError:
        # Only hundreds of nested objects get here, and those break a limit either way.
        raise _Reason(_NESTED if scope != "MessageBody" else f"FilterPolicy: {_TOO_COMPLEX}"
                      ) from None
    if scope != "MessageBody" and compiled.nested:
        raise _Reason(_NESTED)
    if len(compiled.keys) > MAX_KEYS:
        raise _Reason(f"FilterPolicy: {_TOO_MANY_KEYS}")
    if compiled.combinations > MAX_COMBINATIONS:
        raise _Reason(f"FilterPolicy: {_TOO_COMPLEX}")
    assert isinstance(policy, dict)  # the compiler accepts nothing else
    return policy
