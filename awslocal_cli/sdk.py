"""boto3 sessions and clients on a state directory, in process: no server, no socket.

    from awslocal_cli import sdk
    sqs = sdk.client("sqs", state_dir="./state")
    sqs.create_queue(QueueName="orders")

A botocore `before-send` handler hands each request, signed and serialized as for AWS, to
awslocal_cli.wire and returns its answer as the HTTP response; botocore parses it as it would
AWS's. The session's credentials are static placeholders whose access key id is the profile
name, which the wire layer maps back to the caller `arn:aws:iam::<account>:user/<profile>`
(awslocal_cli.wire: a profile of the shared credentials file with that access key id wins).

boto3 is an optional dependency (`pip install 'awslocal-cli[sdk]'`); the CLI never imports this.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path
    from typing import Any

    import boto3

    from awslocal_cli.clock import Clock

# SigV4 needs a secret to sign with; the in-process route (same process, same user) checks none.
SECRET_ACCESS_KEY = "awslocal"


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
    ) -> None:
        self.state_dir = state_dir
        self.environ = environ
        self.clock = clock

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
        response = wire.handle(
            wire_request, state_dir=self.state_dir, environ=self.environ, clock=self.clock
        )
        if response.after is not None:
            response.after()
        return AWSResponse(request.url, response.status, response.headers, _Body(response.body))


def session(
    state_dir: str | Path | None = None,
    region: str | None = None,
    profile: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    clock: Clock | None = None,
) -> boto3.Session:
    """A boto3 Session whose clients answer from the state directory, in process.

    state_dir, region and profile resolve as on the CLI (`AWSLOCAL_STATE_DIR`, `AWS_REGION`,
    `AWS_DEFAULT_REGION`, the profile's region in ~/.aws/config, `AWS_PROFILE`; defaults: the
    platform data directory, us-east-1, `default`). Unlike a plain boto3 Session, it never reads
    the credentials of a real AWS account.
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
    result.events.register(
        "before-send", InProcessSender(state_dir, environ=environ, clock=clock),
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
