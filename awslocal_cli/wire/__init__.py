"""AWS wire protocols over the services: HTTP-shaped requests in, HTTP-shaped responses out.

Two front doors hand requests here: `awslocal serve` (over HTTP) and the in-process boto3 route
(awslocal_cli.sdk). This package turns a wire request into the API-shaped members of one
operation, runs it through awslocal_cli.dispatch exactly as the CLI does, and renders the result
(or the AwsError) the way AWS's endpoint answers, driven by the trimmed service models:

- KMS and CloudTrail: JSON 1.1 (`X-Amz-Target: TrentService.<Op>`), errors `__type` + `message`.
- SQS: JSON 1.0 (`X-Amz-Target: AmazonSQS.<Op>`, query-compatible error codes in the
  `x-amzn-query-error` header) and the query protocol (`Action=...`, XML) of older SDKs.
- SNS and STS: the query protocol, XML responses, `ErrorResponse` errors.

A request that breaks the model (a required member missing, a value out of range, too long, not
in the enum, not matching the pattern, of the wrong JSON type) gets what AWS's endpoint answers,
in each service's words (awslocal_cli.wire.validation), never botocore's client-side text.

Identity: with `verify_signatures` (what `awslocal serve` and the WSGI app do), the SigV4
signature of the `Authorization` header or presigned URL is verified against the secret keys of
the owner's credentials (wire/sigv4.py) and the profile holding the access key id is the caller.
Without it (the in-process SDK route), the signature is parsed, not verified: the access key id
names the caller the way `--profile` does on the CLI (the profile of the shared credentials
file whose `aws_access_key_id` it is, else the key id itself, so `aws_access_key_id = alice`
calls as `arn:aws:iam::<account>:user/alice`). Either way the credential scope gives the region,
and requests without credentials are refused, as AWS refuses them (MissingAuthenticationToken).

botocore is imported nowhere in this package; the CLI never imports it.
"""

from __future__ import annotations

from awslocal_cli.wire.messages import WireRequest, WireResponse

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from awslocal_cli.clock import Clock
    from awslocal_cli.store import StorePool

__all__ = ["WireRequest", "WireResponse", "handle"]


def handle(
    request: WireRequest,
    *,
    state_dir: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    clock: Clock | None = None,
    stores: StorePool | None = None,
    verify_signatures: bool = False,
) -> WireResponse:
    """Answer one wire request on the state directory; never raises.

    `stores`, a StorePool of that directory, keeps the state open across requests (a
    long-lived front door); without it each request opens and closes the state.
    `verify_signatures`: check the request's SigV4 signature against the owner's credentials
    (what `awslocal serve` does); the in-process SDK route, same process and user, does not.
    """
    from awslocal_cli.wire.handler import handle_request

    return handle_request(request, state_dir=state_dir, environ=environ, clock=clock,
                          stores=stores, verify_signatures=verify_signatures)
