"""What a stored message row holds beyond its columns: attributes as JSON, receipt handles.

A receipt handle names the queue row, the message row and the token of one receive, so a
handle from an earlier receive (or another queue) is recognised as stale. A token is
`<lineage>.<receive>`: the lineage is drawn at a message's first receive and kept by every
later one, so an earlier receive's handle is known to be one issued for this very message (a
message row id is reused once its message is gone) without storing every handle.
"""

from __future__ import annotations

import base64
import json

from awslocal_cli import ids
from awslocal_cli.errors import sqs as err

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; annotations only
    from typing import Any

_HANDLE_PREFIX = b"AQEB"  # what AWS's receipt handles start with, once base64-decoded


def dump_attributes(attributes: dict[str, dict[str, Any]]) -> str:
    """Message attributes as stored (binary values base64)."""
    out = {}
    for name, value in attributes.items():
        v = dict(value)
        if "BinaryValue" in v:
            v["BinaryValue"] = base64.b64encode(v["BinaryValue"]).decode()
        out[name] = v
    return json.dumps(out)


def load_attributes(text: str | None) -> dict[str, dict[str, Any]]:
    """Stored message attributes back in the API's shape (binary values as bytes)."""
    if not text:
        return {}
    out = json.loads(text)
    for value in out.values():
        if "BinaryValue" in value:
            value["BinaryValue"] = base64.b64decode(value["BinaryValue"])
    return dict(out)


def receipt_handle(queue_id: int, row_id: int, token: str) -> str:
    raw = f"{queue_id}:{row_id}:{token}".encode()
    return base64.b64encode(_HANDLE_PREFIX + raw).decode()


def next_token(previous: str | None) -> str:
    """The token of a new receive of a message whose last receive's token is `previous`."""
    lineage = previous.split(".")[0] if previous else ids.uuid4_hex()
    return f"{lineage}.{ids.uuid4_hex()}"


def issued_for(stored: str | None, token: str) -> bool:
    """Whether `token` is of some receive of the message whose last receive's token is `stored`."""
    return bool(stored) and str(stored).split(".")[0] == token.split(".")[0]


def parse_receipt_handle(handle: str) -> tuple[int, int, str]:
    """(queue row id, message row id, receive token); ReceiptHandleIsInvalid for anything else."""
    invalid = err.ReceiptHandleIsInvalid(
        f'The input receipt handle "{handle}" is not a valid receipt handle.')
    try:
        raw = base64.b64decode(str(handle).encode(), validate=True)
        if not raw.startswith(_HANDLE_PREFIX):
            raise ValueError
        q, r, token = raw[4:].decode().split(":")
        return int(q), int(r), token
    except (ValueError, UnicodeDecodeError):
        raise invalid from None
