"""The two values every front door passes: a wire request in, a wire response out."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from awslocal_cli.context import Parked


class WireRequest:
    """One HTTP request as a front door received it.

    `headers` are keyed in lower case; `query` is the raw query string (without `?`); `body` is
    bytes; `endpoint` is `scheme://host:port` as the client addressed it, or None in process;
    `raw_path` is the path exactly as sent (percent-encoded), when the front door has it: a
    signature is computed over it (wire/sigv4.py).
    """

    __slots__ = ("body", "can_park", "endpoint", "headers", "method", "path", "query",
                 "raw_path", "wait_deadline")

    def __init__(
        self,
        method: str = "POST",
        path: str = "/",
        query: str = "",
        headers: Mapping[str, str] | None = None,
        body: bytes | str = b"",
        endpoint: str | None = None,
        raw_path: str | None = None,
    ) -> None:
        self.raw_path = raw_path
        self.method = method.upper()
        self.path = path or "/"
        self.query = query or ""
        self.headers = {str(k).lower(): str(v) for k, v in (headers or {}).items()}
        self.body = body.encode("utf-8") if isinstance(body, str) else bytes(body or b"")
        self.endpoint = endpoint.rstrip("/") if endpoint else None
        # Set by a front door that parks waiting requests (see awslocal_cli.context.Parked):
        # whether it may, and the deadline of a parked request it runs again.
        self.can_park = False
        self.wait_deadline: float | None = None

    def __repr__(self) -> str:
        return f"WireRequest({self.method} {self.path}, {len(self.body)} bytes)"


class WireResponse:
    """The answer: status, headers and body; `after` is the deferred work (SNS's deliveries).

    `after` never raises to the client (its failures are the deferred work's own records).
    A front door calls `after()` once the response is on its way (the in-process route at once,
    the server after sending); it runs in transactions of its own.
    """

    __slots__ = ("after", "body", "exception", "headers", "parked", "status")

    def __init__(
        self,
        status: int,
        headers: dict[str, str],
        body: bytes,
        after: Callable[[], None] | None = None,
    ) -> None:
        self.status = status
        self.headers = headers
        self.body = body
        self.after = after
        # The unexpected exception behind a 500 answer, for the front door's log (--debug).
        self.exception: BaseException | None = None
        # A request set aside to wait (only when the request `can_park`): no answer yet; run
        # it again with `wait_deadline = parked.deadline` when woken or at `parked.wake`.
        self.parked: Parked | None = None

    def __repr__(self) -> str:
        return f"WireResponse({self.status}, {len(self.body)} bytes)"
