"""serve verifies AWS Signature Version 4 against the secret keys of its owner's credentials.

Requests are built and signed by botocore's own signers (SigV4Auth, SigV4QueryAuth, the
aws-chunked wrapper), handed to the WSGI app in process; the last tests run `awslocal serve`
itself with boto3 and the AWS CLI v1 and v2.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from xml.etree import ElementTree

import pytest
from botocore.auth import SigV4Auth
from botocore.credentials import Credentials

from awslocal_cli import wire
from awslocal_cli.wire import sigv4
from awslocal_cli.wire.wsgi import App

from .conftest import ACCOUNT, Server, server_env, write_credentials
from .signing import aws_request, call, environ_of, presign, sign

NS = {"a": "https://sns.amazonaws.com/doc/2010-03-31/"}


@pytest.fixture
def app(isolated_state, tmp_path):
    write_credentials(tmp_path / "aws-credentials")
    return App(isolated_state)


def _query_error(body: bytes) -> tuple[str, str]:
    root = ElementTree.fromstring(body)
    code = next(e.text for e in root.iter() if e.tag.endswith("Code"))
    message = next(e.text for e in root.iter() if e.tag.endswith("Message"))
    return code, message or ""


def _json_error(headers: dict, body: bytes) -> tuple[str, str]:
    document = json.loads(body)
    code = headers.get("x-amzn-query-error", document["__type"]).split(";")[0]
    return code.rpartition("#")[2], document.get("message", "")


def _caller(app, **signing) -> str:
    status, _, body = call(app, environ_of(sign(aws_request("sts", "GetCallerIdentity"),
                                                  "sts", **signing)))
    assert status == 200, body
    return next(e.text for e in ElementTree.fromstring(body).iter() if e.tag.endswith("Arn"))


def test_a_request_signed_with_a_profiles_key_calls_as_that_profile(app):
    assert _caller(app) == f"arn:aws:iam::{ACCOUNT}:user/alice"
    assert _caller(app, key="bob") == f"arn:aws:iam::{ACCOUNT}:user/bob"
    for service, operation in (("kms", "ListKeys"), ("sqs", "ListQueues")):
        status, _, body = call(app, environ_of(sign(aws_request(service, operation), service)))
        assert status == 200, body
    status, _, body = call(app, environ_of(sign(
        aws_request("sqs", "ListQueues", protocol="query"), "sqs")))
    assert status == 200, body


def test_a_wrong_secret_is_signature_does_not_match_with_the_canonical_request(app):
    request = sign(aws_request("sns", "ListTopics"), "sns", secret="not-the-secret")
    # What the right signer computes for this very request is what serve says it expected.
    auth = SigV4Auth(Credentials("alice", "secret"), "sns", "us-east-1")
    header = request.headers["Authorization"]
    del request.headers["Authorization"]
    canonical = auth.canonical_request(request)
    request.headers["Authorization"] = header
    status, _, body = call(app, environ_of(request))
    code, message = _query_error(body)
    assert (status, code) == (403, "SignatureDoesNotMatch")
    assert message.startswith("The request signature we calculated does not match the "
                              "signature you provided. Check your AWS Secret Access Key")
    assert f"The Canonical String for this request should have been\n'{canonical}'" in message
    assert "The String-to-Sign should have been\n'AWS4-HMAC-SHA256\n" in message
    assert "not-the-secret" not in message and "'secret'" not in message
    # The JSON protocols: InvalidSignatureException, 400.
    for service in ("kms", "sqs"):
        status, headers, body = call(app, environ_of(sign(
            aws_request(service, "ListQueues" if service == "sqs" else "ListKeys"), service,
            secret="wrong")))
        assert (status, _json_error(headers, body)[0]) == (400, "InvalidSignatureException")


def test_an_unknown_access_key_id_is_refused_per_protocol(app):
    status, _, body = call(app, environ_of(sign(aws_request("sns", "ListTopics"), "sns",
                                                  key="AKIDNOBODYHAS")))
    assert (status, _query_error(body)) == (
        403, ("InvalidClientTokenId", "The security token included in the request is invalid."))
    status, _, body = call(app, environ_of(sign(
        aws_request("sqs", "ListQueues", protocol="query"), "sqs", key="nobody")))
    assert (status, _query_error(body)[0]) == (403, "InvalidClientTokenId")
    for service, operation in (("kms", "ListKeys"), ("sqs", "ListQueues")):
        status, headers, body = call(app, environ_of(sign(aws_request(service, operation),
                                                          service, key="nobody")))
        assert (status, _json_error(headers, body)) == (
            400, ("UnrecognizedClientException",
                  "The security token included in the request is invalid."))


def test_a_date_outside_15_minutes_of_the_real_time_is_refused(app, awslocal):
    now = datetime.now(timezone.utc)
    old = now - timedelta(minutes=20)
    status, _, body = call(app, environ_of(sign(aws_request("sns", "ListTopics"), "sns",
                                                  when=old)))
    code, message = _query_error(body)
    assert (status, code) == (400, "RequestExpired")
    assert message.startswith(f"Signature expired: {old.strftime('%Y%m%dT%H%M%SZ')} is now "
                              "earlier than ")
    assert message.endswith(" - 15 min.)")
    future = now + timedelta(minutes=20)
    status, headers, body = call(app, environ_of(sign(aws_request("kms", "ListKeys"), "kms",
                                                      when=future)))
    code, message = _json_error(headers, body)
    assert (status, code) == (400, "InvalidSignatureException")
    assert message.startswith("Signature not yet current: ")
    # Within the window: fine.
    assert call(app, environ_of(sign(aws_request("sns", "ListTopics"), "sns",
                                     when=now - timedelta(minutes=10))))[0] == 200
    # The state's clock is not the signer's: eight days ahead, a request signed now passes
    # and one signed at the state's time does not.
    assert awslocal("local", "clock", "advance", "8d").exit_code == 0
    assert _caller(app) == f"arn:aws:iam::{ACCOUNT}:user/alice"
    status, _, _ = call(app, environ_of(sign(aws_request("sns", "ListTopics"), "sns",
                                             when=now + timedelta(days=8))))
    assert status == 400


def test_an_incomplete_authorization_header_is_incomplete_signature(app):
    def with_header(value: str, service: str = "sns") -> tuple[int, str, str]:
        environ = environ_of(sign(aws_request(service, "ListTopics" if service == "sns" else
                                              "ListKeys"), service))
        environ["HTTP_AUTHORIZATION"] = value
        status, headers, body = call(app, environ)
        if service == "sns":
            return (status, *_query_error(body))
        return (status, *_json_error(headers, body))

    status, code, message = with_header(
        "AWS4-HMAC-SHA256 Credential=alice/20261207/us-east-1/sns/aws4_request, "
        "SignedHeaders=host;x-amz-date")
    assert (status, code) == (400, "IncompleteSignature")
    assert message.startswith("Authorization header requires 'Signature' parameter.")
    status, code, message = with_header(
        "AWS4-HMAC-SHA256 Credential=alice/us-east-1, SignedHeaders=host, Signature=ab", "kms")
    assert (status, code) == (400, "IncompleteSignatureException")
    assert message.startswith("Credential must have exactly 5 slash-delimited elements")
    status, code, _ = with_header("Bearer abc")
    assert (status, code) == (400, "IncompleteSignature")


def test_the_signed_body_and_headers_are_what_arrived(app):
    # A body changed after signing: the payload hash no longer matches.
    environ = environ_of(sign(aws_request("sns", "CreateTopic", {"Name": "t1"}), "sns"))
    forged = environ["wsgi.input"].getvalue().replace(b"t1", b"t2")
    environ.update({"wsgi.input": __import__("io").BytesIO(forged)})
    assert call(app, environ)[0] == 403
    # A signed header changed after signing: the KMS target.
    environ = environ_of(sign(aws_request("kms", "ListKeys"), "kms"))
    environ["HTTP_X_AMZ_TARGET"] = "TrentService.ListAliases"
    status, headers, body = call(app, environ)
    assert (status, _json_error(headers, body)[0]) == (400, "InvalidSignatureException")
    # A request signed for one service is not valid for another.
    environ = environ_of(sign(aws_request("kms", "ListKeys"), "sqs"))
    status, headers, body = call(app, environ)
    assert status == 400
    assert _json_error(headers, body) == (
        "InvalidSignatureException", "Credential should be scoped to correct service: 'kms'. ")


def test_presigned_urls_verify_and_expire(app):
    def get(service, operation, params=None, **signing):
        request = aws_request(service, operation, params, protocol="query")
        request.method = "GET"
        return presign(request, service, **signing)

    request = get("sqs", "ListQueues")
    assert "X-Amz-Signature=" in request.url and request.data == ""
    status, _, body = call(app, environ_of(request))
    assert status == 200, body
    tampered = get("sns", "CreateTopic", {"Name": "good"})
    tampered.url = tampered.url.replace("Name=good", "Name=evil")
    status, _, body = call(app, environ_of(tampered))
    assert (status, _query_error(body)[0]) == (403, "SignatureDoesNotMatch")
    expired = get("sns", "ListTopics", expires=60,
                  when=datetime.now(timezone.utc) - timedelta(minutes=5))
    status, _, body = call(app, environ_of(expired))
    assert (status, _query_error(body)) == (400, ("RequestExpired", "Request has expired"))
    wrong = get("sns", "ListTopics", secret="guess")
    assert call(app, environ_of(wrong))[0] == 403


def test_unsigned_payload_and_a_mismatched_content_sha256(app):
    request = aws_request("sns", "CreateTopic", {"Name": "unsigned"},
                          headers={"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"})
    assert call(app, environ_of(sign(request, "sns")))[0] == 200
    request = aws_request("sns", "CreateTopic", {"Name": "lying"},
                          headers={"X-Amz-Content-SHA256": hashlib.sha256(b"other").hexdigest()})
    status, _, body = call(app, environ_of(sign(request, "sns")))
    assert (status, _query_error(body)[0]) == (403, "SignatureDoesNotMatch")


def test_the_streaming_unsigned_trailer_form_botocore_sends(app):
    """botocore's aws-chunked body with a CRC32 trailer (what it sends for flexible
    checksums) is decoded and its checksum checked."""
    from botocore.httpchecksum import AwsChunkedWrapper, Crc32Checksum

    payload = json.dumps({"Limit": 5}).encode()
    wrapped = AwsChunkedWrapper(__import__("io").BytesIO(payload), checksum_cls=Crc32Checksum,
                                checksum_name="x-amz-checksum-crc32", chunk_size=4)
    body = wrapped.read()
    request = aws_request("kms", "ListKeys", headers={
        "Content-Encoding": "aws-chunked", "X-Amz-Trailer": "x-amz-checksum-crc32",
        "X-Amz-Decoded-Content-Length": str(len(payload))})
    request.data = body
    request.context["checksum"] = {"request_algorithm": {"in": "trailer"}}
    request.headers["X-Amz-Content-SHA256"] = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
    sign(request, "kms")
    status, _, answer = call(app, environ_of(request))
    assert status == 200, answer
    # A payload changed in flight fails its checksum.
    request.data = body.replace(b"5", b"6")
    sign(request, "kms")
    assert call(app, environ_of(request))[0] == 400


def _chunked(payload: bytes, chunk: int, *, key: bytes, timestamp: str, scope: str,
             seed: str) -> bytes:
    out = b""
    previous = seed
    pieces = [payload[i:i + chunk] for i in range(0, len(payload), chunk)] + [b""]
    for piece in pieces:
        to_sign = "\n".join(("AWS4-HMAC-SHA256-PAYLOAD", timestamp, scope, previous,
                             hashlib.sha256(b"").hexdigest(),
                             hashlib.sha256(piece).hexdigest()))
        previous = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        out += f"{len(piece):x};chunk-signature={previous}\r\n".encode() + piece + b"\r\n"
    return out


def test_the_signed_streaming_form_checks_every_chunk(app):
    payload = json.dumps({"QueueName": "streamed"}).encode()
    request = aws_request("sqs", "CreateQueue", headers={
        "Content-Encoding": "aws-chunked",
        "X-Amz-Content-SHA256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "X-Amz-Decoded-Content-Length": str(len(payload))})
    request.data = b""
    sign(request, "sqs")
    seed = request.headers["Authorization"].rpartition("Signature=")[2]
    timestamp = request.headers["X-Amz-Date"]
    scope = f"{timestamp[:8]}/us-east-1/sqs/aws4_request"
    key = SigV4Auth(Credentials("alice", "secret"), "sqs", "us-east-1")
    signing_key = b"AWS4secret"
    for part in (timestamp[:8], "us-east-1", "sqs", "aws4_request"):
        signing_key = key._sign(signing_key, part)
    body = _chunked(payload, 7, key=signing_key, timestamp=timestamp, scope=scope, seed=seed)
    environ = environ_of(request)
    environ["wsgi.input"] = __import__("io").BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    status, _, answer = call(app, environ)
    assert status == 200, answer
    assert json.loads(answer)["QueueUrl"].endswith("/streamed")
    forged = body.replace(b"{\"Queue", b"{\"Qveue", 1)
    assert forged != body
    environ["wsgi.input"] = __import__("io").BytesIO(forged)
    status, headers, answer = call(app, environ)
    assert (status, _json_error(headers, answer)[0]) == (400, "InvalidSignatureException")


def test_aws_documentations_streaming_example_verifies():
    """The known-answer example of AWS's SigV4 streaming documentation (S3 PUT of 66,560
    bytes of 'a' in 64 KiB chunks): seed and chunk signatures as published."""
    timestamp = "20130524T000000Z"
    seed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
    key = b"AWS4wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    for part in ("20130524", "us-east-1", "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    body = _chunked(b"a" * 66560, 65536, key=key, timestamp=timestamp,
                    scope="20130524/us-east-1/s3/aws4_request", seed=seed)
    assert b"ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648" in body
    assert b"0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497" in body
    assert b"b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9" in body
    headers = {
        "host": "s3.amazonaws.com", "x-amz-date": timestamp,
        "x-amz-storage-class": "REDUCED_REDUNDANCY",
        "authorization": "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/"
                         "us-east-1/s3/aws4_request, SignedHeaders=content-encoding;"
                         "content-length;host;x-amz-content-sha256;x-amz-date;"
                         f"x-amz-decoded-content-length;x-amz-storage-class, Signature={seed}",
        "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "content-encoding": "aws-chunked", "x-amz-decoded-content-length": "66560",
        "content-length": "66824",
    }
    request = wire.WireRequest("PUT", "/examplebucket/chunkObject.txt", "", headers, body)
    environ = {"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
               "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
               "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_CONFIG_FILE": os.devnull}
    signer = sigv4.verify(request, environ, now=1369353600.0)
    assert signer is not None and signer.name == "AKIAIOSFODNN7EXAMPLE"
    assert request.body == b"a" * 66560


def test_session_tokens_must_match_the_profiles(app, tmp_path):
    with open(tmp_path / "aws-credentials", "a") as f:
        f.write("[temp]\naws_access_key_id = ASIATEMP\naws_secret_access_key = s3\n"
                "aws_session_token = tok-1\n")
    assert _caller(app, key="ASIATEMP", secret="s3", token="tok-1") == (
        f"arn:aws:iam::{ACCOUNT}:user/temp")
    for token in (None, "tok-2"):
        status, _, body = call(app, environ_of(sign(aws_request("sns", "ListTopics"), "sns",
                                                      key="ASIATEMP", secret="s3",
                                                      token=token)))
        assert (status, _query_error(body)[0]) == (403, "InvalidClientTokenId")


def test_keys_of_the_config_file_and_the_environment_count(isolated_state, tmp_path):
    (tmp_path / "aws-config").write_text(
        "[profile cfg]\naws_access_key_id = CFGKEY\naws_secret_access_key = cfgsecret\n")
    app = App(isolated_state, environ={**os.environ, "AWS_ACCESS_KEY_ID": "ENVKEY",
                                       "AWS_SECRET_ACCESS_KEY": "envsecret"})
    assert _caller(app, key="CFGKEY", secret="cfgsecret") == f"arn:aws:iam::{ACCOUNT}:user/cfg"
    assert _caller(app, key="ENVKEY", secret="envsecret") == (
        f"arn:aws:iam::{ACCOUNT}:user/ENVKEY")


def test_a_bad_region_in_the_scope_is_a_clean_refusal(app):
    request = sign(aws_request("sns", "ListTopics"), "sns", region="not_a region!")
    status, _, body = call(app, environ_of(request))
    assert (status, _query_error(body)) == (
        403, ("SignatureDoesNotMatch", "Credential should be scoped to a valid region."))


def test_unsigned_requests_are_still_missing_authentication(app):
    request = aws_request("sns", "ListTopics")
    status, _, body = call(app, environ_of(request))
    assert (status, _query_error(body)[0]) == (403, "MissingAuthenticationToken")
    # ...and a credential in the form body (no signature over it) does not pass for one.
    request = aws_request("sns", "ListTopics", {
        "X-Amz-Credential": "alice/20261207/us-east-1/sns/aws4_request",
        "X-Amz-Signature": "00", "X-Amz-Algorithm": "AWS4-HMAC-SHA256"})
    assert call(app, environ_of(request))[0] == 403


def test_the_in_process_sdk_route_needs_no_signature(isolated_state):
    from awslocal_cli import sdk

    sts = sdk.client("sts", state_dir=isolated_state, profile="nobody-configured")
    assert sts.get_caller_identity()["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/nobody-configured"


# -- `awslocal serve` itself -------------------------------------------------------------------


def test_serve_with_no_credentials_says_how_to_make_a_profile(tmp_path):
    env = server_env(tmp_path, credentials=False)
    proc = subprocess.run(
        [sys.executable, "-m", "awslocal_cli", "--state-dir", str(tmp_path / "s"), "serve",
         "--port", "0"], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 253
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "awslocal configure" in lines[0] and "no credentials" in lines[0]


def test_no_verify_signatures_warns_and_accepts_any_secret(tmp_path):
    import boto3

    started = Server(tmp_path / "state", tmp_path / "log",
                     server_env(tmp_path, credentials=False), "--no-verify-signatures")
    try:
        sts = boto3.Session(aws_access_key_id="anyone", aws_secret_access_key="anything",
                            region_name="us-east-1").client("sts", endpoint_url=started.endpoint)
        assert sts.get_caller_identity()["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/anyone"
    finally:
        assert started.stop() == 130
    assert "[WARNING]: signatures are not verified" in started.log()


def test_boto3_with_a_wrong_secret_against_serve(server, remote):
    from botocore.exceptions import ClientError

    assert remote("sts", key="alice").get_caller_identity()["Arn"].endswith("user/alice")
    for service, call_it, code in (
        ("kms", lambda c: c.list_keys(), "InvalidSignatureException"),
        ("sqs", lambda c: c.list_queues(), "InvalidSignatureException"),
        ("sns", lambda c: c.list_topics(), "SignatureDoesNotMatch"),
        ("sts", lambda c: c.get_caller_identity(), "SignatureDoesNotMatch"),
    ):
        with pytest.raises(ClientError) as info:
            call_it(remote(service, key="alice", secret="wrong"))
        assert info.value.response["Error"]["Code"] == code
    with pytest.raises(ClientError) as info:
        remote("kms", key="stranger").list_keys()
    assert info.value.response["Error"]["Code"] == "UnrecognizedClientException"
    assert "Traceback" not in server.log()


def test_a_hand_signed_request_with_a_wrong_secret_over_http(server):
    """Signed without any SDK: the SigV4 steps by hand, with a secret the owner does not hold."""
    import urllib.error
    import urllib.request

    now = datetime.now(timezone.utc)
    timestamp = now.strftime("%Y%m%dT%H%M%SZ")
    host = server.endpoint.split("://", 1)[1]
    body = b"Action=ListTopics&Version=2010-03-31"
    canonical = "\n".join(("POST", "/", "", f"host:{host}", f"x-amz-date:{timestamp}", "",
                           "host;x-amz-date", hashlib.sha256(body).hexdigest()))
    scope = f"{timestamp[:8]}/us-east-1/sns/aws4_request"
    to_sign = "\n".join(("AWS4-HMAC-SHA256", timestamp, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()))

    def signature(secret: str) -> str:
        key = f"AWS4{secret}".encode()
        for part in (timestamp[:8], "us-east-1", "sns", "aws4_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()

    def send(secret: str) -> tuple[int, bytes]:
        request = urllib.request.Request(server.endpoint + "/", data=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "X-Amz-Date": timestamp,
            "Authorization": f"AWS4-HMAC-SHA256 Credential=alice/{scope}, "
                             f"SignedHeaders=host;x-amz-date, Signature={signature(secret)}"})
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    assert send("secret")[0] == 200
    status, answer = send("wrong-secret")
    code, message = _query_error(answer)
    assert (status, code) == (403, "SignatureDoesNotMatch")
    assert f"should have been\n'{canonical}'" in message


AWS_V1 = os.environ.get("AWSLOCAL_TEST_AWSCLI1", "")


@pytest.mark.skipif(not (AWS_V1 and os.access(AWS_V1, os.X_OK)),
                    reason="AWSLOCAL_TEST_AWSCLI1 names no AWS CLI v1 executable (.ci/run sets it)")
def test_aws_cli_v1_signs_and_a_wrong_secret_is_refused(server, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS", "PYTHON"))}
    env.update({"AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": "",
                "AWS_CONFIG_FILE": str(tmp_path / "cfg"),
                "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "creds"),
                "AWS_ACCESS_KEY_ID": "bob"})

    def run(secret: str, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([AWS_V1, "--endpoint-url", server.endpoint, *args],
                              capture_output=True, text=True, timeout=120,
                              env={**env, "AWS_SECRET_ACCESS_KEY": secret})

    done = run("secret", "sts", "get-caller-identity", "--output", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/bob"
    for args in (("sns", "list-topics"), ("sqs", "list-queues"), ("kms", "list-keys")):
        done = run("wrong", *args)
        assert done.returncode == 255, done.stderr
        assert ("SignatureDoesNotMatch" in done.stderr
                or "InvalidSignatureException" in done.stderr), done.stderr
