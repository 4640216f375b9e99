"""boto3 sessions and clients on a state directory, in process: no server, no socket.

    from awslocal_cli import sdk
    sqs = sdk.client("sqs", state_dir="./state")
    sqs.create_queue(QueueName="orders")

A botocore `before-send` handler hands each request, signed and serialized as for AWS, to
awslocal_cli.wire and returns its answer as the HTTP response; botocore parses it as it would
AWS's. The session's credentials are static placeholders whose access key id is the profile
name, which the wire layer maps back to the caller `arn:aws:iam::<account>:user/<profile>`
(awslocal_cli.wire: a profile of the shared credentials file with that access key id wins).

boto3 is an optional dependency (the `sdk` extra); the CLI never imports this. Without it,
importing this module raises an ImportError that says how to install the extra.
"""

from __future__ import annotations

import os
from importlib.util import find_spec

try:  # boto3 itself is imported when a session is made
    _missing = find_spec("boto3") is None
except ValueError:  # sys.modules["boto3"] is None: blocked on purpose
    _missing = True
if _missing:
    from awslocal_cli.install import pip_command

    raise ImportError(
        f"awslocal_cli.sdk needs boto3, the 'sdk' extra of awslocal-cli: {pip_command('sdk')}",
        name="boto3",
    )

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path
    from typing import Any

    import boto3

    from awslocal_cli.clock import Clock
    from awslocal_cli.store import StorePool

# SigV4 needs a secret to sign with; the in-process route (same process, same user) checks none.
SECRET_ACCESS_KEY = "awslocal"


class DeliveryRefusedWarning(UserWarning):
    """An SNS delivery to an SQS queue that the queue's policy refused, as AWS refuses it.

    Issued by the in-process route of awslocal_cli.testing.mock_aws and of the pytest fixtures
    (moto delivers whatever the policy says, so a suite moved from moto would otherwise lose the
    message silently). Under pytest's `filterwarnings = error` the call that caused the delivery
    (Publish, PublishBatch) raises it; `ignore::awslocal_cli.sdk.DeliveryRefusedWarning` accepts
    refusals. The CLI and `awslocal serve` never issue it; `awslocal local deliveries` always
    lists the refusal.
    """


class _Body:
    """The raw stream botocore's AWSResponse reads the body from."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Any:
        yield self._data

    def read(self, *_: Any) -> bytes:
        data, self._data = self._data, b""
        return data


class InProcessSender:
    """The `before-send` handler: answers each request from the wire layer, in process."""

    def __init__(
        self,
        state_dir: str | Path | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        clock: Clock | None = None,
        warn_refusals: bool = False,
    ) -> None:
        self.state_dir = state_dir
        self.environ = environ
        self.clock = clock
        self.warn_refusals = warn_refusals
        # The session's open stores: opened and checked once, re-checked with two `stat`
        # calls per request (awslocal_cli.store.StorePool); made on first use, since the state
        # directory may be named by AWSLOCAL_STATE_DIR only when the first call runs.
        self.stores: StorePool | None = None

    def _stores(self) -> StorePool:
        from awslocal_cli.store import StorePool, state_dir_path

        env = os.environ if self.environ is None else self.environ
        path = state_dir_path(None if self.state_dir is None else os.fspath(self.state_dir),
                              env)  # type: ignore[arg-type]
        if self.stores is None or self.stores.path != path:
            self.stores = StorePool(path, size=8)
        return self.stores

    def __call__(self, request: Any, **_: Any) -> Any:
        from urllib.parse import urlsplit

        from botocore.awsrequest import AWSResponse

        from awslocal_cli import wire

        url = urlsplit(request.url)
        body = request.body
        if body is None:
            body = b""
        elif hasattr(body, "read"):
            body = body.read()
        headers = {
            k: (v.decode("utf-8") if isinstance(v, bytes) else str(v))
            for k, v in request.headers.items()
        }
        wire_request = wire.WireRequest(
            request.method, url.path, url.query, headers, body, endpoint=None
        )
        refusals: list[dict[str, str]] = []
        token = None
        if self.warn_refusals:
            from awslocal_cli.services.sns.sqs_delivery import policy_refusals

            token = policy_refusals.set(refusals)
        try:
            stores = self._stores()
            response = wire.handle(
                wire_request, state_dir=stores.path, environ=self.environ, clock=self.clock,
                stores=stores,
            )
            if response.status >= 400:
                # The request's transaction was rolled back: what it delivered never happened.
                del refusals[:]
            if response.after is not None:
                response.after()
        finally:
            if token is not None:
                policy_refusals.reset(token)
        for refusal in refusals:
            warn_refusal(refusal)
        return AWSResponse(request.url, response.status, response.headers, _Body(response.body))


def warn_refusal(refusal: Mapping[str, str]) -> None:
    """Issue the DeliveryRefusedWarning for one refused delivery, at the caller's line."""
    import sys
    import warnings

    # The first frame outside botocore, boto3 and awslocal is the test's call (Publish).
    level, frame = 1, sys._getframe(0)
    while frame is not None and frame.f_globals.get("__name__", "").partition(".")[0] in (
        "awslocal_cli", "botocore", "boto3"
    ):
        level, frame = level + 1, frame.f_back
    warnings.warn(
        f"SNS topic {refusal['TopicArn']} did not deliver to SQS queue {refusal['QueueArn']}: "
        f"the queue policy does not allow {refusal['Principal']} to perform "
        f"{refusal['Action']} with aws:SourceArn {refusal['TopicArn']}, so AWS refuses the "
        "delivery (moto delivers anyway). Add a statement allowing it to the queue's Policy "
        "attribute (README: Coming from moto); `awslocal local deliveries` lists the refusal.",
        DeliveryRefusedWarning,
        stacklevel=level,
    )


def session(
    state_dir: str | Path | None = None,
    region: str | None = None,
    profile: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    clock: Clock | None = None,
    warn_refusals: bool = False,
) -> boto3.Session:
    """A boto3 Session whose clients answer from the state directory, in process.

    state_dir, region and profile resolve as on the CLI (`AWSLOCAL_STATE_DIR`, `AWS_REGION`,
    `AWS_DEFAULT_REGION`, the profile's region in ~/.aws/config, `AWS_PROFILE`; defaults: the
    platform data directory, us-east-1, `default`). Unlike a plain boto3 Session, it never reads
    the credentials of a real AWS account. `warn_refusals`: issue a DeliveryRefusedWarning for
    each SNS delivery a queue policy refuses (the pytest fixtures turn it on).
    """
    import boto3

    from awslocal_cli.context import resolve_profile_and_region

    env = os.environ if environ is None else environ
    profile, region = resolve_profile_and_region(profile, region, env)
    result = boto3.Session(
        aws_access_key_id=profile,
        aws_secret_access_key=SECRET_ACCESS_KEY,
        region_name=region,
    )
    # First: a session of its own answers from its own state even while mock_aws is active
    # (whose route is one of botocore's built-in handlers, registered on every session).
    result.events.register_first(
        "before-send",
        InProcessSender(state_dir, environ=environ, clock=clock, warn_refusals=warn_refusals),
        unique_id="awslocal-in-process",
    )
    return result


def client(
    service: str,
    *,
    state_dir: str | Path | None = None,
    region: str | None = None,
    profile: str | None = None,
    environ: Mapping[str, str] | None = None,
    **kwargs: Any,
) -> Any:
    """`session(...).client(service, **kwargs)`; `region_name=` is accepted as `region=`."""
    region = region or kwargs.pop("region_name", None)
    return session(state_dir, region, profile, environ=environ).client(service, **kwargs)
