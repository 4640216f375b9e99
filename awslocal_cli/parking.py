"""Parked: a waiting request set aside by a front door that parks them (Session.can_park).

Its own module, importing nothing, so that services (ReceiveMessage) and front doors both
reach it without an import circle through the Context.
"""

from __future__ import annotations


class Parked(Exception):
    """A waiting request set aside by a front door that parks them (Session.can_park).

    Raised by ReceiveMessage, after committing, where it would otherwise sleep: `key` names
    what it waits for (("sqs", queue row id)), `deadline` is when it answers anyway and `wake`
    the earliest time something it waits for falls due by itself (both time.monotonic()). The
    front door runs the same request again, with `Session.wait_deadline = deadline`, when
    woken or at `wake`.
    """

    def __init__(self, key: tuple[str, int], deadline: float, wake: float) -> None:
        super().__init__(key)
        self.key = key
        self.deadline = deadline
        self.wake = wake
