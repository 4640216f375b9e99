"""The JSON protocols (1.0 and 1.1): KMS, CloudTrail, SQS.

Request bodies are the input shape's members by name; blobs are base64 text, timestamps epoch
seconds (the protocol's default; a shape's timestampFormat overrides it). Errors are
`{"__type": ..., "message": ...}`; a query-compatible service (SQS) names the error by its
shape in `__type` (`com.amazonaws.sqs#QueueDoesNotExist`) and sends its query code in the
`x-amzn-query-error` header (`AWS.SimpleQueueService.NonExistentQueue;Sender`), which is the
code botocore reports.
"""

from __future__ import annotations

import json

from awslocal_cli import model as models
from awslocal_cli.wire import shapes as sh
from awslocal_cli.wire.validation import json_type_message

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


# The type names SQS's JSON errors carry for its query codes that have no shape in the model
# (recorded from AWS: botocore shows them as QueryErrorCode).
_UNMODELED_TYPES = {
    "InvalidParameterValue": "InvalidParameterValueException",
    "MissingParameter": "MissingRequiredParameterException",
}


def content_type(service: str) -> str:
    version = models.load(service)["metadata"].get("jsonVersion", "1.1")
    return f"application/x-amz-json-{version}"


def parse_body(service: str, operation: str, body: bytes) -> dict[str, Any]:
    """The request members of a JSON body, in the types services take."""
    model = models.load(service)
    try:
        text = body.decode("utf-8") if body else ""
    except UnicodeDecodeError as exc:
        raise sh.WireValueError(f"the request body is not UTF-8: {exc.reason} at byte "
                                f"{exc.start}") from None
    if not text.strip():
        document: Any = {}
    else:
        try:
            document = json.loads(text)
        except ValueError as exc:
            raise sh.WireValueError(f"malformed JSON: {exc}") from None
        except RecursionError:
            raise sh.WireValueError("malformed JSON: nested too deeply") from None
    if not isinstance(document, dict):
        raise sh.WireValueError("the request body must be a JSON object")
    ref = model["operations"][operation].get("input")
    if ref is None:
        return {}
    if _deeper_than(document, MAX_DEPTH):
        raise sh.WireValueError(f"malformed JSON: nested deeper than {MAX_DEPTH} levels")
    return _from_json(model, ref["shape"], document)


# No input shape of these services nests anywhere near this deep; a document that does is not
# a request, and walking it (here, in validation, in an error message) would exhaust the stack.
MAX_DEPTH = 64


def _deeper_than(document: Any, limit: int) -> bool:
    """Whether `document` nests more than `limit` containers deep (iteratively, no recursion)."""
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _from_json(model: dict[str, Any], shape_name: str, value: Any) -> Any:
    shape = model["shapes"][shape_name]
    kind = shape["type"]
    if value is None:
        return None
    if kind == "structure":
        if not isinstance(value, dict):
            raise sh.WireValueError(json_type_message(value, "structure"))
        members = shape.get("members", {})
        out = {}
        for name, item in value.items():
            # Unknown members are ignored, as AWS's JSON services ignore them.
            if name in members and item is not None:
                out[name] = _from_json(model, members[name]["shape"], item)
        return out
    if kind == "list":
        if not isinstance(value, list):
            raise sh.WireValueError(json_type_message(value, "list"))
        return [_from_json(model, shape["member"]["shape"], v) for v in value]
    if kind == "map":
        if not isinstance(value, dict):
            raise sh.WireValueError(json_type_message(value, "map"))
        return {k: _from_json(model, shape["value"]["shape"], v) for k, v in value.items()}
    if kind == "blob":
        return sh.decode_blob(value)
    if kind == "timestamp":
        return sh.parse_timestamp(value)
    return value


def serialize_result(service: str, operation: str, result: dict[str, Any] | None) -> bytes:
    model = models.load(service)
    ref = model["operations"][operation].get("output")
    if ref is None or not result:
        return b"{}"
    document = _to_json(model, ref["shape"], result)
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _to_json(model: dict[str, Any], shape_name: str, value: Any) -> Any:
    shape = model["shapes"][shape_name]
    kind = shape["type"]
    if kind == "structure":
        members = shape.get("members", {})
        return {
            name: _to_json(model, members[name]["shape"], item)
            for name, item in value.items()
            if name in members and item is not None
        }
    if kind == "list":
        return [_to_json(model, shape["member"]["shape"], v) for v in value]
    if kind == "map":
        return {k: _to_json(model, shape["value"]["shape"], v) for k, v in value.items()}
    if kind == "blob":
        return sh.encode_blob(value)
    if kind == "timestamp":
        return sh.format_timestamp(value, shape.get("timestampFormat", "unixTimestamp"))
    if kind in ("float", "double") and isinstance(value, str):
        return float(value)
    return value


def error_response(
    service: str,
    code: str,
    message: str,
    *,
    status: int | None = None,
    sender_fault: bool = True,
    shape_name: str | None = None,
    fields: dict[str, Any] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of a JSON error."""
    metadata = models.load(service)["metadata"] if service else {}
    table = sh.error_shapes(service) if service else {}
    found = table.get(shape_name or "") or table.get(code)
    shape = found[1] if found else None
    headers = {"content-type": content_type(service) if service else "application/x-amz-json-1.1"}
    body: dict[str, Any] = {}
    if "awsQueryCompatible" in metadata:
        name = found[0] if found else _UNMODELED_TYPES.get(code, code)
        body["__type"] = f"com.amazonaws.{metadata['endpointPrefix']}#{name}"
        fault = "Sender" if sender_fault else "Receiver"
        headers["x-amzn-query-error"] = f"{code};{fault}"
    else:
        body["__type"] = code
    if message:
        body["message"] = message  # AWS sends none where its error has no message
    for key, value in (fields or {}).items():
        body.setdefault(key, value)
    if status is None:
        status = sh.error_status(shape, sender_fault)
    return status, headers, json.dumps(body, separators=(",", ":"), default=str).encode("utf-8")
