"""What AWS's endpoints answer for a request that breaks the model, in each service's words.

A client that does not validate on its side (every SDK but botocore, or botocore with
`parameter_validation=False`) can send a request the model forbids. AWS's endpoint answers it,
never with botocore's client-side text ("Parameter validation failed: ..."). The CLI keeps the
AWS CLI's own client-side checks (awslocal_cli.validate, exit 252); this module is the wire's,
called once per request from awslocal_cli.wire.handler, after parsing and before dispatch.

Each service has its dialect, recorded from AWS's endpoints:

- JSON protocols (KMS, CloudTrail, SQS): a member of the wrong JSON type is
  `SerializationException` "STRING_VALUE can not be converted to an Integer".
- KMS: every model constraint, all at once: `ValidationException` "2 validation errors detected:
  Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater
  than or equal to 1; Value null at 'keyId' failed to satisfy constraint: Member must not be
  null" (awslocal_cli.constraints; the KMS service checks the same for the CLI).
- STS: the same sentences under the code `ValidationError`.
- CloudTrail: required members in those words (`ValidationException`); its limits and enums
  are the service's own errors (InvalidMaxResultsException, ...).
- SQS, both protocols: the first required member of the request missing is `MissingParameter`
  "The request must contain the parameter MessageBody." (recorded); SQS checks no enum of the
  model (ReceiveMessage takes `SenderId` among AttributeNames, outside QueueAttributeName) and
  answers a member missing inside a batch entry or a message attribute as an empty one, entry by
  entry: the service answers for those.
- SNS: a required list, map or structure missing, or a required member inside one, is
  `ValidationError` "1 validation error detected: Value null at 'attributes' ..."; then the first
  required scalar of the request missing is `InvalidParameter` "Invalid parameter:
  SubscriptionArn Reason: no value for required parameter". Lengths, patterns and enums are the
  service's own InvalidParameter messages.
"""

from __future__ import annotations

from awslocal_cli import constraints
from awslocal_cli import model as models
from awslocal_cli.errors import AwsError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

_REQUIRED_ONLY = constraints.Rules(limits=False, enums=False, patterns=False)
_SNS = constraints.Rules(top_scalars=False, limits=False, enums=False, patterns=False)
# service -> (rules, code) of the "N validation errors detected" answer.
_CORAL = {
    "kms": (constraints.ALL, "ValidationException"),
    "sts": (constraints.ALL, "ValidationError"),
    "cloudtrail": (_REQUIRED_ONLY, "ValidationException"),
    "sns": (_SNS, "ValidationError"),
}


class InvalidRequest(AwsError):
    """The endpoint's answer to a request that breaks the model (code set per answer)."""


def check(service: str, operation: str, members: Mapping[str, Any], *,
          json_protocol: bool) -> InvalidRequest | None:
    """The error AWS's endpoint answers for these members of the operation, or None."""
    model = models.load(service)
    ref = model["operations"][operation].get("input")
    if ref is None:
        return None
    shape = ref["shape"]
    if json_protocol:
        problem = _json_type_error(model, shape, members)
        if problem is not None:
            return InvalidRequest(problem, code="SerializationException")
    if service == "sqs":
        missing = _first_missing(model, shape, members, json_protocol)
        if missing is not None:
            return InvalidRequest(f"The request must contain the parameter {missing}.",
                                  code="MissingParameter")
        return None
    rules, code = _CORAL.get(service, (constraints.ALL, "ValidationException"))
    problems = constraints.check_request(model, shape, members, rules)
    if problems:
        return InvalidRequest(constraints.summary(problems), code=code)
    if service == "sns":
        for name in model["shapes"][shape].get("required", []):
            if members.get(name) is None:
                return InvalidRequest(
                    f"Invalid parameter: {name} Reason: no value for required parameter",
                    code="InvalidParameter")
    return None


# -- JSON types --------------------------------------------------------------------------------

# The Java type a shape's value deserializes to, as the message names it.
_JAVA_TYPES = {"string": "String", "integer": "Integer", "long": "Long", "float": "Float",
               "double": "Double", "boolean": "Boolean", "blob": "ByteBuffer",
               "timestamp": "Date", "list": "List", "map": "Map", "structure": "Structure"}


def json_type_message(value: Any, kind: str) -> str:
    """The SerializationException message for a JSON value where a `kind` shape is expected.

    AWS's JSON deserializer names the token it read and the type it wanted (recorded from SQS:
    "STRING_VALUE can not be converted to an Integer"); an object or array where a scalar
    belongs is "Start of structure or map found where not expected." / "Start of list found
    where not expected."
    """
    if isinstance(value, dict):
        return "Start of structure or map found where not expected."
    if isinstance(value, list):
        return "Start of list found where not expected."
    if isinstance(value, bool):
        token = "BOOLEAN_VALUE"
    elif isinstance(value, (int, float)):
        token = "NUMBER_VALUE"
    else:
        token = "STRING_VALUE"
    java = _JAVA_TYPES.get(kind, kind.capitalize())
    article = "an" if java[:1] in "AEIOU" else "a"
    return f"{token} can not be converted to {article} {java}"


def _json_type_error(model: Mapping[str, Any], shape_name: str, value: Any) -> str | None:
    """The first member whose JSON type its shape cannot take (blobs and timestamps are parsed
    by then; containers were checked by the parser)."""
    shape = model["shapes"][shape_name]
    kind = shape["type"]
    if value is None:
        return None
    if kind == "structure" and isinstance(value, dict):
        members = shape.get("members", {})
        for name, item in value.items():
            if name in members:
                problem = _json_type_error(model, members[name]["shape"], item)
                if problem is not None:
                    return problem
        return None
    if kind == "list" and isinstance(value, list):
        for item in value:
            problem = _json_type_error(model, shape["member"]["shape"], item)
            if problem is not None:
                return problem
        return None
    if kind == "map" and isinstance(value, dict):
        for item in value.values():
            problem = _json_type_error(model, shape["value"]["shape"], item)
            if problem is not None:
                return problem
        return None
    if kind in ("structure", "list", "map"):
        return json_type_message(value, kind)
    if kind == "string":
        ok = isinstance(value, str)
    elif kind in ("integer", "long"):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind in ("float", "double"):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif kind == "boolean":
        ok = isinstance(value, bool)
    else:  # blob, timestamp: already turned into bytes and datetimes by the parser
        ok = True
    return None if ok else json_type_message(value, kind)


# -- SQS ---------------------------------------------------------------------------------------


def _first_missing(model: Mapping[str, Any], shape_name: str, value: Mapping[str, Any],
                   json_protocol: bool) -> str | None:
    """The name of the first required member of the request missing, as the client names it
    (the query protocol's `Attribute` for the JSON `Attributes`). Inside batch entries and
    message attributes SQS answers a missing member as an empty one, entry by entry: the
    service does."""
    shape = model["shapes"][shape_name]
    members = shape.get("members", {})
    for name in shape.get("required", []):
        if value.get(name) is None and name in members:
            return name if json_protocol else _query_name(members[name], name)
    return None


def _query_name(member: Mapping[str, Any], name: str) -> str:
    from awslocal_cli.wire.shapes import SQS_QUERY_LIST_NAMES, SQS_QUERY_MAP_NAMES

    names = SQS_QUERY_MAP_NAMES.get(member["shape"])
    if names:
        return names[0]
    return SQS_QUERY_LIST_NAMES.get(member["shape"], name)
