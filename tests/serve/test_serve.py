"""boto3 against `awslocal serve`, and the awslocal CLI on the same state at the same time."""

from __future__ import annotations

import base64
import json
import sqlite3
import time
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError

from .conftest import ACCOUNT, Server, server_env, wait_for, write_credentials


def _root_policy(*extra):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
         "Action": "kms:*", "Resource": "*"}, *extra]})


def _let_topic_send(sqs, url, arn, topic):
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
                       "Action": "sqs:SendMessage", "Resource": arn,
                       "Condition": {"ArnEquals": {"aws:SourceArn": topic}}}]})})


def test_startup_line_names_loopback_address_and_state(server):
    assert server.startup_line == (
        f"awslocal serve: listening on http://127.0.0.1:{server.port} (state {server.state_dir})")


def test_queue_urls_use_the_endpoint_and_both_forms_work(server, remote, awslocal):
    sqs = remote("sqs")
    url = sqs.create_queue(QueueName="urls")["QueueUrl"]
    assert url == f"{server.endpoint}/{ACCOUNT}/urls"
    # The Host header decides: the same server addressed as localhost answers with localhost.
    other = remote("sqs", endpoint=f"http://localhost:{server.port}")
    assert other.get_queue_url(QueueName="urls")["QueueUrl"] == (
        f"http://localhost:{server.port}/{ACCOUNT}/urls")
    assert f"{server.endpoint}/{ACCOUNT}/urls" in sqs.list_queues()["QueueUrls"]
    aws_form = f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/urls"
    sqs.send_message(QueueUrl=aws_form, MessageBody="aws form")
    sqs.send_message(QueueUrl=url, MessageBody="endpoint form")
    # The CLI on the same state names the queue by its AWS URL and accepts the endpoint's.
    result = awslocal("sqs", "get-queue-url", "--queue-name", "urls")
    assert result.json["QueueUrl"] == aws_form
    result = awslocal("sqs", "get-queue-attributes", "--queue-url", url,
                      "--attribute-names", "ApproximateNumberOfMessages")
    assert result.json["Attributes"]["ApproximateNumberOfMessages"] == "2"


def test_messages_cross_between_the_endpoint_and_the_cli(server, remote, awslocal):
    sqs = remote("sqs")
    url = sqs.create_queue(QueueName="cross")["QueueUrl"]
    sent = sqs.send_message(QueueUrl=url, MessageBody="from boto3",
                            MessageAttributes={"k": {"DataType": "String", "StringValue": "v"}})
    result = awslocal("sqs", "receive-message", "--queue-url", url,
                      "--message-attribute-names", "All")
    assert result.exit_code == 0, result
    [message] = result.json["Messages"]
    assert (message["Body"], message["MessageId"]) == ("from boto3", sent["MessageId"])
    assert message["MessageAttributes"]["k"]["StringValue"] == "v"
    assert awslocal("sqs", "delete-message", "--queue-url", url, "--receipt-handle",
                    message["ReceiptHandle"]).exit_code == 0

    result = awslocal("sqs", "send-message", "--queue-url", url, "--message-body", "from CLI")
    got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"]
    assert [(m["Body"], m["MessageId"]) for m in got] == [("from CLI", result.json["MessageId"])]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"])
    assert "Messages" not in sqs.receive_message(QueueUrl=url)


def test_kms_ciphertexts_cross_between_the_endpoint_and_the_cli(server, remote, awslocal,
                                                                tmp_path):
    kms = remote("kms")
    key_id = awslocal("kms", "create-key", "--query", "KeyMetadata.KeyId",
                      "--output", "text").stdout.strip()
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"from boto3")["CiphertextBlob"]
    (tmp_path / "b.bin").write_bytes(blob)
    result = awslocal("kms", "decrypt", "--ciphertext-blob", f"fileb://{tmp_path / 'b.bin'}")
    assert result.exit_code == 0, result
    assert base64.b64decode(result.json["Plaintext"]) == b"from boto3"
    (tmp_path / "p.txt").write_bytes(b"from the CLI")
    result = awslocal("kms", "encrypt", "--key-id", key_id, "--plaintext",
                      f"fileb://{tmp_path / 'p.txt'}", "--query", "CiphertextBlob",
                      "--output", "text")
    out = kms.decrypt(CiphertextBlob=base64.b64decode(result.stdout.strip()))
    assert (out["Plaintext"], out["KeyId"].rsplit("/", 1)[-1]) == (b"from the CLI", key_id)


def test_sns_publish_fans_out_to_a_queue_the_cli_reads(server, remote, awslocal):
    sns, sqs = remote("sns"), remote("sqs")
    topic = sns.create_topic(Name="fan")["TopicArn"]
    url = sqs.create_queue(QueueName="fan-q")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    _let_topic_send(sqs, url, arn, topic)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    message_id = sns.publish(TopicArn=topic, Message="hello", Subject="s")["MessageId"]
    result = awslocal("sqs", "receive-message", "--queue-url", url)
    body = json.loads(result.json["Messages"][0]["Body"])
    assert (body["Type"], body["MessageId"], body["Message"]) == (
        "Notification", message_id, "hello")
    assert [t["TopicArn"] for t in sns.list_topics()["Topics"]].count(topic) == 1


def test_error_codes_boto3_users_catch(server, remote, awslocal):
    kms, sqs, sns = remote("kms"), remote("sqs"), remote("sns")
    with pytest.raises(sqs.exceptions.QueueDoesNotExist) as info:
        sqs.get_queue_url(QueueName="no-such-queue")
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.send_message(QueueUrl=f"{server.endpoint}/{ACCOUNT}/no-such-queue", MessageBody="x")
    with pytest.raises(kms.exceptions.NotFoundException):
        kms.describe_key(KeyId="alias/no-such-key")
    with pytest.raises(sns.exceptions.NotFoundException):
        sns.publish(TopicArn=f"arn:aws:sns:us-east-1:{ACCOUNT}:no-such-topic", Message="x")
    with pytest.raises(ClientError) as info:
        kms.encrypt(KeyId=kms.create_key()["KeyMetadata"]["KeyId"], Plaintext=b"x" * 4097)
    assert info.value.response["Error"]["Code"] == "ValidationException"


def test_access_denied_by_key_policy_names_the_access_keys_caller(server, remote):
    key_id = remote("kms").create_key(Policy=_root_policy({
        "Sid": "no-mallory", "Effect": "Deny",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/mallory"},
        "Action": "kms:Encrypt", "Resource": "*"}))["KeyMetadata"]["KeyId"]
    mallory = remote("kms", key="mallory")
    assert remote("sts", key="mallory").get_caller_identity()["Arn"] == (
        f"arn:aws:iam::{ACCOUNT}:user/mallory")
    with pytest.raises(ClientError) as info:
        mallory.encrypt(KeyId=key_id, Plaintext=b"x")
    assert info.value.response["Error"]["Code"] == "AccessDeniedException"
    assert "user/mallory" in info.value.response["Error"]["Message"]
    assert remote("kms").encrypt(KeyId=key_id, Plaintext=b"x")["KeyId"].endswith(key_id)


def test_a_caller_denied_on_the_queues_key_gets_the_kms_error_over_serve(server, remote):
    # Issue 25: data keys are reused per caller, so bob's Deny bites after alice cached one.
    key_id = remote("kms", key="alice").create_key(Policy=_root_policy({
        "Effect": "Deny", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/bob"},
        "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*"}))[
        "KeyMetadata"]["KeyId"]
    alice, bob = remote("sqs", key="alice"), remote("sqs", key="bob")
    url = alice.create_queue(QueueName="sse-per-caller",
                             Attributes={"KmsMasterKeyId": key_id})["QueueUrl"]
    alice.send_message(QueueUrl=url, MessageBody="for alice")
    got = alice.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"]
    assert got[0]["Body"] == "for alice"
    for call in (lambda: bob.send_message(QueueUrl=url, MessageBody="x"),
                 lambda: bob.receive_message(QueueUrl=url)):
        with pytest.raises(ClientError) as info:
            call()
        assert info.value.response["Error"]["Code"] == "KMS.AccessDeniedException"
        assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_kms_disabled_on_an_sse_kms_queue(server, remote, awslocal):
    kms, sqs = remote("kms"), remote("sqs")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    url = sqs.create_queue(QueueName="sse-kms", Attributes={
        "KmsMasterKeyId": key_id, "KmsDataKeyReusePeriodSeconds": "60"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="one")
    kms.disable_key(KeyId=key_id)
    sqs.send_message(QueueUrl=url, MessageBody="two")  # the data key is still fresh
    assert awslocal("local", "clock", "advance", "2m").exit_code == 0
    try:
        with pytest.raises(sqs.exceptions.KmsDisabled) as info:
            sqs.send_message(QueueUrl=url, MessageBody="three")
    finally:
        assert awslocal("local", "clock", "reset").exit_code == 0
    assert info.value.response["Error"]["Code"] == "KMS.DisabledException"


def test_requests_without_credentials_are_refused(server):
    request = urllib.request.Request(
        server.endpoint + "/", data=b"Action=ListTopics&Version=2010-03-31",
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=10)
    assert info.value.code == 403
    assert b"<Code>MissingAuthenticationToken</Code>" in info.value.read()


def test_debug_logs_one_line_per_request(server, remote):
    remote("sts").get_caller_identity()
    remote("sqs").list_queues()
    lines = wait_for(lambda: [ln for ln in server.log().splitlines() if "ListQueues" in ln])
    assert lines and lines[-1].startswith("awslocal serve: 127.0.0.1 POST / AmazonSQS.ListQueues "
                                          "200 ")
    assert any(" GetCallerIdentity 200 " in ln for ln in server.log().splitlines())


def test_move_tasks_progress_with_no_request(server, remote):
    """The background worker: a rate-limited move task advances while nobody calls."""
    sqs = remote("sqs")
    dlq = sqs.create_queue(QueueName="bg-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    src = sqs.create_queue(QueueName="bg-src", Attributes={"RedrivePolicy": json.dumps(
        {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1})})["QueueUrl"]
    for i in range(3):
        sqs.send_message(QueueUrl=src, MessageBody=f"m{i}")
    for _ in range(2):  # received once (visibility 0), then moved to the DLQ on the next
        sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=10, VisibilityTimeout=0)
    assert sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["All"])["Attributes"][
        "ApproximateNumberOfMessages"] == "3"
    sqs.start_message_move_task(SourceArn=dlq_arn, MaxNumberOfMessagesPerSecond=2)

    def in_source() -> int:
        # Read the state file directly: an SQS request would itself advance the task.
        with sqlite3.connect(server.state_dir / "state.db") as db:
            return db.execute(
                "SELECT count(*) FROM sqs_messages m JOIN sqs_queues q ON m.queue_id = q.id "
                "WHERE q.name = 'bg-src'").fetchone()[0]

    assert wait_for(lambda: in_source() == 3, timeout=10)
    assert sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=10)["Messages"]


def test_eight_clients_send_and_receive_at_once_losing_and_duplicating_nothing(server, remote):
    import threading

    sqs = remote("sqs")
    url = sqs.create_queue(QueueName="busy")["QueueUrl"]
    per_client, clients = 25, 8
    sent: list[str] = []
    received: list[str] = []
    lock = threading.Lock()
    done_sending = threading.Event()
    errors: list[BaseException] = []

    def producer(n: int) -> None:
        client = remote("sqs", key=f"producer{n}")
        for i in range(per_client):
            body = f"{n}-{i}"
            client.send_message(QueueUrl=url, MessageBody=body)
            with lock:
                sent.append(body)

    def consumer(n: int) -> None:
        client = remote("sqs", key=f"consumer{n}")
        while True:
            got = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                         WaitTimeSeconds=1).get("Messages", [])
            if not got and done_sending.is_set():
                return
            for m in got:
                with lock:
                    received.append(m["Body"])
                client.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])

    def guarded(fn, n):
        try:
            fn(n)
        except BaseException as exc:
            errors.append(exc)

    consumers = [threading.Thread(target=guarded, args=(consumer, n)) for n in range(clients)]
    producers = [threading.Thread(target=guarded, args=(producer, n)) for n in range(clients)]
    for t in consumers + producers:
        t.start()
    for t in producers:
        t.join(120)
    done_sending.set()
    for t in consumers:
        t.join(120)
    assert not errors
    assert len(sent) == per_client * clients
    assert sorted(received) == sorted(sent)  # every message once: none lost, none duplicated


def test_long_polls_block_nobody(server, remote):
    import threading

    sqs = remote("sqs")
    url = sqs.create_queue(QueueName="long-poll")["QueueUrl"]
    results: list[list[str]] = []

    def poll() -> None:
        got = remote("sqs").receive_message(QueueUrl=url, WaitTimeSeconds=20)
        results.append([m["Body"] for m in got.get("Messages", [])])

    pollers = [threading.Thread(target=poll) for _ in range(6)]
    for t in pollers:
        t.start()
    time.sleep(0.5)  # the polls are waiting now
    started = time.monotonic()
    for i in range(6):
        sqs.send_message(QueueUrl=url, MessageBody=f"wake {i}")
    remote("kms").list_keys()
    elapsed = time.monotonic() - started
    for t in pollers:
        t.join(30)
    assert elapsed < 5, elapsed  # the sends did not wait for the 20 s polls
    assert sorted(b for r in results for b in r) == [f"wake {i}" for i in range(6)]


def test_ctrl_c_stops_a_server_with_exit_code_130_even_during_a_long_poll(tmp_path):
    import threading

    import boto3

    started = Server(tmp_path / "own", tmp_path / "own.log", server_env(tmp_path))
    sqs = boto3.Session(aws_access_key_id="test", aws_secret_access_key="secret",
                        region_name="us-east-1").client("sqs", endpoint_url=started.endpoint)
    url = sqs.create_queue(QueueName="waiting")["QueueUrl"]
    outcome: list[object] = []

    def poll() -> None:
        try:
            outcome.append(sqs.receive_message(QueueUrl=url, WaitTimeSeconds=20))
        except Exception as exc:  # the connection closes under it
            outcome.append(exc)

    poller = threading.Thread(target=poll)
    poller.start()
    wait_for(lambda: "ReceiveMessage" in started.log() or None, timeout=1)
    t = time.monotonic()
    assert started.stop() == 130
    assert time.monotonic() - t < 12
    poller.join(30)
    assert "Traceback" not in started.log()


def test_a_port_in_use_is_a_configuration_error(server, awslocal_proc, tmp_path):
    write_credentials(tmp_path / "aws-credentials")
    result = awslocal_proc("serve", "--port", str(server.port), timeout=30)
    assert result.exit_code == 253
    assert f"Cannot listen on 127.0.0.1:{server.port}" in result.stderr


def test_help_documents_serve(awslocal):
    result = awslocal("serve", "--help")
    assert result.exit_code == 0
    for text in ("--host", "--port", "--threads", "127.0.0.1", "4566", "Ctrl-C", "130",
                 "--endpoint-url"):
        assert text in result.stdout


def test_sns_http_retries_happen_with_no_request(server, remote):
    """The background worker: a failed HTTP delivery is retried when due, unprompted."""
    from tests.services.sns.util import Endpoint

    endpoint = Endpoint()
    try:
        sns = remote("sns")
        topic = sns.create_topic(Name="bg-hooks")["TopicArn"]
        sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint.url)
        token = wait_for(lambda: endpoint.messages() and endpoint.messages()[0]["Token"])
        sub = sns.confirm_subscription(TopicArn=topic, Token=token)["SubscriptionArn"]
        sns.set_subscription_attributes(
            SubscriptionArn=sub, AttributeName="DeliveryPolicy", AttributeValue=json.dumps(
                {"healthyRetryPolicy": {"minDelayTarget": 1, "maxDelayTarget": 1,
                                        "numRetries": 3, "numNoDelayRetries": 0}}))
        endpoint.codes = [500]
        sns.publish(TopicArn=topic, Message="ping")

        def notifications():
            return [m["Message"] for m in endpoint.messages() if m["Type"] == "Notification"]

        assert wait_for(lambda: len(notifications()) >= 1)
        # The first attempt failed; nobody calls the server, yet the retry comes.
        assert wait_for(lambda: notifications() == ["ping", "ping"], timeout=15), notifications()
    finally:
        endpoint.server.shutdown()
        endpoint.server.server_close()


def test_cli_processes_and_endpoint_clients_share_the_queue_at_once(server, remote):
    """awslocal commands keep working on the server's state while it serves."""
    import subprocess
    import sys
    import threading

    sqs = remote("sqs")
    url = sqs.create_queue(QueueName="mixed")["QueueUrl"]
    env = server_env(server.state_dir.parent)
    script = (
        "import sys\nfrom awslocal_cli.cli.main import run\n"
        "for i in range(10):\n"
        "    assert run(['--state-dir', sys.argv[1], 'sqs', 'send-message', '--queue-url',"
        " sys.argv[2], '--message-body', f'{sys.argv[3]}-{i}', '--output', 'off']) == 0\n"
    )
    senders = [subprocess.Popen([sys.executable, "-c", script, str(server.state_dir), url,
                                 f"cli{n}"], env=env) for n in range(3)]
    received: list[str] = []

    def consume() -> None:
        client = remote("sqs")
        while len(received) < 30:
            for m in client.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                            WaitTimeSeconds=2).get("Messages", []):
                received.append(m["Body"])
                client.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
            if all(p.poll() is not None for p in senders) and not any(
                    p.returncode for p in senders) and len(received) >= 30:
                return

    consumer = threading.Thread(target=consume, daemon=True)
    consumer.start()
    assert [p.wait(120) for p in senders] == [0, 0, 0]
    consumer.join(60)
    assert sorted(received) == sorted(f"cli{n}-{i}" for n in range(3) for i in range(10))


def test_region_falls_back_to_the_servers_region(tmp_path):
    """A credential whose scope names no region (not SigV4, so only without verification):
    --region (then us-east-1) decides."""
    started = Server(tmp_path / "own", tmp_path / "own.log", server_env(tmp_path),
                     "--threads", "4", "--region", "eu-west-1", "--no-verify-signatures")

    def call(target: str, body: dict) -> dict:
        request = urllib.request.Request(
            started.endpoint + "/", data=json.dumps(body).encode(), headers={
                "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": target,
                "Authorization": "AWS4-HMAC-SHA256 Credential=test, SignedHeaders=host, "
                                 "Signature=0"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())

    try:
        url = call("AmazonSQS.CreateQueue", {"QueueName": "where"})["QueueUrl"]
        arn = call("AmazonSQS.GetQueueAttributes", {"QueueUrl": url,
                                                    "AttributeNames": ["QueueArn"]})
        assert arn["Attributes"]["QueueArn"] == "arn:aws:sqs:eu-west-1:123456789012:where"
    finally:
        assert started.stop() == 130


def test_sdks_find_the_server_through_aws_endpoint_url(server, monkeypatch):
    """What the README tells other SDKs to do, as boto3 (which reads it too) does it."""
    import boto3

    monkeypatch.setenv("AWS_ENDPOINT_URL", server.endpoint)
    session = boto3.Session(aws_access_key_id="carol", aws_secret_access_key="secret",
                            region_name="us-east-1")
    assert session.client("sts").get_caller_identity()["Arn"] == (
        f"arn:aws:iam::{ACCOUNT}:user/carol")
    url = session.client("sqs").create_queue(QueueName="via-env")["QueueUrl"]
    assert url == f"{server.endpoint}/{ACCOUNT}/via-env"


def test_publish_answers_before_its_http_deliveries_finish(server, remote):
    """The deferred work runs after the response is sent (the WSGI iterable's close())."""
    import http.server
    import threading

    posts: list[dict] = []
    slow = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if slow.is_set():
                time.sleep(3)
            posts.append(body)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    endpoint = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=endpoint.serve_forever, kwargs={"poll_interval": 0.05},
                     daemon=True).start()
    try:
        sns = remote("sns")
        topic = sns.create_topic(Name="slow-hook")["TopicArn"]
        sns.subscribe(TopicArn=topic, Protocol="http",
                      Endpoint=f"http://127.0.0.1:{endpoint.server_address[1]}/")
        token = wait_for(lambda: posts and posts[0]["Token"])
        sns.confirm_subscription(TopicArn=topic, Token=token)
        slow.set()
        t = time.monotonic()
        sns.publish(TopicArn=topic, Message="later")
        assert time.monotonic() - t < 2.5  # the endpoint takes 3 s to answer
        assert wait_for(lambda: any(p.get("Message") == "later" for p in posts), timeout=15)
    finally:
        endpoint.shutdown()
        endpoint.server_close()
