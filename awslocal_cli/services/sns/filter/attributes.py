"""SNS filter policies evaluated against message attributes (FilterPolicyScope
MessageAttributes): Publish's MessageAttributes as the JSON object SNS matches, Number values as
numbers, String.Array values as arrays, Binary attributes left out; the object is then matched
as a body is (body.py)."""

from __future__ import annotations

import json
import re

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; annotations only
    from typing import Any


def _number(text: str) -> Any:
    if not re.fullmatch(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", text):
        return text
    if re.fullmatch(r"[+-]?[0-9]{1,4000}", text):
        return int(text)
    return float(text)


def _attribute_event(attributes: Any) -> dict[str, Any]:
    """Publish's MessageAttributes as the JSON object SNS matches against."""
    event: dict[str, Any] = {}
    if not isinstance(attributes, dict):
        return event
    for name, attr in attributes.items():
        if not isinstance(name, str) or not isinstance(attr, dict):
            continue
        data_type, value = attr.get("DataType"), attr.get("StringValue")
        if not isinstance(data_type, str) or not isinstance(value, str):
            continue  # Binary attributes carry BinaryValue only; SNS ignores them
        if data_type == "String.Array":
            try:
                event[name] = json.loads(value)
            except (ValueError, RecursionError):
                continue
        elif data_type == "Number" or data_type.startswith("Number."):
            event[name] = _number(value)
        elif data_type == "String" or data_type.startswith("String."):
            event[name] = value
    return event
