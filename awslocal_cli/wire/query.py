"""The query protocol: SNS, STS, and SQS for older SDKs and the AWS CLI v1.

Requests are form parameters (`Action=CreateTopic&Version=2010-03-31&Name=t`), nested by dots:
`Tags.member.1.Key` for a list, `Attributes.entry.1.key` for a map, and for flattened members
the element name repeated without the wrapper (`Attribute.1.Name`, `AttributeName.1`).
Responses are XML: `<OpResponse><OpResult>...</OpResult><ResponseMetadata>` and errors
`<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
Timestamps are ISO 8601 unless a shape's timestampFormat says otherwise.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from awslocal_cli.wire import shapes as sh

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_MISSING = object()
_NO_QUEUE = "The specified queue does not exist."
_NO_QUEUE_QUERY = "The specified queue does not exist for this wsdl version."


class MalformedQuery(sh.WireValueError):
    """A query string or form body that is not one value per name (MalformedQueryString)."""


def parse_params(text: str, into: dict[str, str] | None = None) -> dict[str, str]:
    """The parameters of a query string or form body, added to `into` when given.

    Every name of the query protocol is given once (list members are numbered: `Tags.member.1.
    Key`), so a name given twice, here or in `into` already (the URL and the body), is refused
    rather than letting the last one win: `Action=GetQueueUrl&...&Action=DeleteQueue` must not
    run a DeleteQueue that a proxy or a log reading the first Action would not show.
    """
    from urllib.parse import parse_qsl

    params = {} if into is None else into
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=False)
    except ValueError as exc:
        raise MalformedQuery(f"malformed form body: {exc}") from None
    for name, value in pairs:
        if name in params:
            raise MalformedQuery(
                f"The query string contains a syntax error: the parameter {name} is given "
                "more than once.")
        params[name] = value
    return params


def parse_request(service: str, operation: str, params: dict[str, str]) -> dict[str, Any]:
    """The request members named by the form parameters, in the types services take."""
    model = sh.query_model(service)
    ref = model["operations"][operation].get("input")
    if ref is None:
        return {}
    prefixes: set[str] = set()
    for key in params:
        parts = key.split(".")
        for i in range(1, len(parts) + 1):
            prefixes.add(".".join(parts[:i]))
    value = _read(model, ref["shape"], params, prefixes, "", {})
    return {} if value is _MISSING else value


def _member_name(ref: dict[str, Any], name: str) -> str:
    return ref.get("locationName", name)


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _read(
    model: dict[str, Any],
    shape_name: str,
    params: dict[str, str],
    prefixes: set[str],
    prefix: str,
    ref: dict[str, Any],
) -> Any:
    shape = model["shapes"][shape_name]
    kind = shape["type"]
    if kind == "structure":
        out = {}
        for name, member in shape.get("members", {}).items():
            value = _read(
                model,
                member["shape"],
                params,
                prefixes,
                _join(prefix, _member_name(member, name)),
                member,
            )
            if value is not _MISSING:
                out[name] = value
        if not out and prefix and prefix not in prefixes:
            return _MISSING
        return out
    if kind == "list":
        if params.get(prefix) == "":
            return []  # the query protocol's empty list
        member = shape["member"]
        flattened = shape.get("flattened") or ref.get("flattened")
        if flattened:
            base = prefix
            if member.get("locationName"):
                base = _join(prefix.rpartition(".")[0], member["locationName"])
        else:
            base = _join(prefix, member.get("locationName", "member"))
        items = []
        i = 1
        while f"{base}.{i}" in prefixes:
            value = _read(model, member["shape"], params, prefixes, f"{base}.{i}", member)
            items.append(None if value is _MISSING else value)
            i += 1
        return items if items else _MISSING
    if kind == "map":
        flattened = shape.get("flattened") or ref.get("flattened")
        base = prefix if flattened else _join(prefix, "entry")
        key_name = shape["key"].get("locationName", "key")
        value_name = shape["value"].get("locationName", "value")
        out = {}
        i = 1
        while f"{base}.{i}" in prefixes:
            key = _read(model, shape["key"]["shape"], params, prefixes, f"{base}.{i}.{key_name}",
                        shape["key"])
            value = _read(model, shape["value"]["shape"], params, prefixes,
                          f"{base}.{i}.{value_name}", shape["value"])
            if key is not _MISSING:
                out[key] = None if value is _MISSING else value
            i += 1
        return out if out else _MISSING
    text = params.get(prefix, _MISSING)
    if text is _MISSING:
        return _MISSING
    return _scalar(kind, text, shape_name)


def _scalar(kind: str, text: str, shape_name: str) -> Any:
    try:
        if kind in ("integer", "long"):
            return int(text)
        if kind in ("float", "double"):
            return float(text)
    except ValueError:
        raise sh.WireValueError(f"{text!r} is not a valid {kind} ({shape_name})") from None
    if kind == "boolean":
        lowered = text.strip().lower()
        if lowered not in ("true", "false"):
            raise sh.WireValueError(f"{text!r} is not a valid boolean ({shape_name})")
        return lowered == "true"
    if kind == "blob":
        return sh.decode_blob(text)
    if kind == "timestamp":
        return sh.parse_timestamp(text)
    return text


# -- responses ---------------------------------------------------------------------------------


def serialize_result(
    service: str, operation: str, result: dict[str, Any] | None, request_id: str
) -> bytes:
    model = sh.query_model(service)
    namespace = model["metadata"].get("xmlNamespace", "")
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<{operation}Response xmlns="{namespace}">']
    ref = model["operations"][operation].get("output")
    if ref is not None:
        wrapper = ref.get("resultWrapper", f"{operation}Result")
        parts.append(f"<{wrapper}>")
        _write_members(model, ref["shape"], result or {}, parts)
        parts.append(f"</{wrapper}>")
    parts.append(
        f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>"
        f"</{operation}Response>"
    )
    return "".join(parts).encode("utf-8")


def _write_members(
    model: dict[str, Any], shape_name: str, value: dict[str, Any], parts: list[str]
) -> None:
    members = model["shapes"][shape_name].get("members", {})
    for name, ref in members.items():
        item = value.get(name)
        if item is None:
            continue
        _write(model, ref["shape"], item, _member_name(ref, name), ref, parts)


def _write(
    model: dict[str, Any],
    shape_name: str,
    value: Any,
    tag: str,
    ref: dict[str, Any],
    parts: list[str],
) -> None:
    shape = model["shapes"][shape_name]
    kind = shape["type"]
    if kind == "structure":
        parts.append(f"<{tag}>")
        _write_members(model, shape_name, value, parts)
        parts.append(f"</{tag}>")
    elif kind == "list":
        member = shape["member"]
        if shape.get("flattened") or ref.get("flattened"):
            element = member.get("locationName", tag)
            for item in value:
                _write(model, member["shape"], item, element, member, parts)
        else:
            element = member.get("locationName", "member")
            parts.append(f"<{tag}>")
            for item in value:
                _write(model, member["shape"], item, element, member, parts)
            parts.append(f"</{tag}>")
    elif kind == "map":
        key_ref, value_ref = shape["key"], shape["value"]
        key_name = key_ref.get("locationName", "key")
        value_name = value_ref.get("locationName", "value")
        flattened = shape.get("flattened") or ref.get("flattened")
        if not flattened:
            parts.append(f"<{tag}>")
        for key, item in value.items():
            parts.append(f"<{tag}>" if flattened else "<entry>")
            _write(model, key_ref["shape"], key, key_name, key_ref, parts)
            _write(model, value_ref["shape"], item, value_name, value_ref, parts)
            parts.append(f"</{tag}>" if flattened else "</entry>")
        if not flattened:
            parts.append(f"</{tag}>")
    else:
        parts.append(f"<{tag}>{escape(_text(kind, shape, value))}</{tag}>")


def _text(kind: str, shape: dict[str, Any], value: Any) -> str:
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "blob":
        return sh.encode_blob(value)
    if kind == "timestamp":
        return str(sh.format_timestamp(value, shape.get("timestampFormat", "iso8601")))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def error_response(
    service: str,
    code: str,
    message: str,
    request_id: str,
    *,
    status: int | None = None,
    sender_fault: bool = True,
    fields: dict[str, Any] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of a query protocol error."""
    if service == "sqs" and message == _NO_QUEUE:
        # SQS's query protocol words its missing queue so (recorded); its JSON protocol does not.
        message = _NO_QUEUE_QUERY
    shape = None
    namespace = ""
    if service:
        found = sh.error_shapes(service).get(code)
        shape = found[1] if found else None
        namespace = sh.query_model(service)["metadata"].get("xmlNamespace", "")
    fault = "Sender" if sender_fault else "Receiver"
    extra = "".join(
        f"<{k}>{escape(str(v))}</{k}>" for k, v in (fields or {}).items() if v is not None
    )
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="{namespace}">'
        f"<Error><Type>{fault}</Type><Code>{escape(code)}</Code>"
        f"<Message>{escape(message)}</Message>{extra}</Error>"
        f"<RequestId>{request_id}</RequestId></ErrorResponse>"
    )
    if status is None:
        status = sh.error_status(shape, sender_fault)
    return status, {"content-type": "text/xml"}, body.encode("utf-8")
