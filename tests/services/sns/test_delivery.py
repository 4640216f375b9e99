"""SNS delivery: envelope signatures, HTTP/S with confirmation and retries, outbox, at rest."""

from __future__ import annotations

import base64
import json
import sqlite3
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from awslocal_cli.errors import AwsError
from awslocal_cli.services import kms, sns, sqs
from awslocal_cli.services.sns.delivery_policy import check_delivery_policy, retry_delays
from tests.services.sns.util import Endpoint, topic_queue

ACCOUNT = "123456789012"


# -- an HTTP endpoint on 127.0.0.1 -----------------------------------------------------------


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    server = Endpoint()
    yield server
    server.server.shutdown()
    server.server.server_close()


def _confirmed_http(inv, endpoint, topic, **attributes):
    inv(sns.subscribe, TopicArn=topic, Protocol="http", Endpoint=endpoint.url,
        Attributes=attributes or None)
    confirmation = endpoint.messages()[-1]
    assert confirmation["Type"] == "SubscriptionConfirmation"
    return inv(sns.confirm_subscription, TopicArn=topic,
               Token=confirmation["Token"])["SubscriptionArn"]


def _statuses(inv):
    return [r[0] for r in inv.sql("SELECT status FROM sns_deliveries ORDER BY seq")]


# -- signatures, verified as the SNS docs tell subscribers to -------------------------------


def _verify(message: dict) -> None:
    """The documented procedure: certificate from SigningCertURL, canonical string, RSA check."""
    url = urlsplit(message["SigningCertURL"])
    assert url.scheme == "file"
    with open(url2pathname(url.path), "rb") as f:
        cert = x509.load_pem_x509_certificate(f.read())
    if message["Type"] == "Notification":
        names = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
    else:
        names = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn",
                 "Type"]
    canonical = "".join(f"{n}\n{message[n]}\n" for n in names if n in message)
    digest = hashes.SHA256() if message["SignatureVersion"] == "2" else hashes.SHA1()
    cert.public_key().verify(base64.b64decode(message["Signature"]), canonical.encode(),
                             padding.PKCS1v15(), digest)


@pytest.mark.parametrize("version", ["1", "2"])
def test_envelope_signature_verifies(inv, version):
    topic = inv(sns.create_topic, Name="signed",
                Attributes={"SignatureVersion": version})["TopicArn"]
    url, arn = topic_queue(inv, "q", topic)
    inv(sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=arn)
    inv(sns.publish, TopicArn=topic, Message="héllo\nworld", Subject="Greetings")
    inv(sns.publish, TopicArn=topic, Message="no subject")
    messages = inv(sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    for m in messages:
        body = json.loads(m["Body"])
        assert body["SignatureVersion"] == version
        assert list(body) == ["Type", "MessageId", "TopicArn", *(
            ["Subject"] if "Subject" in body else []), "Message", "Timestamp",
            "SignatureVersion", "Signature", "SigningCertURL", "UnsubscribeURL"]
        _verify(body)
        tampered = dict(body, Message=body["Message"] + "!")
        with pytest.raises(InvalidSignature):
            _verify(tampered)
    # The certificate is written under the state directory, private to its owner.
    path = urlsplit(json.loads(messages[0]["Body"])["SigningCertURL"]).path
    assert path.startswith(str(inv.state_dir.resolve()))
    import os
    import stat
    assert stat.S_IMODE(os.stat(url2pathname(path)).st_mode) == 0o600


def test_confirmation_messages_are_signed(inv, endpoint):
    topic = inv(sns.create_topic, Name="t")["TopicArn"]
    inv(sns.subscribe, TopicArn=topic, Protocol="email-json", Endpoint="me@example.com")
    payload = json.loads(inv.sql("SELECT payload FROM sns_deliveries")[0][0])
    assert payload["Type"] == "SubscriptionConfirmation"
    _verify(payload)
    _confirmed_http(inv, endpoint, topic)
    _verify(endpoint.messages()[0])


# -- HTTP/HTTPS ------------------------------------------------------------------------------


def test_http_confirmation_flow_and_headers(inv, endpoint):
    topic = inv(sns.create_topic, Name="web")["TopicArn"]
    out = inv(sns.subscribe, TopicArn=topic, Protocol="http", Endpoint=endpoint.url)
    assert out == {"SubscriptionArn": "pending confirmation"}
    [request] = endpoint.requests
    headers = {k.lower(): v for k, v in request["headers"].items()}
    assert headers["x-amz-sns-message-type"] == "SubscriptionConfirmation"
    assert headers["x-amz-sns-topic-arn"] == topic
    assert "x-amz-sns-subscription-arn" not in headers
    assert headers["content-type"] == "text/plain; charset=UTF-8"
    assert headers["user-agent"] == "Amazon Simple Notification Service Agent"
    message = json.loads(request["body"])
    assert headers["x-amz-sns-message-id"] == message["MessageId"]
    assert "ConfirmSubscription" in message["SubscribeURL"]
    # Nothing is delivered before confirmation.
    inv(sns.publish, TopicArn=topic, Message="too early")
    assert len(endpoint.requests) == 1
    arn = inv(sns.confirm_subscription, TopicArn=topic, Token=message["Token"])[
        "SubscriptionArn"]
    assert inv(sns.get_subscription_attributes, SubscriptionArn=arn)["Attributes"][
        "PendingConfirmation"] == "false"
    published = inv(sns.publish, TopicArn=topic, Message="hello", Subject="S")
    note = endpoint.requests[-1]
    headers = {k.lower(): v for k, v in note["headers"].items()}
    assert headers["x-amz-sns-message-type"] == "Notification"
    assert headers["x-amz-sns-subscription-arn"] == arn
    assert headers["x-amz-sns-message-id"] == published["MessageId"]
    body = json.loads(note["body"])
    assert (body["Message"], body["Subject"]) == ("hello", "S")
    _verify(body)
    assert "delivered" in _statuses(inv)


def test_http_raw_delivery_and_content_type(inv, endpoint):
    topic = inv(sns.create_topic, Name="raw")["TopicArn"]
    arn = _confirmed_http(inv, endpoint, topic)
    inv(sns.set_subscription_attributes, SubscriptionArn=arn,
        AttributeName="RawMessageDelivery", AttributeValue="true")
    inv(sns.set_subscription_attributes, SubscriptionArn=arn, AttributeName="DeliveryPolicy",
        AttributeValue=json.dumps({"requestPolicy": {"headerContentType": "application/json"}}))
    inv(sns.publish, TopicArn=topic, Message='{"a": 1}')
    request = endpoint.requests[-1]
    headers = {k.lower(): v for k, v in request["headers"].items()}
    assert request["body"] == '{"a": 1}'
    assert headers["x-amz-sns-rawdelivery"] == "true"
    assert headers["content-type"] == "application/json"


def test_http_retries_follow_the_policy_on_the_local_clock(inv, endpoint):
    topic = inv(sns.create_topic, Name="flaky")["TopicArn"]
    _confirmed_http(inv, endpoint, topic)
    endpoint.codes = [500, 503, 200]
    inv(sns.publish, TopicArn=topic, Message="retry me")
    assert len(endpoint.requests) == 2  # the first attempt, at once
    pending = inv.sql("SELECT attempts, next_attempt FROM sns_pending")
    assert pending == [(1, inv.now() + 20)]
    inv.advance(seconds=19)
    inv(sns.after_operation)  # the CLI runs this hook after each SNS command
    assert len(endpoint.requests) == 2  # not due yet
    inv.advance(seconds=1)
    inv(sns.after_operation)
    assert len(endpoint.requests) == 3  # 503: the second retry is due 20 s later
    inv.advance(seconds=20)
    inv(sns.after_operation)
    assert len(endpoint.requests) == 4
    ids = {r["headers"]["X-Amz-Sns-Message-Id"] for r in endpoint.requests[1:]}
    assert len(ids) == 1  # a retry carries the same message id
    assert inv.sql("SELECT COUNT(*) FROM sns_pending") == [(0,)]
    assert _statuses(inv)[-3:] == ["retrying", "retrying", "delivered"]


def test_http_gives_up_and_dead_letters(inv, endpoint):
    topic = inv(sns.create_topic, Name="down")["TopicArn"]
    dlq_url, dlq_arn = topic_queue(inv, "dlq", topic)
    arn = _confirmed_http(inv, endpoint, topic)
    inv(sns.set_subscription_attributes, SubscriptionArn=arn, AttributeName="RedrivePolicy",
        AttributeValue=json.dumps({"deadLetterTargetArn": dlq_arn}))
    inv(sns.set_subscription_attributes, SubscriptionArn=arn, AttributeName="DeliveryPolicy",
        AttributeValue=json.dumps({"healthyRetryPolicy": {
            "numRetries": 2, "numNoDelayRetries": 1, "minDelayTarget": 5,
            "maxDelayTarget": 5}}))
    endpoint.codes = [500] * 10
    inv(sns.publish, TopicArn=topic, Message="lost?")
    assert len(endpoint.requests) == 3  # confirmation, first attempt, immediate retry
    inv.advance(seconds=5)
    inv(sns.after_operation)
    assert len(endpoint.requests) == 4
    assert _statuses(inv)[-2:] == ["failed", "dead-lettered"]
    [dead] = inv(sqs.receive_message, QueueUrl=dlq_url)["Messages"]
    assert json.loads(dead["Body"])["Message"] == "lost?"


def test_unreachable_endpoint_is_a_failed_attempt(inv, endpoint):
    topic = inv(sns.create_topic, Name="gone")["TopicArn"]
    _confirmed_http(inv, endpoint, topic)
    endpoint.server.shutdown()
    endpoint.server.server_close()
    inv(sns.publish, TopicArn=topic, Message="anyone?")
    reason = inv.sql("SELECT reason FROM sns_deliveries ORDER BY seq DESC LIMIT 1")[0][0]
    assert reason.startswith("The endpoint could not be reached")
    assert "retry 1 of 3" in reason


def test_unsubscribe_sends_unsubscribe_confirmation(inv, endpoint):
    topic = inv(sns.create_topic, Name="bye")["TopicArn"]
    arn = _confirmed_http(inv, endpoint, topic)
    inv(sns.unsubscribe, SubscriptionArn=arn)
    message = endpoint.messages()[-1]
    assert message["Type"] == "UnsubscribeConfirmation"
    _verify(message)
    assert inv(sns.list_subscriptions_by_topic, TopicArn=topic)["Subscriptions"] == []
    # Its token restores the subscription, as the message's SubscribeURL promises.
    restored = inv(sns.confirm_subscription, TopicArn=topic, Token=message["Token"])
    assert restored == {"SubscriptionArn": arn}
    inv(sns.publish, TopicArn=topic, Message="welcome back")
    assert endpoint.messages()[-1]["Message"] == "welcome back"
    # The token works once.
    inv(sns.unsubscribe, SubscriptionArn=arn)
    inv(sns.confirm_subscription, TopicArn=topic, Token=endpoint.messages()[-1]["Token"])
    with pytest.raises(AwsError) as exc:
        inv(sns.confirm_subscription, TopicArn=topic, Token=message["Token"])


    assert exc.value.code == "InvalidParameter"
def test_encrypted_topic_holds_requests_as_ciphertext(inv, endpoint):
    key = inv(kms.create_key)["KeyMetadata"]["KeyId"]
    topic = inv(sns.create_topic, Name="secret",
                Attributes={"KmsMasterKeyId": key})["TopicArn"]
    _confirmed_http(inv, endpoint, topic)
    endpoint.codes = [500]
    inv(sns.publish, TopicArn=topic, Message="the launch code is 0000")
    db = sqlite3.connect(inv.state_dir / "state.db")
    dump = "\n".join(db.iterdump())
    db.close()
    assert "launch code" not in dump
    assert "6c61756e636820636f6465" not in dump.lower()  # not even as hex
    # Decrypt at delivery: with the key disabled, the retry fails with KMS's reason.
    inv(kms.disable_key, KeyId=key)
    inv.advance(seconds=20)
    inv(sns.after_operation)
    reason = inv.sql("SELECT reason FROM sns_deliveries ORDER BY seq DESC LIMIT 1")[0][0]
    assert "KMS DisabledException" in reason
    inv(kms.enable_key, KeyId=key)
    inv.advance(seconds=20)
    inv(sns.after_operation)
    assert json.loads(endpoint.requests[-1]["body"])["Message"] == "the launch code is 0000"


def test_delivery_policy_validation_and_effective_policy(inv, endpoint):
    topic = inv(sns.create_topic, Name="p")["TopicArn"]
    with pytest.raises(AwsError) as exc:
        inv(sns.set_topic_attributes, TopicArn=topic, AttributeName="DeliveryPolicy",
            AttributeValue=json.dumps({"http": {"defaultHealthyRetryPolicy": {
                "minDelayTarget": 30, "maxDelayTarget": 10}}}))
    assert exc.value.code == "InvalidParameter"
    assert "minDelayTarget" in exc.value.message
    inv(sns.set_topic_attributes, TopicArn=topic, AttributeName="DeliveryPolicy",
        AttributeValue=json.dumps({"http": {"defaultHealthyRetryPolicy": {
            "numRetries": 5, "minDelayTarget": 2, "maxDelayTarget": 40,
            "backoffFunction": "exponential"}}}))
    arn = _confirmed_http(inv, endpoint, topic)
    effective = json.loads(inv(sns.get_subscription_attributes, SubscriptionArn=arn)[
        "Attributes"]["EffectiveDeliveryPolicy"])
    assert effective["healthyRetryPolicy"]["numRetries"] == 5
    assert effective["healthyRetryPolicy"]["backoffFunction"] == "exponential"
    queue = inv(sns.subscribe, TopicArn=topic, Protocol="email", Endpoint="a@example.com")
    assert queue["SubscriptionArn"] == "pending confirmation"


def test_retry_schedule_phases():
    assert retry_delays({"minDelayTarget": 20, "maxDelayTarget": 20, "numRetries": 3,
                         "numNoDelayRetries": 0, "numMinDelayRetries": 0,
                         "numMaxDelayRetries": 0, "backoffFunction": "linear"}) == [20, 20, 20]
    delays = retry_delays({"minDelayTarget": 1, "maxDelayTarget": 60, "numRetries": 10,
                           "numNoDelayRetries": 2, "numMinDelayRetries": 2,
                           "numMaxDelayRetries": 2, "backoffFunction": "linear"})
    assert delays[:4] == [0, 0, 1, 1]
    assert delays[-2:] == [60, 60]
    backoff = delays[4:8]
    assert backoff == sorted(backoff) and backoff[-1] == 60
    for function in ("arithmetic", "geometric", "exponential"):
        curve = retry_delays({"minDelayTarget": 1, "maxDelayTarget": 64, "numRetries": 6,
                              "numNoDelayRetries": 0, "numMinDelayRetries": 0,
                              "numMaxDelayRetries": 0, "backoffFunction": function})
        assert curve == sorted(curve) and curve[-1] == 64 and curve[0] < 32


@pytest.mark.parametrize("policy, reason", [
    ({"healthyRetryPolicy": {"numRetries": 101}}, "numRetries"),
    ({"healthyRetryPolicy": {"numRetries": 2, "numNoDelayRetries": 3}}, "sum"),
    ({"healthyRetryPolicy": {"backoffFunction": "cubic"}}, "backoffFunction"),
    ({"healthyRetryPolicy": {"numRetries": 100, "minDelayTarget": 60,
                             "maxDelayTarget": 60}}, "3600"),
    ({"healthyRetryPolicy": {"bogus": 1}}, "bogus"),
    ({"requestPolicy": {"headerContentType": "image/png"}}, "headerContentType"),
])
def test_subscription_delivery_policy_errors(policy, reason):
    with pytest.raises(AwsError) as exc:
        check_delivery_policy(json.dumps(policy), topic=False)
    assert exc.value.code == "InvalidParameter"
    assert reason in exc.value.message


# -- the outbox ------------------------------------------------------------------------------


def test_outbox_payloads_per_protocol(inv):
    from awslocal_cli.services import sns

    inv(sns.set_sms_sandbox, in_sandbox=False)
    topic = inv(sns.create_topic, Name="multi",
                Attributes={"DisplayName": "Shop"})["TopicArn"]
    inv(sns.subscribe, TopicArn=topic, Protocol="sms", Endpoint="+15555550100")
    inv(sns.subscribe, TopicArn=topic, Protocol="lambda",
        Endpoint=f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:f")
    inv(sns.subscribe, TopicArn=topic, Protocol="email", Endpoint="me@example.com")
    token = inv.sql("SELECT token FROM sns_subscriptions WHERE protocol = 'email'")[0][0]
    confirmation = inv(sns.outbox, protocol="email")["Messages"][0]
    assert token in json.loads(confirmation["Payload"])["Body"]
    inv(sns.confirm_subscription, TopicArn=topic, Token=token)
    inv(sns.publish, TopicArn=topic, Message="Sale!", Subject="News")
    box = inv(sns.outbox)["Messages"]
    by_protocol = {m["Protocol"]: m["Payload"] for m in box[1:]}
    assert by_protocol["sms"] == "Shop> Sale!"
    event = json.loads(by_protocol["lambda"])["Records"][0]
    assert event["EventSource"] == "aws:sns"
    assert event["Sns"]["Message"] == "Sale!"
    assert "SigningCertUrl" in event["Sns"] and "UnsubscribeUrl" in event["Sns"]
    email = json.loads(by_protocol["email"])
    assert email["Subject"] == "News"
    assert email["Body"].startswith("Sale!")
    assert email["From"].startswith("Shop <")


def test_outbox_of_encrypted_topic_is_ciphertext_at_rest(inv):
    from awslocal_cli.services import sns

    inv(sns.set_sms_sandbox, in_sandbox=False)
    topic = inv(sns.create_topic, Name="enc",
                Attributes={"KmsMasterKeyId": "alias/aws/sns"})["TopicArn"]
    inv(sns.subscribe, TopicArn=topic, Protocol="sms", Endpoint="+15555550100")
    inv(sns.publish, TopicArn=topic, Message="secret pin 4242")
    db = sqlite3.connect(inv.state_dir / "state.db")
    dump = "\n".join(db.iterdump())
    db.close()
    assert "secret pin" not in dump
    assert b"secret pin".hex() not in dump.lower()
    [sent] = inv(sns.outbox, protocol="sms")["Messages"]
    assert sent["Payload"] == "secret pin 4242"


def test_deliveries_view(inv):
    from awslocal_cli.services import sns

    topic = inv(sns.create_topic, Name="v")["TopicArn"]
    arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:nopolicy"
    inv(sqs.create_queue, QueueName="nopolicy")
    inv(sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=arn)
    message_id = inv(sns.publish, TopicArn=topic, Message="x")["MessageId"]
    view = inv(sns.deliveries, status="refused")
    [row] = view["Deliveries"]
    assert row["MessageId"] == message_id
    assert row["Reason"].startswith("AccessDenied: The queue policy")
    assert view["Pending"] == []


def test_an_endpoint_that_answers_garbage_is_a_failed_attempt(inv, endpoint):
    import socket

    topic = inv(sns.create_topic, Name="garbage")["TopicArn"]
    _confirmed_http(inv, endpoint, topic)
    # Swap the endpoint for a raw socket that answers something that is not HTTP.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]

    def answer() -> None:
        conn, _ = listener.accept()
        conn.recv(65536)
        conn.sendall(b"NONSENSE\r\n\r\n")
        conn.close()

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    inv.sql("UPDATE sns_subscriptions SET endpoint = ?", f"http://127.0.0.1:{port}/x")
    inv(sns.publish, TopicArn=topic, Message="hello?")
    thread.join(5)
    listener.close()
    reason = inv.sql("SELECT reason FROM sns_deliveries ORDER BY seq DESC LIMIT 1")[0][0]
    assert reason.startswith("The endpoint could not be reached")
    assert inv.sql("SELECT attempts FROM sns_pending") == [(1,)]
