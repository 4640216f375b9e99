"""Request validation: the botocore model's constraints in AWS's words (awslocal_cli.constraints),
and the checks of members every operation shares (grant tokens, DryRun, Recipient)."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

from awslocal_cli.errors import kms as err

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; annotations only
    from typing import Any

# Member paths whose values AWS redacts besides the model's sensitive shapes.
_SECRET_PATHS = frozenset({"keyStorePassword", "rawSecretAccessKey", "plaintext",
                           "trustAnchorCertificate"})


@functools.cache
def _model() -> dict[str, Any]:
    from awslocal_cli import model

    return model.load("kms")


@functools.cache
def _rules() -> Any:
    from awslocal_cli import constraints

    return constraints.Rules(unknown=True, secret_paths=_SECRET_PATHS)


def _validate(operation: str, request: Mapping[str, Any]) -> None:
    """ValidationException in AWS's words for what the model's constraints reject."""
    from awslocal_cli import constraints

    ref = _model()["operations"][operation].get("input")
    problems = constraints.check_request(_model(), ref["shape"] if ref else None, request,
                                         _rules())
    if problems:
        raise err.ValidationException(constraints.summary(problems))


def _check_grant_tokens(tokens: Iterable[str] | None) -> None:
    for token in tokens or ():
        if not token or len(token) > 8192:
            raise err.InvalidGrantTokenException("Grant token is not valid.")


def _dry_run(flag: bool | None) -> None:
    if flag:
        raise err.DryRunOperationException(
            "The request would have succeeded, but the DryRun option is set.")


def _no_recipient(recipient: Any) -> None:
    if recipient:
        raise err.UnsupportedOperationException(
            "Recipient (AWS Nitro Enclaves attestation) is not supported by awslocal.")
