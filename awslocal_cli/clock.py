"""The one clock every service reads: system time plus the offset kept in the state.

`AWSLOCAL_NOW` pins it to a fixed instant. `awslocal local clock advance 8d` moves the offset, so
a 7-day key deletion window or a 12-hour visibility timeout can be walked through in a second.
"""

from __future__ import annotations

import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400, "y": 365 * 86400}
_PART = r"(\d+(?:\.\d+)?)([smhdwy])"


def parse_duration(text: str) -> float:
    """Seconds in `90s`, `15m`, `8d`, `1y`, `1d12h` or a bare number of seconds."""
    import re

    s = text.strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", s):
        seconds = float(s)
    elif not s or not re.fullmatch(r"(?:\d+(?:\.\d+)?[smhdwy])+", s):
        raise ValueError(
            f"invalid duration {text!r}: use a number with a unit s, m, h, d, w or y "
            "(for example 90s, 15m, 8d, 1y, 1d12h)"
        )
    else:
        seconds = sum(float(n) * _UNITS[u] for n, u in re.findall(_PART, s))
    return seconds  # check_epoch keeps the clock it moves inside what a datetime can hold


# The instants a datetime can hold (years 1 to 9999): the clock must stay inside them.
MIN_EPOCH = -62135596800.0
MAX_EPOCH = 253402300799.0


def check_epoch(value: float, what: str = "the local clock") -> float:
    """`value` (epoch seconds) if a datetime can hold it; ValueError otherwise."""
    import math

    if not (math.isfinite(value) and MIN_EPOCH <= value <= MAX_EPOCH):
        raise ValueError(
            f"{what} would be out of range: the local clock stays between the years 1 and 9999"
        )
    return value


def parse_timestamp(text: str) -> datetime:
    """An aware datetime from ISO 8601 (`2026-01-02T03:04:05Z`, a date alone) or epoch seconds."""
    import re
    from datetime import datetime, timezone

    s = text.strip()
    if re.fullmatch(r"-?\d+(?:\.\d+)?", s):
        stamp = check_epoch(float(s), f"the timestamp {text!r}")
        return datetime.fromtimestamp(stamp, tz=timezone.utc)
    if s.endswith(("Z", "z")):
        s = s[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(s)
    except ValueError:
        raise ValueError(
            f"invalid timestamp {text!r}: use ISO 8601 (2026-01-02T03:04:05Z) or epoch seconds"
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value


def to_epoch(value: object) -> float:
    """Epoch seconds from a datetime (naive means UTC), a number, or timestamp text."""
    from datetime import datetime, timezone

    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return float(value.timestamp())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return float(parse_timestamp(str(value)).timestamp())


def format_duration(seconds: float) -> str:
    """`8d 0h 0m 0s`-style text for people."""
    sign = "-" if seconds < 0 else ""
    rest = int(abs(seconds))
    days, rest = divmod(rest, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{days}d {hours}h {minutes}m {secs}s"


def system_time() -> float:
    """`time.time()`, looked up at each call: freezegun's `freeze_time` replaces it while a test
    runs, and a function bound at import (a default argument) would never see the frozen time."""
    return time.time()


class Clock:
    """Now, in UTC: `base()` (system time or a pinned instant) plus a fixed offset in seconds.

    Waits in real time (SQS long polling) read `monotonic()` and `sleep()`, which neither the
    offset, a pinned instant nor freezegun moves (their defaults are bound here on purpose, so a
    long poll under `freeze_time` still ends); tests inject both to wait without sleeping.
    """

    def __init__(self, offset: float = 0.0, base: Callable[[], float] = system_time, *,
                 monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.offset = offset
        self._base = base
        self.monotonic = monotonic
        self.sleep = sleep

    @classmethod
    def pinned(cls, instant: datetime) -> Clock:
        stamp = instant.timestamp()
        return cls(0.0, lambda: stamp)

    def time(self) -> float:
        """Epoch seconds."""
        return self._base() + self.offset

    def now(self) -> datetime:
        from datetime import datetime, timezone

        return datetime.fromtimestamp(self.time(), tz=timezone.utc)
