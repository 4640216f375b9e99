"""Who calls, from where: the SigV4 credential of a request, parsed, for the front doors that do
not verify signatures (the in-process SDK route, `serve --no-verify-signatures`); serve verifies
them in wire/sigv4.py.

`Authorization: AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sqs/aws4_request, ...`
(or a presigned URL's `X-Amz-Credential`) gives the access key id, the region and the service.
The access key id names the caller as `--profile` does on the CLI: the profile of the shared
credentials file whose `aws_access_key_id` it is, else the access key id itself.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping


class Credential:
    __slots__ = ("access_key_id", "region", "service")

    def __init__(self, access_key_id: str, region: str | None, service: str | None) -> None:
        self.access_key_id = access_key_id
        self.region = region
        self.service = service


class IncompleteSignature(ValueError):
    """An Authorization header that is not a SigV4 one."""


def credential(headers: Mapping[str, str], params: Mapping[str, str]) -> Credential | None:
    """The request's credential, or None when it carries none."""
    header = headers.get("authorization", "").strip()
    scope = None
    if header:
        algorithm, _, rest = header.partition(" ")
        if not algorithm.startswith("AWS4-"):
            raise IncompleteSignature(
                "Authorization header requires 'Credential' parameter. Authorization "
                "header requires 'Signature' parameter. Authorization header requires "
                "'SignedHeaders' parameter."
            )
        for part in rest.split(","):
            name, _, value = part.strip().partition("=")
            if name == "Credential":
                scope = value
        if not scope:
            raise IncompleteSignature("Authorization header requires 'Credential' parameter.")
    else:
        scope = params.get("X-Amz-Credential")
        if not scope:
            return None
    fields = scope.split("/")
    if not fields[0]:
        raise IncompleteSignature("The Credential in the Authorization header is empty.")
    region = fields[2] if len(fields) >= 5 and fields[2] else None
    service = fields[3] if len(fields) >= 5 and fields[3] else None
    return Credential(fields[0], region, service)


_profiles: dict[tuple[str, float], dict[str, str]] = {}


def profile_for(access_key_id: str, environ: Mapping[str, str]) -> str:
    """The profile whose aws_access_key_id this is, else the access key id itself."""
    path = os.path.expanduser(
        environ.get("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials"
    )
    try:
        mtime = os.stat(path).st_mtime
    except OSError:
        return access_key_id
    table = _profiles.get((path, mtime))
    if table is None:
        import configparser

        parser = configparser.RawConfigParser()
        table = {}
        try:
            parser.read(path, encoding="utf-8")
        except (configparser.Error, OSError, UnicodeDecodeError):
            parser = configparser.RawConfigParser()
        for section in parser.sections():
            if parser.has_option(section, "aws_access_key_id"):
                key = parser.get(section, "aws_access_key_id").strip()
                table.setdefault(key, section)
        _profiles.clear()
        _profiles[(path, mtime)] = table
    return table.get(access_key_id, access_key_id)
