"""What the user typed for an option -> the typed request value, driven by the service model.

This follows the AWS CLI v2 (aws-cli, branch v2): awscli/argprocess.py (shorthand or JSON,
unpacking scalars and lists), awscli/shorthand.py's BackCompatVisitor (typing shorthand
values by the model), awscli/paramfile.py (file:// and fileb://),
awscli/customizations/binaryformat.py (--cli-binary-format) and
awscli/customizations/generatecliskeleton.py with botocore's ArgumentGenerator
(--generate-cli-skeleton). The rules in brief:

- A structure or map option, or a list of structures, lists or maps, is JSON when its (first)
  value starts with `{` or `[` after whitespace, and shorthand otherwise. A list of scalars
  takes its values as given, or one JSON list (`'["a", "b"]'`); it has no shorthand.
- JSON keeps its own types (`{"DelaySeconds": "5"}` stays a string and fails validation
  later, as in the AWS CLI). Shorthand values are strings typed by the model: integers and
  floats converted, `true`/`false` made booleans, a lone value for a list made a list.
- Blobs given as text are base64-decoded under --cli-binary-format base64 (the v2 default)
  and UTF-8 encoded under raw-in-base64-out; bytes from fileb:// are used as they are.
- Timestamps become aware datetimes, from epoch seconds or ISO 8601 (botocore's rules, less
  dateutil's free-form parsing).

Only json and base64 are imported; nothing here touches click, botocore or yaml. ParamError
and file:// loading live in awslocal_cli.cli.paramfile, which shorthand.py reads too.
"""

from __future__ import annotations

import json

from awslocal_cli.cli import shorthand
from awslocal_cli.cli.paramfile import ParamError, load_param_file, option_flag
from awslocal_cli.model import kebab_case

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime
    from typing import Any

    ParamFileLoader = Callable[[str], "str | bytes | None"]

_SCALARS = frozenset(
    ("string", "integer", "long", "float", "double", "boolean", "blob", "timestamp")
)
_COMPLEX = frozenset(("structure", "list", "map"))

# The placeholder botocore's ArgumentGenerator puts in a skeleton for a timestamp
# (datetime(1970, 1, 1)), as the AWS CLI's JSON encoder prints it.
_SKELETON_TIMESTAMP = "1970-01-01T00:00:00"


# -- option names ------------------------------------------------------------------------------


cli_name = kebab_case  # one implementation of botocore's xform_name, in model.py


# -- shorthand or JSON -------------------------------------------------------------------------


def supports_shorthand(model: dict[str, Any], shape_name: str) -> bool:
    """Structures, maps, and lists of structures, lists or maps take shorthand; nothing else."""
    shapes = model["shapes"]
    shape = shapes[shape_name]
    kind = shape["type"]
    if kind == "list":
        return shapes[shape["member"]["shape"]]["type"] in _COMPLEX
    return kind in ("structure", "map")


# -- conversion --------------------------------------------------------------------------------


def convert(
    model: dict[str, Any],
    shape_name: str,
    raw: list[str] | str | bytes | bool,
    *,
    param_name: str,
    binary_format: str = "base64",
    param_file_loader: ParamFileLoader | None = None,
    member: str | None = None,
) -> Any:
    """What the user typed for one top-level member -> the request value for it.

    `raw` is a string (bytes when it came from fileb://), a list of strings for a list
    option, or a bool for a boolean flag. `param_name` is the option (`queue-url` or
    `--queue-url`) that errors name; `member` (default: `param_name`) the request member that
    validation errors name. `param_file_loader` reads the file:// and fileb:// values named
    after `@=` inside shorthand (default: load_param_file).
    """
    shapes = model["shapes"]
    kind = shapes[shape_name]["type"]
    option = option_flag(param_name)
    if kind in _COMPLEX:
        value = _unpack_complex(shapes, shape_name, raw, option, param_file_loader)
    else:
        value = _unpack_top_scalar(kind, raw, option)
    return _finish(shapes, shape_name, value, binary_format, member or param_name)


def _text(value: Any, option: str) -> Any:
    """A structure, map or list option read from fileb:// is taken as UTF-8 text."""
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParamError(f"Invalid UTF-8: {exc}", param=option) from None
    return value


def _unpack_top_scalar(kind: str, raw: Any, option: str) -> Any:
    if isinstance(raw, list):
        raw = raw[0] if len(raw) == 1 else raw
    if kind == "boolean":
        return _boolean(raw)
    if kind == "integer":
        # argparse hands integers over as text and int() runs later: a bad value escapes as
        # a plain ValueError, which the AWS CLI prints as it is (exit 255).
        try:
            return int(raw)
        except (ValueError, TypeError) as exc:
            raise ParamError(str(exc), exit_code=255) from None
    if kind == "long":
        try:
            return int(raw)
        except (ValueError, TypeError):
            raise ParamError(f"argument {option}: invalid int value: {raw!r}", usage=True) from None
    if kind in ("float", "double"):
        try:
            return float(raw)
        except (ValueError, TypeError):
            raise ParamError(
                f"argument {option}: invalid float value: {raw!r}", usage=True
            ) from None
    return raw  # string, blob, timestamp: _finish handles the last two


def _boolean(value: Any) -> Any:
    """--flag/--no-flag arrive as bools; text is False only when it says `false`."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() == "false":
        return False
    return bool(value)


def _unpack_complex(
    shapes: dict[str, Any],
    shape_name: str,
    raw: Any,
    option: str,
    loader: ParamFileLoader | None,
) -> Any:
    shape = shapes[shape_name]
    kind = shape["type"]
    if kind == "list":
        values = list(raw) if isinstance(raw, (list, tuple)) else [raw]
        member_name = shape["member"]["shape"]
        member_kind = shapes[member_name]["type"]
        if member_kind != "blob":
            values = [_text(v, option) for v in values]
        if member_kind in _COMPLEX and not shorthand.looks_like_json(values):
            return _shorthand(shapes, shape_name, values, option, loader)
        if len(values) == 1 and isinstance(values[0], str) and values[0].strip()[:1] == "[":
            return _json(values[0], option)
        # Several values (or one that is not a JSON list): one element each.
        try:
            return [_unpack_element(shapes, member_name, v, option) for v in values]
        except ParamError:
            raise
        except (ValueError, TypeError):
            # As the AWS CLI: the message is the option's first value, nothing more.
            raise ParamError(str(values[0]), param=option) from None
    if isinstance(raw, (list, tuple)):
        if len(raw) != 1:
            raise ParamError(f"argument {option}: expected one argument", usage=True)
        raw = raw[0]
    value = _text(raw, option)
    if not isinstance(value, str):
        return value
    if shorthand.looks_like_json(value):
        return _json_object(value, option)
    members = shape.get("members", {})
    if (
        kind == "structure"
        and len(members) == 1
        and "Value" in members
        and shapes[members["Value"]["shape"]]["type"] == "string"
        and "=" not in value
    ):
        # `--instance-terminate-behavior shutdown` means {"Value": "shutdown"}.
        return {"Value": value}
    return _shorthand(shapes, shape_name, value, option, loader)


def _unpack_element(shapes: dict[str, Any], shape_name: str, value: Any, option: str) -> Any:
    """One of several values given to a list option, without shorthand."""
    kind = shapes[shape_name]["type"]
    if kind in ("structure", "map"):
        return _json_object(value, option)
    if kind == "list":
        if isinstance(value, str) and value.lstrip()[:1] == "[":
            return _json(value, option)
        return [value]
    if kind in ("integer", "long"):
        return int(value)
    if kind in ("float", "double"):
        return float(value)
    if kind == "boolean":
        return _boolean(value)
    return value


def _json_object(value: str, option: str) -> Any:
    if value.lstrip()[:1] == "{":
        return _json(value, option)
    raise ParamError(f"Invalid JSON:\n{value}", param=option)


def _json(value: str, option: str) -> Any:
    try:
        return json.loads(value)
    except ValueError as exc:
        raise ParamError(f"Invalid JSON: {exc}\nJSON received: {value}", param=option) from None


def _shorthand(
    shapes: dict[str, Any],
    shape_name: str,
    value: str | list[str],
    option: str,
    loader: ParamFileLoader | None,
) -> Any:
    def load(text: str) -> str | bytes | None:
        # The AWS CLI lets a file that `@=` cannot read escape as a plain exception (255).
        try:
            return (loader or load_param_file)(text)
        except ParamError as exc:
            raise ParamError(exc.message, exit_code=255) from None

    try:
        if isinstance(value, list):
            parsed: Any = [shorthand.parse(v, load_paramfile=load) for v in value]
        else:
            parsed = shorthand.parse(value, load_paramfile=load)
    except shorthand.ShorthandParseError as exc:
        raise ParamError(str(exc), param=option) from None
    try:
        return _typed(shapes, shape_name, parsed)
    except (ValueError, TypeError) as exc:
        # `Count=abc`: int() fails outside any handler in the AWS CLI too (exit 255).
        raise ParamError(str(exc), exit_code=255) from None


def _typed(shapes: dict[str, Any], shape_name: str, value: Any) -> Any:
    """Shorthand's strings typed by the model (the AWS CLI's BackCompatVisitor)."""
    shape = shapes[shape_name]
    kind = shape["type"]
    if kind == "structure":
        if isinstance(value, dict):
            for name, ref in shape.get("members", {}).items():
                if value.get(name) is not None:
                    value[name] = _typed(shapes, ref["shape"], value[name])
        return value
    if kind == "list":
        if not isinstance(value, list):
            return [value]  # `Values=a` means ["a"]
        member = shape["member"]["shape"]
        return [_typed(shapes, member, v) for v in value]
    if kind == "map":
        if isinstance(value, dict):
            item = shape["value"]["shape"]
            for key in value:
                value[key] = _typed(shapes, item, value[key])
        return value
    if kind in ("integer", "long"):
        return int(value)
    if kind in ("float", "double"):
        return float(value)
    if kind == "boolean" and isinstance(value, str):
        lowered = value.lower()
        if lowered == "true":
            return True
        if lowered == "false":
            return False
    return value


def _finish(
    shapes: dict[str, Any], shape_name: str, value: Any, binary_format: str, path: str
) -> Any:
    """Blobs and timestamps anywhere in the value, as the AWS CLI and botocore convert them."""
    shape = shapes[shape_name]
    kind = shape["type"]
    if kind == "structure":
        if isinstance(value, dict):
            for name, ref in shape.get("members", {}).items():
                if name in value:
                    value[name] = _finish(
                        shapes, ref["shape"], value[name], binary_format, f"{path}.{name}"
                    )
    elif kind == "list":
        if isinstance(value, list):
            member = shape["member"]["shape"]
            for i, item in enumerate(value):
                value[i] = _finish(shapes, member, item, binary_format, f"{path}[{i}]")
    elif kind == "map":
        if isinstance(value, dict):
            item_shape = shape["value"]["shape"]
            for key in value:
                value[key] = _finish(shapes, item_shape, value[key], binary_format, f"{path}.{key}")
    elif kind == "blob" and isinstance(value, str):
        return _blob(value, binary_format)
    elif (
        kind == "timestamp" and isinstance(value, (str, int, float)) and not isinstance(value, bool)
    ):
        stamp = parse_timestamp(value)
        if stamp is None:
            raise ParamError(
                "Parameter validation failed:\n"
                f"Invalid type for parameter {path}, value: {value}, type: {type(value)}, "
                "valid types: <class 'datetime.datetime'>, timestamp-string"
            )
        return stamp
    return value


def _blob(value: str, binary_format: str) -> bytes:
    if binary_format == "raw-in-base64-out":
        return value.encode("utf-8")
    import base64
    import binascii

    # Not validate=True: like the AWS CLI (base64.b64decode), characters outside the
    # alphabet are skipped and only bad padding or length is an error.
    try:
        return base64.b64decode(value)
    except binascii.Error:
        raise ParamError(f'Invalid base64: "{value}"', exit_code=255) from None
    except ValueError as exc:  # non-ASCII text
        raise ParamError(str(exc), exit_code=255) from None


def parse_timestamp(value: str | float) -> datetime | None:
    """An aware datetime from epoch seconds, ISO 8601 or an RFC 2822 date; None if none fits.

    Text without a zone is UTC (botocore's parse_to_aware_datetime). botocore also takes
    anything dateutil can read; that free-form parsing is not reproduced.
    """
    from datetime import datetime, timezone

    if isinstance(value, (int, float)):
        try:
            return datetime.fromtimestamp(value, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    text = value.strip()
    try:
        return datetime.fromtimestamp(float(text), tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        pass
    iso = text[:-1] + "+00:00" if text[-1:] in ("Z", "z") else text
    try:
        stamp = datetime.fromisoformat(iso)
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            stamp = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=timezone.utc)
    return stamp


# -- skeletons ---------------------------------------------------------------------------------


def to_cli_input_skeleton(model: dict[str, Any], shape_name: str) -> dict[str, Any]:
    """The `--generate-cli-skeleton input` document (botocore's ArgumentGenerator).

    Strings "", numbers 0 or 0.0, booleans true, blobs null, timestamps 1970-01-01T00:00:00,
    lists of one element, maps {"KeyName": value}; a structure met again inside itself is {};
    an enum string its first allowed value (botocore.utils.ArgumentGenerator).
    """
    result = _skeleton(model["shapes"], shape_name, [], False, "")
    return result if isinstance(result, dict) else {}


def to_output_skeleton(model: dict[str, Any], shape_name: str) -> dict[str, Any]:
    """The `--generate-cli-skeleton output` sample response.

    As the AWS CLI builds it: each string holds its member's name (a list element its shape's
    name, a map value ""), numbers 0, booleans true, blobs null. The AWS CLI then feeds this
    through a stubbed client, which validates it against the output shape; that step (which
    fails for many operations, aws-cli issue #2337) is the caller's to reproduce or not.
    """
    result = _skeleton(model["shapes"], shape_name, [], True, "")
    return result if isinstance(result, dict) else {}


def _skeleton(
    shapes: dict[str, Any], shape_name: str, stack: list[str], member_names: bool, label: str
) -> Any:
    shape = shapes[shape_name]
    kind = shape["type"]
    stack.append(shape_name)
    try:
        if kind == "structure":
            if stack.count(shape_name) > 1:
                return {}
            return {
                name: _skeleton(shapes, ref["shape"], stack, member_names, name)
                for name, ref in shape.get("members", {}).items()
            }
        if kind == "list":
            member = shape["member"]["shape"]
            return [_skeleton(shapes, member, stack, member_names, member if member_names else "")]
        if kind == "map":
            return {"KeyName": _skeleton(shapes, shape["value"]["shape"], stack, member_names, "")}
        if kind == "string" and member_names:
            return label
        if kind == "timestamp":
            return _SKELETON_TIMESTAMP
        return skeleton_scalar(shape)  # None for a blob, and any type the generator lacks
    finally:
        stack.pop()


def skeleton_scalar(shape: dict[str, Any]) -> Any:
    """The placeholder botocore's ArgumentGenerator gives a string (its first enum value, or
    ""), a number (0, 0.0) or a boolean (true); None for any other type."""
    kind = shape["type"]
    if kind == "string":
        enum = shape.get("enum")
        return enum[0] if enum else ""
    if kind in ("integer", "long"):
        return 0
    if kind in ("float", "double"):
        return 0.0
    if kind == "boolean":
        return True
    return None
