"""The operation wrapper: validate, run due housekeeping, call, and log one audit event."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from awslocal_cli.errors import AwsError
from awslocal_cli.services.kms.housekeeping import _housekeeping
from awslocal_cli.services.kms.names import EVENT_SOURCE, _camel
from awslocal_cli.services.kms.validation import _validate

if TYPE_CHECKING:
    from awslocal_cli.context import Context


_SECRET_MEMBERS = {"Plaintext", "CiphertextBlob", "Message", "Signature", "Mac", "PublicKey",
                   "ImportToken", "EncryptedKeyMaterial", "GrantTokens", "GrantToken",
                   "KeyStorePassword", "XksProxyAuthenticationCredential",
                   "TrustAnchorCertificate", "Recipient"}


def _public_request(request: Mapping[str, Any]) -> dict[str, Any]:
    """requestParameters as CloudTrail logs them: camelCase, without secrets or blobs."""
    out: dict[str, Any] = {}
    for name, value in request.items():
        if name in _SECRET_MEMBERS or isinstance(value, (bytes, bytearray)):
            continue
        if isinstance(value, datetime):
            value = value.isoformat()
        out[_camel(name)] = value
    return out


class _Audit:
    """What the event of one request names: the keys it touched, extra response details."""

    def __init__(self) -> None:
        self.resources: list[dict[str, str]] = []

    def key(self, arn: str) -> None:
        entry = {"ResourceType": "AWS::KMS::Key", "ResourceName": arn}
        if entry not in self.resources:
            self.resources.append(entry)


_READ_ONLY = {"DescribeKey", "DescribeCustomKeyStores", "GetKeyPolicy", "GetKeyRotationStatus",
              "GetPublicKey", "ListAliases", "ListGrants", "ListKeyPolicies", "ListKeyRotations",
              "ListKeys", "ListResourceTags", "ListRetirableGrants", "GetKeyLastUsage",
              "GetParametersForImport", "GenerateRandom"}


def _operation(name: str) -> Callable[[Callable[..., dict[str, Any]]],
                                      Callable[..., dict[str, Any]]]:
    """Validate the request, sweep due lifecycle work, run, and log one event either way."""

    def decorate(impl: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        def run(ctx: Context, **request: Any) -> dict[str, Any]:
            audit = _Audit()
            try:
                _validate(name, request)
                _housekeeping(ctx)
                result = impl(ctx, audit, **request)
            except AwsError as exc:
                ctx.record_event(EVENT_SOURCE, name, resources=audit.resources,
                                 request=_public_request(request), error_code=exc.code,
                                 error_message=exc.message, read_only=name in _READ_ONLY)
                raise
            ctx.record_event(EVENT_SOURCE, name, resources=audit.resources,
                             request=_public_request(request), read_only=name in _READ_ONLY)
            return result

        # Not functools.wraps: the public signature is (ctx, **members), without `audit`.
        run.__name__ = impl.__name__
        run.__qualname__ = impl.__qualname__
        run.__doc__ = impl.__doc__
        run.__module__ = impl.__module__
        run.operation = name  # type: ignore[attr-defined]
        run.impl = impl  # type: ignore[attr-defined]  # its members, for tests of signatures

        return run

    return decorate
