"""AWS wire protocols over the services: HTTP-shaped requests in, HTTP-shaped responses out.

Two front doors hand requests here: `awslocal serve` (over HTTP) and the in-process boto3 route
(awslocal_cli.sdk). This package turns a wire request into the API-shaped members of one
operation, runs it through awslocal_cli.dispatch exactly as the CLI does, and renders the result
(or the AwsError) the way AWS's endpoint answers, driven by the trimmed service models:

- KMS and CloudTrail: JSON 1.1 (`X-Amz-Target: TrentService.<Op>`), errors `__type` + `message`.
- SQS: JSON 1.0 (`X-Amz-Target: AmazonSQS.<Op>`, query-compatible error codes in the
  `x-amzn-query-error` header) and the query protocol (`Action=...`, XML) of older SDKs.
- SNS and STS: the query protocol, XML responses, `ErrorResponse` errors.

Identity: the SigV4 `Authorization` header (or a presigned URL's `X-Amz-Credential`) is parsed,
not verified. Its credential scope gives the region, and its access key id names the caller the
way `--profile` does on the CLI: the profile of the shared credentials file
(`AWS_SHARED_CREDENTIALS_FILE`, default `~/.aws/credentials`) whose `aws_access_key_id` it is,
else the access key id itself (so `aws_access_key_id = alice` calls as
`arn:aws:iam::<account>:user/alice`). Requests without credentials are refused, as AWS refuses
them (MissingAuthenticationToken).

botocore is imported nowhere in this package; the CLI never imports it.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

    from awslocal_cli.clock import Clock

__all__ = ["WireRequest", "WireResponse", "handle"]


class WireRequest:
    """One HTTP request as a front door received it.

    `headers` are keyed in lower case; `query` is the raw query string (without `?`); `body` is
    bytes; `endpoint` is `scheme://host:port` as the client addressed it, or None in process.
    """

    __slots__ = ("body", "endpoint", "headers", "method", "path", "query")

    def __init__(
        self,
        method: str = "POST",
        path: str = "/",
        query: str = "",
        headers: Mapping[str, str] | None = None,
        body: bytes | str = b"",
        endpoint: str | None = None,
    ) -> None:
        self.method = method.upper()
        self.path = path or "/"
        self.query = query or ""
        self.headers = {str(k).lower(): str(v) for k, v in (headers or {}).items()}
        self.body = body.encode("utf-8") if isinstance(body, str) else bytes(body or b"")
        self.endpoint = endpoint.rstrip("/") if endpoint else None

    def __repr__(self) -> str:
        return f"WireRequest({self.method} {self.path}, {len(self.body)} bytes)"


class WireResponse:
    """The answer: status, headers and body; `after` is the deferred work (SNS's deliveries).

    `after` never raises to the client (its failures are the deferred work's own records).
    A front door calls `after()` once the response is on its way (the in-process route at once,
    the server after sending); it runs in transactions of its own.
    """

    __slots__ = ("after", "body", "exception", "headers", "status")

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

    def __repr__(self) -> str:
        return f"WireResponse({self.status}, {len(self.body)} bytes)"


def handle(
    request: WireRequest,
    *,
    state_dir: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    clock: Clock | None = None,
) -> WireResponse:
    """Answer one wire request on the state directory; never raises."""
    from awslocal_cli.wire.handler import handle_request

    return handle_request(request, state_dir=state_dir, environ=environ, clock=clock)
