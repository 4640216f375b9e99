"""SNS subscription filter policies: validation and matching.

A policy is a JSON object. Under FilterPolicyScope MessageAttributes its keys name message
attributes; under MessageBody they name properties of the JSON message body and may nest (a key
"a.b" also reaches {"a": {"b": ...}}). Each leaf holds a list of conditions, any of which may
match (OR); every key must match (AND): exact strings, numbers, true, false and null; `prefix`,
`suffix`, `equals-ignore-case`; `anything-but` (one string or number, a list of strings or of
numbers, or `{"prefix": ...}`); `numeric` (`=`, `<`, `<=`, `>`, `>=`, or a `>`/`>=` bound
followed by a `<`/`<=` bound); `exists`; `cidr`; and `$or`, a list of two or more alternative
sub-policies at any level (Amazon SNS Developer Guide: "Amazon SNS subscription filter
policies" and its pages on string, numeric and key matching, AND/OR logic, and filter policy
constraints). Strings never match numbers: a numeric condition ignores String attributes.

SNS validates a policy in two steps and we mirror both, message for message. It parses the JSON
(Jackson: "failed to parse JSON. ..." with a redacted source), writes the tree back compactly,
and compiles that text with its event matcher, an early release of aws/event-ruler, whose
reasons carry Jackson's location of the offending token in the compact text:
"\\n at [Source: (String)"..."; line: 1, column: 10]". The wording and columns are the ones AWS
returned in the recorded responses of LocalStack's AWS-validated tests
(tests/aws/services/sns/test_sns_filter_policy.snapshot.json and test_sns.snapshot.json); the
compile order follows event-ruler's JsonRuleCompiler, which reads the policy again with "$or"
as an ordinary key when it is not a valid OR (as the AND/OR logic page says SNS does).

Departures from AWS, on purpose:
- Jackson ignores content after the policy object; we reject it, because the stored policy is
  read back with json.loads.
- Undocumented event-ruler operators (`equals`, `wildcard`, `anything-but` with `suffix` or
  `equals-ignore-case`) are rejected as unrecognized; SNS documents none of them, and answered
  "Unsupported anything-but pattern: suffix" in 2024.
- The 256 KB size limit's message is ours; AWS's wording is not recorded anywhere we found.
- `anything-but` over an array in the body passes only if no element is excluded, as the guide
  now says of String.Array attributes; older editions said one element not excluded sufficed.

Where things are (this face holds the two entry points and re-exports the limits):
- validation.py: `parse`, the two steps and the limits; jackson.py: step 1, the JSON as Jackson
  reads and writes it; compiler.py: step 2, the matcher's compiler and its reasons;
  constraints.py: the documented limits and AWS's reason texts;
- attributes.py: message attributes as the object SNS matches; body.py: matching an object
  (the JSON body, or the attributes' object), array consistency included; conditions.py: one
  condition against the values of its key.
"""

from __future__ import annotations

from awslocal_cli.services.sns.filter.attributes import _attribute_event
from awslocal_cli.services.sns.filter.body import _match
from awslocal_cli.services.sns.filter.compiler import _compiled
from awslocal_cli.services.sns.filter.constraints import (
    MAX_COMBINATIONS,
    MAX_KEYS,
    MAX_POLICIES_PER_ACCOUNT,
    MAX_POLICIES_PER_TOPIC,
    MAX_POLICY_BYTES,
    MISSING,
    _Reason,
)
from awslocal_cli.services.sns.filter.jackson import _jackson
from awslocal_cli.services.sns.filter.validation import parse

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; annotations only
    from typing import Any

__all__ = [
    "MAX_COMBINATIONS", "MAX_KEYS", "MAX_POLICIES_PER_ACCOUNT", "MAX_POLICIES_PER_TOPIC",
    "MAX_POLICY_BYTES", "MISSING", "matches", "parse",
]


def matches(policy: dict[str, Any], attributes: dict[str, dict[str, Any]] | None = None, *,
            body: Any = MISSING, scope: str = "MessageAttributes") -> bool:
    """True when the message passes the policy (its attributes, or its JSON body by scope).

    Binary attributes are ignored, as AWS does. A message with no attributes (no body
    properties) matches no policy, not even `{"exists": false}`. In the body, conditions met in
    an array of objects must be met by one element (event-ruler's array consistency).
    """
    try:
        compiled = _compiled(_jackson(policy))
    except (_Reason, RecursionError):
        return False
    if scope == "MessageBody":
        if not isinstance(body, dict):
            return False
        event: dict[str, Any] = body
    else:
        event = _attribute_event(attributes)
    try:
        return _match(compiled, event)
    except RecursionError:
        return False
