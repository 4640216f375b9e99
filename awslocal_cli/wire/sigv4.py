"""AWS Signature Version 4, verified: who signed a request that `awslocal serve` received.

A request is signed in its `Authorization` header (`AWS4-HMAC-SHA256 Credential=AKID/DATE/
REGION/SERVICE/aws4_request, SignedHeaders=..., Signature=...`) or in its query string (a
presigned URL: `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`,
`X-Amz-SignedHeaders`, `X-Amz-Signature`). `verify` rebuilds the canonical request from what
arrived, derives the signing key from the secret access key that the serve owner's credentials
hold for that key id, and compares signatures in constant time.

The payload is what `X-Amz-Content-SHA256` says: the body's SHA-256 (checked against the body),
`UNSIGNED-PAYLOAD`, or one of the aws-chunked streaming forms (`STREAMING-AWS4-HMAC-SHA256-
PAYLOAD[-TRAILER]`, each chunk signed in a chain from the request's signature;
`STREAMING-UNSIGNED-PAYLOAD-TRAILER`, chunks unsigned and a checksum trailer), which are decoded
here so the layers below see the plain body. Without the header the body's hash is signed.

The date (`X-Amz-Date`, else `Date`) must be within 15 minutes of the real time, not of the
state's clock (`awslocal local clock` moves the services' time, not the signer's).

The owner's credentials: every profile of the shared credentials file (AWS_SHARED_CREDENTIALS_FILE,
default ~/.aws/credentials) and of the config file (AWS_CONFIG_FILE) with an aws_access_key_id
and aws_secret_access_key, and AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (AWS_SESSION_TOKEN)
of the server's environment. A profile's session token, when it has one, must be the request's.
The caller is the profile holding the key id (the first in the credentials file, then the config
file), else the key id itself (an environment key that no profile holds).

Standard library only (hmac, hashlib): serve does not depend on botocore.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from awslocal_cli.wire.messages import WireRequest

ALGORITHM = "AWS4-HMAC-SHA256"
WINDOW_SECONDS = 15 * 60
MAX_PRESIGN_SECONDS = 7 * 24 * 3600
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
STREAMING_SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
STREAMING_SIGNED_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
STREAMING_UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
STREAMING = (STREAMING_SIGNED, STREAMING_SIGNED_TRAILER, STREAMING_UNSIGNED_TRAILER)
_HEX = frozenset("0123456789abcdef")

# What a refusal is; the wire answers each with the protocol's code (handler.refusal_error).
UNKNOWN_KEY = "unknown-key"  # InvalidClientTokenId / UnrecognizedClientException
MISMATCH = "mismatch"  # SignatureDoesNotMatch / InvalidSignatureException
INCOMPLETE = "incomplete"  # IncompleteSignature / IncompleteSignatureException
EXPIRED = "expired"  # RequestExpired / InvalidSignatureException

INVALID_TOKEN = "The security token included in the request is invalid."
MISMATCH_TEXT = (
    "The request signature we calculated does not match the signature you provided. Check "
    "your AWS Secret Access Key and signing method. Consult the service documentation for "
    "details."
)


class Refused(Exception):
    """A signature that does not verify; `kind` is one of the constants above."""

    def __init__(self, kind: str, message: str, service: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.service = service  # the credential scope's service, when it could be read


class Signer:
    """A verified caller: the key id, the scope's region and service, and the caller's name."""

    __slots__ = ("access_key_id", "name", "region", "service")

    def __init__(self, access_key_id: str, region: str, service: str, name: str) -> None:
        self.access_key_id = access_key_id
        self.region = region
        self.service = service
        self.name = name


class OwnerKey:
    __slots__ = ("name", "secret", "token")

    def __init__(self, name: str, secret: str, token: str | None) -> None:
        self.name = name
        self.secret = secret
        self.token = token or None


# -- the owner's credentials -------------------------------------------------------------------

_keyring_cache: dict[tuple[object, ...], dict[str, list[OwnerKey]]] = {}


def owner_keys(environ: Mapping[str, str]) -> dict[str, list[OwnerKey]]:
    """Access key id -> the owner's keys with that id (profiles first, then the environment)."""
    from awslocal_cli.config import SharedConfig

    shared = SharedConfig(environ)
    paths = (shared.credentials_path, shared.config_path)
    stamps = []
    for path in paths:
        try:
            st = os.stat(path)
            stamps.append((path, st.st_mtime_ns, st.st_size, st.st_ino))
        except OSError:
            stamps.append((path, None))
    env_key = tuple(environ.get(name) for name in (
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"))
    cache_key = (*stamps, env_key)
    found = _keyring_cache.get(cache_key)
    if found is not None:
        return found
    table: dict[str, list[OwnerKey]] = {}
    for profiles in (shared.credential_profiles(), shared.config_profiles()):
        for name, values in profiles.items():
            key_id, secret = values.get("aws_access_key_id"), values.get("aws_secret_access_key")
            if isinstance(key_id, str) and isinstance(secret, str) and key_id and secret:
                token = values.get("aws_session_token") or values.get("aws_security_token")
                table.setdefault(key_id, []).append(
                    OwnerKey(name, secret, token if isinstance(token, str) else None))
    key_id, secret, token = env_key
    if key_id and secret:
        name = table[key_id][0].name if key_id in table else key_id
        table.setdefault(key_id, []).append(OwnerKey(name, secret, token))
    _keyring_cache.clear()
    _keyring_cache[cache_key] = table
    return table


def has_owner_keys(environ: Mapping[str, str]) -> bool:
    return bool(owner_keys(environ))


# -- verification ------------------------------------------------------------------------------


def is_signed(request: WireRequest) -> bool:
    """Whether the request carries a signature of any kind (header or presigned query)."""
    if request.headers.get("authorization", "").strip():
        return True
    return any(pair.split("=", 1)[0] in ("X-Amz-Credential", "X-Amz-Signature",
                                           "X-Amz-Algorithm")
               for pair in request.query.split("&"))


def verify(
    request: WireRequest, environ: Mapping[str, str], now: float | None = None
) -> Signer | None:
    """The verified signer of `request`; None if it carries no signature; Refused if it fails.

    An aws-chunked body is decoded in place (`request.body`), once its chunks verify.
    """
    now = time.time() if now is None else now
    header = request.headers.get("authorization", "").strip()
    if header:
        parts = _header_parts(header)
        presigned = False
    else:
        query = _query_pairs(request.query)
        names = {k for k, _ in query}
        if not names & {"X-Amz-Credential", "X-Amz-Signature", "X-Amz-Algorithm"}:
            return None
        parts = _query_parts(query)
        presigned = True
    scope = parts["credential"]
    key_id, date, region, service = _scope(scope, presigned)
    timestamp = _timestamp(request, parts, presigned, header)
    if timestamp[:8] != date:
        raise Refused(
            MISMATCH,
            f"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
            f"from HTTP: '{date}' != '{timestamp[:8]}', from '{timestamp}'.",
            service,
        )
    _check_time(timestamp, parts.get("expires"), presigned, now, service)
    signed_headers = parts["signedheaders"].split(";")
    if "host" not in signed_headers and ":authority" not in signed_headers:
        raise Refused(
            INCOMPLETE,
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
            service,
        )
    keys = owner_keys(environ).get(key_id)
    if not keys:
        raise Refused(UNKNOWN_KEY, INVALID_TOKEN, service)
    token = request.headers.get("x-amz-security-token")
    if presigned:
        token = dict(_query_pairs(request.query)).get("X-Amz-Security-Token", token)
    payload_hashes = _payload_hashes(request, presigned, service)
    canonical = ""
    string_to_sign = ""
    for key in keys:
        signing_key = _signing_key(key.secret, date, region, service)
        for payload_hash in payload_hashes:
            canonical = canonical_request(request, signed_headers, payload_hash, presigned)
            string_to_sign = "\n".join((
                ALGORITHM, timestamp, f"{date}/{region}/{service}/aws4_request",
                _sha256_hex(canonical.encode("utf-8")),
            ))
            expected = hmac.new(signing_key, string_to_sign.encode("utf-8"),
                                hashlib.sha256).hexdigest()
            if hmac.compare_digest(expected, parts["signature"]):
                if key.token is not None and not hmac.compare_digest(
                        (token or "").encode(), key.token.encode()):
                    raise Refused(UNKNOWN_KEY, INVALID_TOKEN, service)
                if key.token is None and token:
                    raise Refused(UNKNOWN_KEY, INVALID_TOKEN, service)
                if payload_hash in STREAMING:
                    request.body = _decode_chunked(
                        request, payload_hash, signing_key, timestamp,
                        f"{date}/{region}/{service}/aws4_request", expected, service)
                return Signer(key_id, region, service, key.name)
    raise Refused(
        MISMATCH,
        f"{MISMATCH_TEXT}\n\nThe Canonical String for this request should have been\n"
        f"'{canonical}'\n\nThe String-to-Sign should have been\n'{string_to_sign}'\n",
        service,
    )


def _header_parts(header: str) -> dict[str, str]:
    algorithm, _, rest = header.partition(" ")
    if algorithm != ALGORITHM:
        if algorithm.startswith("AWS4-"):
            raise Refused(INCOMPLETE, f"Unsupported AWS 'algorithm': '{algorithm}'.")
        raise Refused(
            INCOMPLETE,
            "Authorization header requires 'Credential' parameter. Authorization header "
            "requires 'Signature' parameter. Authorization header requires 'SignedHeaders' "
            f"parameter. Authorization={header}",
        )
    parts: dict[str, str] = {}
    for item in rest.split(","):
        name, sep, value = item.strip().partition("=")
        if sep:
            parts.setdefault(name.strip().lower(), value.strip())
    missing = [
        f"Authorization header requires '{label}' parameter."
        for name, label in (("credential", "Credential"), ("signature", "Signature"),
                            ("signedheaders", "SignedHeaders"))
        if not parts.get(name)
    ]
    if missing:
        raise Refused(INCOMPLETE, " ".join(missing) + f" Authorization={header}",
                      _scope_service(parts.get("credential", "")))
    return parts


def _query_pairs(query: str) -> list[tuple[str, str]]:
    from urllib.parse import unquote

    pairs = []
    for item in query.split("&"):
        if not item:
            continue
        name, _, value = item.partition("=")
        pairs.append((unquote(name, errors="replace"), unquote(value, errors="replace")))
    return pairs


def _query_parts(query: list[tuple[str, str]]) -> dict[str, str]:
    values = dict(query)
    parts = {
        "algorithm": values.get("X-Amz-Algorithm", ""),
        "credential": values.get("X-Amz-Credential", ""),
        "date": values.get("X-Amz-Date", ""),
        "signedheaders": values.get("X-Amz-SignedHeaders", ""),
        "signature": values.get("X-Amz-Signature", ""),
    }
    if "X-Amz-Expires" in values:
        parts["expires"] = values["X-Amz-Expires"]
    missing = [f"'X-Amz-{name}'" for name in ("Algorithm", "Credential", "Signature",
                                             "SignedHeaders", "Date")
               if not values.get(f"X-Amz-{name}")]
    if missing:
        raise Refused(
            INCOMPLETE,
            f"AWS query-string parameters must include {', '.join(missing)}. Re-examine the "
            "query-string parameters.",
            _scope_service(parts["credential"]),
        )
    if parts["algorithm"] != ALGORITHM:
        raise Refused(INCOMPLETE, f"Unsupported AWS 'algorithm': '{parts['algorithm']}'.",
                      _scope_service(parts["credential"]))
    return parts


def _scope_service(scope: str) -> str | None:
    fields = scope.split("/")
    return fields[3] if len(fields) == 5 and fields[3] else None


def _scope(scope: str, presigned: bool) -> tuple[str, str, str, str]:
    fields = scope.split("/")
    if len(fields) != 5:
        where = "X-Amz-Credential" if presigned else "Credential"
        raise Refused(
            INCOMPLETE,
            f"{where} must have exactly 5 slash-delimited elements, e.g. keyid/date/region/"
            f"service/term, got '{scope}'",
        )
    key_id, date, region, service, term = fields
    if term != "aws4_request":
        raise Refused(
            MISMATCH,
            f"Credential should be scoped with a valid terminator: 'aws4_request', not "
            f"'{term}'.", service or None)
    if not key_id:
        raise Refused(UNKNOWN_KEY, INVALID_TOKEN, service or None)
    from awslocal_cli.context import _valid_region

    if not _valid_region(region):
        raise Refused(MISMATCH, "Credential should be scoped to a valid region.", service or None)
    if not service:
        raise Refused(MISMATCH, "Credential should be scoped to correct service.")
    return key_id, date, region, service


def _timestamp(request: WireRequest, parts: dict[str, str], presigned: bool,
               header: str) -> str:
    """The signing time as ISO 8601 basic format (`20261207T053000Z`)."""
    value = parts["date"] if presigned else request.headers.get("x-amz-date", "")
    service = _scope_service(parts["credential"])
    if value:
        if not _basic_format(value):
            raise Refused(
                INCOMPLETE,
                f"Date must be in ISO-8601 'basic format'. Got '{value}'. See "
                "http://en.wikipedia.org/wiki/ISO_8601",
                service,
            )
        return value
    date_header = request.headers.get("date", "")
    if date_header:
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(date_header)
        except (TypeError, ValueError, IndexError):
            when = None
        if when is not None and when.tzinfo is not None:
            import datetime

            return when.astimezone(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    raise Refused(
        INCOMPLETE,
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' "
        f"header. Authorization={header}",
        service,
    )


def _basic_format(value: str) -> bool:
    return _epoch_or_none(value) is not None


def _epoch_or_none(value: str) -> float | None:
    """Seconds since the epoch of an ISO 8601 basic timestamp (`20261207T053000Z`), or None
    when it is not one (a real date and time, UTC). Read by hand: strptime costs a request
    about 30 microseconds, twice."""
    if (len(value) != 16 or value[8] != "T" or value[15] != "Z"
            or not (value[:8].isdigit() and value[9:15].isdigit() and value.isascii())):
        return None
    import datetime

    try:
        when = datetime.datetime(int(value[:4]), int(value[4:6]), int(value[6:8]),
                                 int(value[9:11]), int(value[11:13]), int(value[13:15]),
                                 tzinfo=datetime.timezone.utc)
    except ValueError:
        return None
    return when.timestamp()


def _epoch(timestamp: str) -> float:
    epoch = _epoch_or_none(timestamp)
    if epoch is None:  # _timestamp hands on only what passed _basic_format
        raise ValueError(f"not an ISO 8601 basic timestamp: {timestamp!r}")
    return epoch


def _basic(epoch: float) -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(epoch))


def _check_time(timestamp: str, expires: str | None, presigned: bool, now: float,
                service: str | None) -> None:
    signed = _epoch(timestamp)
    if signed > now + WINDOW_SECONDS:
        raise Refused(
            EXPIRED,
            f"Signature not yet current: {timestamp} is still later than "
            f"{_basic(now + WINDOW_SECONDS)} ({_basic(now)} + 15 min.)",
            service,
        )
    if presigned and expires is not None:
        if not expires.isdigit() or not 1 <= int(expires) <= MAX_PRESIGN_SECONDS:
            raise Refused(
                INCOMPLETE,
                "X-Amz-Expires must be a number of seconds between 1 and 604800 (7 days), "
                f"not '{expires}'.", service)
        if now > signed + int(expires):
            raise Refused(EXPIRED, "Request has expired", service)
        return
    if signed < now - WINDOW_SECONDS:
        raise Refused(
            EXPIRED,
            f"Signature expired: {timestamp} is now earlier than "
            f"{_basic(now - WINDOW_SECONDS)} ({_basic(now)} - 15 min.)",
            service,
        )


def _payload_hashes(request: WireRequest, presigned: bool, service: str) -> list[str]:
    declared = request.headers.get("x-amz-content-sha256")
    if declared is None:
        body_hash = _sha256_hex(request.body)
        # A presigned URL signs the body's hash, or UNSIGNED-PAYLOAD as S3's presigning does.
        return [body_hash, UNSIGNED_PAYLOAD] if presigned else [body_hash]
    declared = declared.strip()
    if declared == UNSIGNED_PAYLOAD or declared in STREAMING:
        return [declared]
    lowered = declared.lower()
    if len(lowered) == 64 and set(lowered) <= _HEX:
        if not hmac.compare_digest(lowered, _sha256_hex(request.body)):
            raise Refused(
                MISMATCH,
                "The provided 'x-amz-content-sha256' header does not match what was computed.",
                service,
            )
        return [declared]
    raise Refused(
        INCOMPLETE,
        "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a "
        "valid sha256 value.",
        service,
    )


def canonical_request(
    request: WireRequest, signed_headers: list[str], payload_hash: str, presigned: bool
) -> str:
    """The canonical request (SigV4 step 1) of what arrived, for the signed headers given."""
    lines = [
        request.method,
        canonical_uri(request.raw_path or _encode_path(request.path)),
        canonical_query(request.query, presigned),
    ]
    for name in signed_headers:
        value = request.headers.get(name, "")
        lines.append(f"{name}:{' '.join(value.split())}")
    lines.append("")
    lines.append(";".join(signed_headers))
    lines.append(payload_hash)
    return "\n".join(lines)


def _encode_path(path: str) -> str:
    from urllib.parse import quote

    # A WSGI PATH_INFO is the decoded path as latin-1 text; the client sent its UTF-8 encoding.
    try:
        raw = path.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        raw = path
    return quote(raw, safe="/-_.~")


def canonical_uri(raw_path: str) -> str:
    """The path as sent, dot segments and repeated slashes removed, then URI-encoded once more
    (every service but S3 signs the path encoded twice)."""
    from urllib.parse import quote

    segments: list[str] = []
    for segment in raw_path.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if segments:
                segments.pop()
            continue
        segments.append(segment)
    path = "/" + "/".join(segments)
    if raw_path.endswith("/") and segments:
        path += "/"
    return quote(path, safe="/~")


def canonical_query(query: str, presigned: bool) -> str:
    from urllib.parse import quote

    pairs = []
    for name, value in _query_pairs(query):
        if presigned and name == "X-Amz-Signature":
            continue
        pairs.append((quote(name, safe="-_.~"), quote(value, safe="-_.~")))
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def _sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@functools.lru_cache(maxsize=256)
def _signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    """The day's key for one region and service (four HMACs: remembered, as the SDKs do)."""
    key = f"AWS4{secret}".encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode("utf-8"), hashlib.sha256).digest()
    return key


# -- aws-chunked bodies ------------------------------------------------------------------------


def _decode_chunked(
    request: WireRequest, form: str, signing_key: bytes, timestamp: str, scope: str,
    seed: str, service: str,
) -> bytes:
    """The payload of an aws-chunked body, each chunk (and trailer) signature checked."""
    body = request.body
    signed = form != STREAMING_UNSIGNED_TRAILER
    previous = seed
    out = bytearray()
    at = 0

    def bad(message: str) -> Refused:
        return Refused(INCOMPLETE if "malformed" in message else MISMATCH, message, service)

    while True:
        end = body.find(b"\r\n", at)
        if end < 0:
            raise bad("The aws-chunked body is malformed: a chunk header has no end.")
        line = body[at:end].decode("latin-1")
        size_text, _, extension = line.partition(";")
        try:
            size = int(size_text.strip(), 16)
        except ValueError:
            raise bad("The aws-chunked body is malformed: a chunk size is not hexadecimal.") \
                from None
        data_start = end + 2
        data = body[data_start:data_start + size]
        if len(data) != size:
            raise bad("The aws-chunked body is malformed: a chunk is shorter than its size.")
        if signed:
            name, _, signature = extension.strip().partition("=")
            if name != "chunk-signature" or not signature:
                raise bad("The aws-chunked body is malformed: a chunk has no chunk-signature.")
            to_sign = "\n".join((
                "AWS4-HMAC-SHA256-PAYLOAD", timestamp, scope, previous, EMPTY_SHA256,
                _sha256_hex(data)))
            expected = hmac.new(signing_key, to_sign.encode(), hashlib.sha256).hexdigest()
            if not hmac.compare_digest(expected, signature):
                raise bad("The chunk signature we calculated does not match the one provided.")
            previous = expected
        out += data
        at = data_start + size
        if size == 0:
            break
        if body[at:at + 2] != b"\r\n":
            raise bad("The aws-chunked body is malformed: a chunk does not end with CRLF.")
        at += 2
    trailer = body[at:]
    if form in (STREAMING_SIGNED_TRAILER, STREAMING_UNSIGNED_TRAILER):
        _check_trailer(trailer, bytes(out), form, signing_key, timestamp, scope, previous, bad)
    declared = request.headers.get("x-amz-decoded-content-length")
    if declared is not None and declared.strip() != str(len(out)):
        raise bad("The aws-chunked body's length is not its x-amz-decoded-content-length.")
    return bytes(out)


def _check_trailer(trailer: bytes, payload: bytes, form: str, signing_key: bytes,
                   timestamp: str, scope: str, previous: str, bad: object) -> None:
    import base64
    import zlib

    lines = trailer.decode("latin-1").split("\r\n")
    headers: list[tuple[str, str]] = []
    signature = None
    for line in lines:
        if not line:
            continue
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "x-amz-trailer-signature":
            signature = value.strip()
        else:
            headers.append((name, value.strip()))
    if form == STREAMING_SIGNED_TRAILER:
        text = "".join(f"{n}:{v}\n" for n, v in headers)
        to_sign = "\n".join(("AWS4-HMAC-SHA256-TRAILER", timestamp, scope, previous,
                             _sha256_hex(text.encode("utf-8"))))
        expected = hmac.new(signing_key, to_sign.encode(), hashlib.sha256).hexdigest()
        if signature is None or not hmac.compare_digest(expected, signature):
            raise bad("The trailer signature we calculated does not match the one provided.")  # type: ignore[operator]
    computed = {
        "x-amz-checksum-crc32": lambda: zlib.crc32(payload).to_bytes(4, "big"),
        "x-amz-checksum-sha1": lambda: hashlib.sha1(payload).digest(),
        "x-amz-checksum-sha256": lambda: hashlib.sha256(payload).digest(),
    }
    for name, value in headers:
        if name in computed and base64.b64encode(computed[name]()).decode() != value:
            raise bad(f"The {name} trailer does not match the payload.")  # type: ignore[operator]
