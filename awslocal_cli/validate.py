"""Checks of a request against the model, as botocore's ParamValidator makes them.

Shared by the front doors that build requests (the CLI, the wire layer, seed files). The AWS
CLI refuses these before any call (exit 252): missing required members, unknown
members (from --cli-input-json), wrong types, and string lengths, list lengths and numbers
under a shape's minimum. botocore checks nothing else (no maximum, pattern or enum, and no
blob length): those reach the service, which answers with AWS's own error (exit 254).
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from awslocal_cli.errors import ParamValidationError

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; annotations only
    from typing import Any

_TYPES = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "float": (float, int),
    "double": (float, int),
    "boolean": (bool,),
    "blob": (bytes, bytearray, str),
    "timestamp": (datetime,),
    "list": (list, tuple),
    "map": (dict,),
    "structure": (dict,),
}


def coerce(model: dict[str, Any], shape_name: str, value: Any, binary_format: str) -> Any:
    """Turn JSON-typed values (from --cli-input-json) into request types: blobs and timestamps."""
    shape = model["shapes"][shape_name]
    kind = shape["type"]
    if kind == "structure" and isinstance(value, dict):
        members = shape.get("members", {})
        return {
            k: coerce(model, members[k]["shape"], v, binary_format) if k in members else v
            for k, v in value.items()
        }
    if kind == "map" and isinstance(value, dict):
        return {
            k: coerce(model, shape["value"]["shape"], v, binary_format) for k, v in value.items()
        }
    if kind == "list" and isinstance(value, list):
        return [coerce(model, shape["member"]["shape"], v, binary_format) for v in value]
    if kind == "blob" and isinstance(value, str):
        if binary_format == "raw-in-base64-out":
            return value.encode("utf-8")
        # As the AWS CLI's Base64DecodeVisitor: characters outside the alphabet are skipped,
        # and a failure is a plain error (printed bare, exit 255), not a validation error.
        try:
            return base64.b64decode(value)
        except (binascii.Error, ValueError):
            raise ParamValidationError(f'Invalid base64: "{value}"', exit_code=255) from None
    if kind == "timestamp" and isinstance(value, (str, int, float)) and not isinstance(value, bool):
        from awslocal_cli.clock import parse_timestamp

        try:
            return parse_timestamp(str(value))
        except ValueError:
            return value  # botocore's validator reports it: "valid types: ..., timestamp-string"
    return value


def validate_request(model: dict[str, Any], shape_name: str, request: dict[str, Any]) -> None:
    errors: list[str] = []
    _check(model, shape_name, request, "", errors, top=True)
    if errors:
        raise ParamValidationError("Parameter validation failed:\n" + "\n".join(errors))


def _type_names(kind: str, types: tuple[type, ...]) -> str:
    if kind == "blob":
        return "<class 'bytes'>, <class 'bytearray'>, file-like object"
    if kind == "timestamp":
        return "<class 'datetime.datetime'>, timestamp-string"
    if kind in ("float", "double"):
        return "<class 'float'>, <class 'decimal.Decimal'>, <class 'int'>"
    return ", ".join(f"{t}" for t in types)


def _check(
    model: dict[str, Any],
    shape_name: str,
    value: Any,
    path: str,
    errors: list[str],
    top: bool = False,
) -> None:
    shape = model["shapes"][shape_name]
    kind = shape["type"]
    allowed = _TYPES.get(kind, (object,))
    if (isinstance(value, bool) and kind in ("integer", "long", "float", "double")) or (
        not isinstance(value, allowed)
    ):
        # botocore formats the value with str(), not repr(): `value: 5, type: <class 'str'>`.
        errors.append(
            f"Invalid type for parameter {path or 'input'}, value: {value}, type: "
            f"{type(value)}, valid types: {_type_names(kind, allowed)}"
        )
        return
    if kind == "structure":
        members = shape.get("members", {})
        for name in shape.get("required", []):
            if name not in value:
                where = "input" if top else path
                errors.append(f'Missing required parameter in {where}: "{name}"')
        for name, item in value.items():
            if name not in members:
                where = "input" if top else path
                errors.append(
                    f'Unknown parameter in {where}: "{name}", must be one of: ' + ", ".join(members)
                )
                continue
            _check(model, members[name]["shape"], item, f"{path}.{name}" if path else name, errors)
    elif kind == "list":
        if "min" in shape and len(value) < shape["min"]:
            errors.append(
                f"Invalid length for parameter {path}, value: {len(value)}, "
                f"valid min length: {shape['min']}"
            )
        for i, item in enumerate(value):
            _check(model, shape["member"]["shape"], item, f"{path}[{i}]", errors)
    elif kind == "map":
        for key, item in value.items():
            _check(model, shape["key"]["shape"], key, f"{path} (key: {key})", errors)
            _check(model, shape["value"]["shape"], item, f"{path}.{key}", errors)
    elif kind == "string":  # botocore's _validate_blob checks the type only, not the length
        if "min" in shape and len(value) < shape["min"]:
            errors.append(
                f"Invalid length for parameter {path}, value: {len(value)}, "
                f"valid min length: {shape['min']}"
            )
    elif kind in ("integer", "long", "float", "double") and "min" in shape and value < shape["min"]:
        errors.append(
            f"Invalid value for parameter {path}, value: {value}, valid min value: {shape['min']}"
        )
