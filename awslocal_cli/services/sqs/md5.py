"""Message validation and the MD5 digests SQS returns (MD5OfMessageBody and friends).

The attribute digest follows the algorithm in the SQS developer guide ("Calculating the MD5
message digest for message attributes"): attributes sorted by name; for each, the name, the
data type and the value each prefixed by their 4-byte big-endian length, with one transport
byte between type and value (1 for String and Number, 2 for Binary). SDKs check these digests,
so they must be exact.
"""

from __future__ import annotations

import struct

try:
    # CPython's own MD5: the same digest without `hashlib`, whose import loads OpenSSL's
    # libcrypto (_hashlib) and costs start-up time on every send and receive.
    from _md5 import md5 as _md5
except ImportError:  # a Python built without it
    from hashlib import md5 as _md5

from awslocal_cli.errors import sqs as err

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; annotations only
    from collections.abc import Mapping
    from typing import Any

MAX_ATTRIBUTES = 10
_TYPES = ("String", "Number", "Binary")


def md5_hex(data: bytes) -> str:
    return _md5(data, usedforsecurity=False).hexdigest()


def md5_of_body(body: str) -> str:
    return md5_hex(body.encode("utf-8"))


def _prefixed(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def md5_of_attributes(attributes: Mapping[str, Mapping[str, Any]]) -> str:
    """MD5 of message (or system) attributes, as AWS computes it."""
    out = bytearray()
    for name in sorted(attributes):
        value = attributes[name]
        data_type = str(value["DataType"])
        out += _prefixed(name.encode("utf-8"))
        out += _prefixed(data_type.encode("utf-8"))
        if data_type.startswith("Binary"):
            out += b"\x02"
            out += _prefixed(bytes(value["BinaryValue"]))
        else:
            out += b"\x01"
            out += _prefixed(str(value["StringValue"]).encode("utf-8"))
    return md5_hex(bytes(out))


def valid_chars(text: str) -> bool:
    """#x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF."""
    global _INVALID
    if _INVALID is None:
        import re

        # One C-speed scan (a character loop in Python was a tenth of a SendMessage).
        _INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
    return _INVALID.search(text) is None


_INVALID = None


INVALID_CHARS = ("Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | "
                 "#x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF")


def _check_name(name: str, kind: str) -> None:
    ok = (
        0 < len(name) <= 256
        and all(c.isascii() and (c.isalnum() or c in "-_.") for c in name)
        and not name.startswith(".") and not name.endswith(".") and ".." not in name
        and not name.lower().startswith(("aws.", "amazon."))
    )
    if not ok:
        raise err.InvalidParameterValue(
            f"Message ({kind}) attribute name '{name}' is invalid: the name can contain "
            "alphanumeric characters, hyphens (-), underscores (_) and periods (.); it must not "
            "start or end with a period, contain consecutive periods, start with 'AWS.' or "
            "'Amazon.', or be longer than 256 characters.")


def _empty_value(name: str, kind: str, base: str) -> err.InvalidParameterValue:
    """An attribute given with an empty value, as AWS words it (recorded responses)."""
    return err.InvalidParameterValue(
        f"Message ({kind}) attribute '{name}' must contain a non-empty value of type "
        f"'{base}'.")


def attributes_size(attributes: Mapping[str, Mapping[str, Any]] | None) -> int:
    """Bytes the attributes count against MaximumMessageSize (name + type + value)."""
    total = 0
    for name, value in (attributes or {}).items():
        total += len(name.encode()) + len(str(value.get("DataType", "")).encode())
        if "BinaryValue" in value and value["BinaryValue"] is not None:
            total += len(bytes(value["BinaryValue"]))
        elif value.get("StringValue") is not None:
            total += len(str(value["StringValue"]).encode())
    return total


def check_attributes(attributes: Mapping[str, Mapping[str, Any]] | None, *,
                     kind: str = "user") -> dict[str, dict[str, Any]]:
    """Validate MessageAttributes (kind "user") or MessageSystemAttributes ("system")."""
    if not attributes:
        return {}
    if len(attributes) > MAX_ATTRIBUTES and kind == "user":
        raise err.InvalidParameterValue(
            f"Number of message attributes [{len(attributes)}] exceeds the allowed maximum "
            f"[{MAX_ATTRIBUTES}].")
    clean: dict[str, dict[str, Any]] = {}
    for name, value in attributes.items():
        if kind == "system":
            if name != "AWSTraceHeader":
                raise err.InvalidParameterValue(
                    f"Message system attribute name '{name}' is invalid.")
        else:
            _check_name(name, kind)
        data_type = value.get("DataType")
        if not data_type:
            raise err.InvalidParameterValue(
                f"The message attribute '{name}' must contain non-empty message attribute "
                "type.")
        base = str(data_type).split(".", 1)[0]
        if base not in _TYPES or len(data_type) > 256 or (
                "." in data_type and not data_type.split(".", 1)[1]):
            raise err.InvalidParameterValue(
                f"The type of message ({kind}) attribute '{name}' is invalid. You must use only "
                "the following supported type prefixes: Binary, Number, String.")
        if kind == "system" and data_type != "String":
            raise err.InvalidParameterValue(
                f"The message system attribute '{name}' must be of type 'String'.")
        if value.get("StringListValues") or value.get("BinaryListValues"):
            # Reserved by AWS ("not implemented, reserved for future use").
            raise err.InvalidParameterValue(
                f"Message ({kind}) attribute '{name}' uses StringListValues or "
                "BinaryListValues, which are reserved for future use.")
        if base == "Binary":
            blob = value.get("BinaryValue")
            if blob is not None and len(blob) == 0:
                raise _empty_value(name, kind, base)
            if blob is None:
                raise err.InvalidParameterValue(
                    f"The message attribute '{name}' with type 'Binary' must use field "
                    "'Binary'.")
            clean[name] = {"BinaryValue": bytes(blob), "DataType": data_type}
            continue
        text = value.get("StringValue")
        if text == "":
            raise _empty_value(name, kind, base)
        if text is None:
            raise err.InvalidParameterValue(
                f"The message attribute '{name}' must contain non-empty message attribute "
                f"value for message attribute type '{base}'.")
        text = str(text)
        if not valid_chars(text):
            raise err.InvalidParameterValue(
                f"Message ({kind}) attribute '{name}' value contains invalid characters.")
        if base == "Number":
            try:
                number = float(text)
            except ValueError:
                number = None
            if number is None or number != number or len(text.strip()) > 38 + 2:
                raise err.InvalidParameterValue(
                    f"Can't cast the value of message ({kind}) attribute '{name}' to a number.")
        clean[name] = {"StringValue": text, "DataType": data_type}
    return clean
