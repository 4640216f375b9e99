"""The in-process boto3 route: requests reach the services through the wire layer, no socket."""

from __future__ import annotations

import socket

import pytest
from botocore.exceptions import ClientError


def test_no_socket_is_opened(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a socket was opened")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    kms = client("kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"secret")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"secret"
    sqs = client("sqs")
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="hi")
    assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "hi"


def test_kms_json_round_trip_types(client):
    kms = client("kms")
    meta = kms.create_key(Description="d", Tags=[{"TagKey": "k", "TagValue": "v"}])["KeyMetadata"]
    assert meta["Description"] == "d" and meta["Enabled"] is True
    assert meta["CreationDate"].tzinfo is not None  # an epoch timestamp, parsed by botocore
    data_key = kms.generate_data_key(KeyId=meta["Arn"], KeySpec="AES_256")
    assert len(data_key["Plaintext"]) == 32
    again = kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"])
    assert again["Plaintext"] == data_key["Plaintext"] and again["KeyId"] == meta["Arn"]
    assert kms.list_resource_tags(KeyId=meta["KeyId"])["Tags"] == [
        {"TagKey": "k", "TagValue": "v"}
    ]


def test_kms_errors_are_the_codes_boto3_users_catch(client):
    kms = client("kms")
    with pytest.raises(kms.exceptions.NotFoundException) as info:
        kms.describe_key(KeyId="alias/missing")
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.disable_key(KeyId=key_id)
    with pytest.raises(kms.exceptions.DisabledException):
        kms.encrypt(KeyId=key_id, Plaintext=b"x")
    with pytest.raises(kms.exceptions.InvalidCiphertextException):
        kms.decrypt(CiphertextBlob=b"not a blob")


def test_sqs_json_messages_and_md5s(client):
    sqs = client("sqs")
    url = sqs.create_queue(QueueName="orders", Attributes={"VisibilityTimeout": "5"})["QueueUrl"]
    assert url == "https://sqs.us-east-1.amazonaws.com/123456789012/orders"
    # botocore checks MD5OfMessageBody / MD5OfMessageAttributes on send and receive.
    sent = sqs.send_message(
        QueueUrl=url,
        MessageBody="hello",
        MessageAttributes={
            "s": {"DataType": "String", "StringValue": "v"},
            "b": {"DataType": "Binary", "BinaryValue": b"\x00\xff"},
            "n": {"DataType": "Number", "StringValue": "42"},
        },
    )
    got = sqs.receive_message(
        QueueUrl=url, MessageAttributeNames=["All"], AttributeNames=["All"]
    )["Messages"][0]
    assert got["MessageId"] == sent["MessageId"]
    assert got["MessageAttributes"]["b"]["BinaryValue"] == b"\x00\xff"
    assert got["Attributes"]["ApproximateReceiveCount"] == "1"
    sqs.delete_message(QueueUrl=url, ReceiptHandle=got["ReceiptHandle"])
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["VisibilityTimeout"])[
        "Attributes"
    ] == {"VisibilityTimeout": "5"}


def test_sqs_errors_map_to_modeled_exceptions(client):
    sqs = client("sqs")
    with pytest.raises(sqs.exceptions.QueueDoesNotExist) as info:
        sqs.get_queue_url(QueueName="missing")
    error = info.value.response["Error"]
    assert error["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    assert error["QueryErrorCode"] == "QueueDoesNotExist"
    assert error["Type"] == "Sender"
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    with pytest.raises(ClientError) as info:
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle="bogus", VisibilityTimeout=1)
    assert info.value.response["Error"]["Code"] == "ReceiptHandleIsInvalid"


def test_profile_names_the_caller(client):
    assert client("sts", profile="alice").get_caller_identity()["Arn"] == (
        "arn:aws:iam::123456789012:user/alice"
    )
    assert client("sts").get_caller_identity()["Arn"].endswith(":user/default")


def test_profile_and_region_resolve_from_the_environment_as_on_the_cli(tmp_path):
    from awslocal_cli import sdk

    config = tmp_path / "config"
    config.write_text("[profile bob]\nregion = eu-west-2\n")
    env = {"AWS_DEFAULT_PROFILE": "bob", "AWS_CONFIG_FILE": str(config)}
    session = sdk.session(state_dir=tmp_path / "state", environ=env)
    assert session.region_name == "eu-west-2"
    arn = session.client("sts").get_caller_identity()["Arn"]
    assert arn == "arn:aws:iam::123456789012:user/bob"


def test_region_comes_from_the_client(client):
    east = client("sqs", region="us-east-1")
    west = client("sqs", region="eu-west-1")
    east.create_queue(QueueName="only-east")
    assert "QueueUrls" not in west.list_queues()
    assert east.list_queues()["QueueUrls"] == [
        "https://sqs.us-east-1.amazonaws.com/123456789012/only-east"
    ]


def test_the_cli_never_imports_boto3_botocore_or_the_wire_layer():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from awslocal_cli.cli.main import main\n"
        "sys.argv = ['awslocal', 'sqs', 'list-queues']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore')\n"
        "       or m.startswith('awslocal_cli.wire') or m == 'awslocal_cli.sdk']\n"
        "print(bad)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_pytest_plugin_fixtures(awslocal_client, awslocal_state_dir, awslocal_session):
    sqs = awslocal_client("sqs")
    url = sqs.create_queue(QueueName="from-fixture")["QueueUrl"]
    assert (awslocal_state_dir / "state.db").exists()
    again = awslocal_session.client("sqs")
    assert again.list_queues()["QueueUrls"] == [url]
