"""Requests signed by botocore's own SigV4 signer, as WSGI environs for the App in process."""

from __future__ import annotations

import io
import json
from datetime import datetime
from unittest import mock
from urllib.parse import urlencode, urlsplit

from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

HOST = "127.0.0.1:4566"
URL = f"http://{HOST}/"
JSON_TYPES = {"kms": "application/x-amz-json-1.1", "sqs": "application/x-amz-json-1.0"}
TARGETS = {"kms": "TrentService", "sqs": "AmazonSQS"}


def aws_request(
    service: str,
    operation: str,
    params: dict | None = None,
    *,
    protocol: str | None = None,
    url: str = URL,
    headers: dict | None = None,
) -> AWSRequest:
    """An unsigned request as an SDK serializes it: JSON for KMS/SQS, else the query protocol."""
    params = params or {}
    protocol = protocol or ("json" if service in JSON_TYPES else "query")
    if protocol == "json":
        body = json.dumps(params).encode()
        all_headers = {"Content-Type": JSON_TYPES[service],
                       "X-Amz-Target": f"{TARGETS[service]}.{operation}"}
    else:
        versions = {"sns": "2010-03-31", "sts": "2011-06-15", "sqs": "2012-11-05"}
        body = urlencode({"Action": operation, "Version": versions[service], **params}).encode()
        all_headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    all_headers.update(headers or {})
    return AWSRequest(method="POST", url=url, data=body, headers=all_headers)


def sign(
    request: AWSRequest,
    service: str,
    *,
    key: str = "alice",
    secret: str = "secret",
    token: str | None = None,
    region: str = "us-east-1",
    when: datetime | None = None,
) -> AWSRequest:
    """Sign in the Authorization header with botocore's SigV4Auth (at `when`, default now)."""
    auth = SigV4Auth(Credentials(key, secret, token), service, region)
    if when is None:
        auth.add_auth(request)
    else:
        with mock.patch("botocore.auth.get_current_datetime", return_value=when):
            auth.add_auth(request)
    return request


def presign(
    request: AWSRequest,
    service: str,
    *,
    key: str = "alice",
    secret: str = "secret",
    region: str = "us-east-1",
    expires: int = 3600,
    when: datetime | None = None,
) -> AWSRequest:
    """Sign in the query string (a presigned URL) with botocore's SigV4QueryAuth."""
    auth = SigV4QueryAuth(Credentials(key, secret), service, region, expires=expires)
    if isinstance(request.data, bytes) and b"Action=" in request.data:
        from urllib.parse import parse_qsl

        request.data = dict(parse_qsl(request.data.decode()))  # as botocore holds query params
    if when is None:
        auth.add_auth(request)
    else:
        with mock.patch("botocore.auth.get_current_datetime", return_value=when):
            auth.add_auth(request)
    return request


def environ_of(request: AWSRequest) -> dict:
    """The WSGI environ a server would hand over for a prepared botocore request."""
    prepared = request.prepare()
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode()
    split = urlsplit(prepared.url)
    environ = {
        "REQUEST_METHOD": prepared.method, "PATH_INFO": split.path or "/",
        "REQUEST_URI": split.path + (f"?{split.query}" if split.query else ""),
        "QUERY_STRING": split.query, "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "4566",
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)), "HTTP_HOST": split.netloc,
    }
    for name, value in prepared.headers.items():
        value = value.decode() if isinstance(value, bytes) else str(value)
        lower = name.lower()
        if lower == "content-type":
            environ["CONTENT_TYPE"] = value
        elif lower == "content-length":
            environ["CONTENT_LENGTH"] = value
        else:
            environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


def call(app, environ: dict) -> tuple[int, dict, bytes]:
    """(status, headers, body) of one request to a WSGI app."""
    seen = []
    body = app(environ, lambda status, headers: seen.append((status, dict(headers))))
    data = b"".join(body)
    body.close()
    [(status, headers)] = seen
    return int(status.split()[0]), headers, data
