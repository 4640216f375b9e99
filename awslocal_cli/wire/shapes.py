"""The service models as the wire reads them: shapes, serialization traits, error shapes.

Values cross the wire in the types botocore's parsers expect and reach the services in the
types the CLI hands them (bytes for blobs, datetimes for timestamps, ints, bools).
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime, timezone

from awslocal_cli import model as models

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# SQS moved from the query protocol to JSON 1.0 in 2023 and botocore's model lost the query
# names with it (only `flattened` survives). The query protocol that older SDKs and the AWS CLI
# v1 speak still uses them (docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference,
# "Making Query API requests"): `Attribute.1.Name`, `MessageAttribute.1.Value.StringValue`,
# `<Message>` repeated in ReceiveMessageResult. Keyed by shape: a list's element name, or a
# map's (element, key, value) names.
SQS_QUERY_LIST_NAMES = {
    "AWSAccountIdList": "AWSAccountId",
    "ActionNameList": "ActionName",
    "AttributeNameList": "AttributeName",
    "MessageAttributeNameList": "MessageAttributeName",
    "MessageSystemAttributeList": "AttributeName",
    "QueueUrlList": "QueueUrl",
    "TagKeyList": "TagKey",
    "MessageList": "Message",
    "StringList": "StringListValue",
    "BinaryList": "BinaryListValue",
    "SendMessageBatchRequestEntryList": "SendMessageBatchRequestEntry",
    "SendMessageBatchResultEntryList": "SendMessageBatchResultEntry",
    "DeleteMessageBatchRequestEntryList": "DeleteMessageBatchRequestEntry",
    "DeleteMessageBatchResultEntryList": "DeleteMessageBatchResultEntry",
    "ChangeMessageVisibilityBatchRequestEntryList": "ChangeMessageVisibilityBatchRequestEntry",
    "ChangeMessageVisibilityBatchResultEntryList": "ChangeMessageVisibilityBatchResultEntry",
    "BatchResultErrorEntryList": "BatchResultErrorEntry",
    "ListMessageMoveTasksResultEntryList": "ListMessageMoveTasksResultEntry",
}
SQS_QUERY_MAP_NAMES = {
    "QueueAttributeMap": ("Attribute", "Name", "Value"),
    "MessageSystemAttributeMap": ("Attribute", "Name", "Value"),
    "MessageBodyAttributeMap": ("MessageAttribute", "Name", "Value"),
    "MessageBodySystemAttributeMap": ("MessageSystemAttribute", "Name", "Value"),
    "TagMap": ("Tag", "Key", "Value"),
}
SQS_XML_NAMESPACE = "http://queue.amazonaws.com/doc/2012-11-05/"

_query_models: dict[str, dict[str, Any]] = {}
_error_tables: dict[str, dict[str, tuple[str, dict[str, Any]]]] = {}


def query_model(service: str) -> dict[str, Any]:
    """The model with the query protocol's traits (SQS's legacy names put back)."""
    cached = _query_models.get(service)
    if cached is not None:
        return cached
    model = models.load(service)
    if service == "sqs":
        import copy

        model = copy.deepcopy(model)
        shapes = model["shapes"]
        for name, element in SQS_QUERY_LIST_NAMES.items():
            if name in shapes:
                shapes[name]["flattened"] = True
                shapes[name]["member"]["locationName"] = element
        for name, (_element, key, value) in SQS_QUERY_MAP_NAMES.items():
            if name in shapes:
                shapes[name]["flattened"] = True
                shapes[name]["key"]["locationName"] = key
                shapes[name]["value"]["locationName"] = value
        for shape in shapes.values():
            for ref in shape.get("members", {}).values():
                names = SQS_QUERY_MAP_NAMES.get(ref["shape"])
                if names is not None:
                    ref["locationName"] = names[0]
        for op in model["operations"].values():
            if op.get("output"):
                op["output"]["resultWrapper"] = f"{op['name']}Result"
        model["metadata"]["xmlNamespace"] = SQS_XML_NAMESPACE
    _query_models[service] = model
    return model


def error_shapes(service: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """Error code (and shape name) -> (shape name, shape) for the service's modeled errors."""
    table = _error_tables.get(service)
    if table is None:
        table = _error_tables[service] = {}
        for name, shape in models.load(service)["shapes"].items():
            if not shape.get("exception"):
                continue
            table[name] = (name, shape)
            code = shape.get("error", {}).get("code")
            if code:
                table[code] = (name, shape)
    return table


def error_status(shape: dict[str, Any] | None, sender_fault: bool) -> int:
    """The HTTP status of an error: the model's httpStatusCode, else 400 (sender) / 500."""
    if shape is not None:
        status = shape.get("error", {}).get("httpStatusCode")
        if status:
            return int(status)
        if shape.get("fault"):
            return 500
    return 400 if sender_fault else 500


# -- scalar conversions -----------------------------------------------------------------------


class WireValueError(ValueError):
    """A value the wire cannot turn into its shape's type (SerializationException)."""


def decode_blob(text: Any) -> bytes:
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("ascii", "replace")
    if not isinstance(text, str):
        raise WireValueError(f"expected a base64 string, not {type(text).__name__}")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise WireValueError(f"invalid base64: {text[:40]!r}") from None


def encode_blob(value: Any) -> str:
    if isinstance(value, str):
        value = value.encode("utf-8")
    return base64.b64encode(bytes(value)).decode("ascii")


def parse_timestamp(value: Any) -> datetime:
    """An epoch number or ISO 8601 text -> an aware UTC datetime."""
    if isinstance(value, bool):
        raise WireValueError("expected a timestamp")
    if isinstance(value, (int, float)):
        try:
            return datetime.fromtimestamp(value, tz=timezone.utc)
        except (ValueError, OverflowError, OSError):  # beyond the years a datetime holds
            raise WireValueError(f"timestamp out of range: {value}") from None
    if isinstance(value, str):
        text = value.strip()
        try:
            return datetime.fromtimestamp(float(text), tz=timezone.utc)
        except (ValueError, OverflowError, OSError):
            pass
        from awslocal_cli.clock import parse_timestamp as parse_text

        try:
            parsed = parse_text(text)
        except ValueError as exc:
            raise WireValueError(str(exc)) from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    raise WireValueError(f"expected a timestamp, not {type(value).__name__}")


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def epoch(value: Any) -> float | int:
    if isinstance(value, datetime):
        # Milliseconds, truncated as iso8601() truncates them (and as the CLI prints them).
        delta = _aware(value) - datetime(1970, 1, 1, tzinfo=timezone.utc)  # exact, not float
        millis = (delta.days * 86400 + delta.seconds) * 1000 + delta.microseconds // 1000
        seconds, rest = divmod(millis, 1000)
        return seconds if rest == 0 else float(f"{seconds}.{rest:03d}")
    return value


def iso8601(value: Any) -> str:
    if isinstance(value, datetime):
        utc = _aware(value).astimezone(timezone.utc)
        return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return iso8601(datetime.fromtimestamp(value, tz=timezone.utc))
    return str(value)


def format_timestamp(value: Any, fmt: str) -> Any:
    """A timestamp in the wire format named by the protocol default or timestampFormat."""
    if fmt == "unixTimestamp":
        return epoch(value)
    if fmt == "rfc822" and isinstance(value, datetime):
        from email.utils import format_datetime

        return format_datetime(_aware(value).astimezone(timezone.utc), usegmt=True)
    return iso8601(value)
