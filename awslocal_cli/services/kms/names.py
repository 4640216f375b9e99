"""ARNs, ids, timestamps and the row type: the small vocabulary every KMS module shares."""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone
from typing import Any

from awslocal_cli.errors import kms as err

EVENT_SOURCE = "kms.amazonaws.com"
Row = dict[str, Any]


DAY = 86400.0
_UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_MRK_RE = re.compile(r"^mrk-[0-9a-fA-F]{32}$")
_ARN_RE = re.compile(r"^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):(key|alias)/(.+)$")


def _dt(epoch: float | None) -> datetime | None:
    """A KMS timestamp as AWS returns it: whole milliseconds (`...:58.394000+00:00`).

    KMS answers epoch seconds with three decimals, so every KMS date the AWS CLI prints has
    millisecond precision; the local clock's microseconds are truncated to match.
    """
    if epoch is None:
        return None
    # The small epsilon keeps a float such as 1700000058.394 (stored as ...58.39399999)
    # on its intended millisecond.
    millis = int(epoch * 1000 + 1e-4) if epoch >= 0 else -int(-epoch * 1000 + 1e-4)
    seconds, remainder = divmod(millis, 1000)
    return datetime.fromtimestamp(seconds, tz=timezone.utc).replace(microsecond=remainder * 1000)


def _epoch(value: Any) -> float:
    from awslocal_cli.clock import to_epoch

    try:
        return to_epoch(value)
    except ValueError:
        raise err.ValidationException(f"Invalid timestamp {value!r}.") from None


def key_arn(region: str, account: str, key_id: str) -> str:
    return f"arn:aws:kms:{region}:{account}:key/{key_id}"


def alias_arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:kms:{region}:{account}:{name}"


def _new_material_id() -> str:
    return os.urandom(32).hex()


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]
