"""Tutorial flows through boto3 in process, interop with the CLI on one state, error paths."""

from __future__ import annotations

import base64
import json
import os

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ACCOUNT = "123456789012"


def _root_policy(*extra):
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
             "Action": "kms:*", "Resource": "*"},
            *extra,
        ],
    })


def test_sse_kms_queue_with_customer_key_until_the_key_is_disabled(client, monkeypatch):
    # The clock is pinned (read on every request): the reuse period lapses when the test says.
    monkeypatch.setenv("AWSLOCAL_NOW", "2030-01-01T00:00:00Z")
    kms, sqs = client("kms"), client("sqs")
    key_id = kms.create_key(Description="orders key")["KeyMetadata"]["KeyId"]
    url = sqs.create_queue(QueueName="orders", Attributes={
        "KmsMasterKeyId": key_id, "KmsDataKeyReusePeriodSeconds": "60"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="order 1")
    got = sqs.receive_message(QueueUrl=url)["Messages"]
    assert [m["Body"] for m in got] == ["order 1"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"])

    kms.disable_key(KeyId=key_id)
    # Within the data key reuse period no KMS call is made: the send still works.
    sqs.send_message(QueueUrl=url, MessageBody="order 2")
    monkeypatch.setenv("AWSLOCAL_NOW", "2030-01-01T00:02:00Z")
    with pytest.raises(sqs.exceptions.KmsDisabled) as info:
        sqs.send_message(QueueUrl=url, MessageBody="order 3")
    assert info.value.response["Error"]["Code"] == "KMS.DisabledException"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_encrypted_topic_fans_out_to_a_queue(client):
    kms, sns, sqs = client("kms"), client("sns"), client("sqs")
    key_id = kms.create_key(Policy=_root_policy({
        "Sid": "sns", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
        "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*"}))["KeyMetadata"][
        "KeyId"]
    topic = sns.create_topic(Name="events", Attributes={"KmsMasterKeyId": key_id})["TopicArn"]
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["KmsMasterKeyId"] == key_id
    url = sqs.create_queue(QueueName="events-q")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"]
    # As in AWS, the queue policy must let the topic send (the tutorial's step).
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
                       "Action": "sqs:SendMessage", "Resource": arn,
                       "Condition": {"ArnEquals": {"aws:SourceArn": topic}}}],
    })})
    sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, ReturnSubscriptionArn=True)
    assert sub["SubscriptionArn"].startswith(topic + ":")
    message_id = sns.publish(TopicArn=topic, Message="hello", Subject="s")["MessageId"]
    body = json.loads(sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"])
    assert body["Type"] == "Notification" and body["MessageId"] == message_id
    assert body["Message"] == "hello" and body["TopicArn"] == topic


def test_envelope_encryption_with_generate_data_key(client, awslocal, tmp_path):
    kms = client("kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    data_key = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256")
    nonce = os.urandom(12)
    sealed = AESGCM(data_key["Plaintext"]).encrypt(nonce, b"the payload", None)
    # Only the wrapped key is kept; the CLI unwraps it on the same state.
    path = tmp_path / "wrapped.bin"
    path.write_bytes(data_key["CiphertextBlob"])
    result = awslocal("kms", "decrypt", "--ciphertext-blob", f"fileb://{path}",
                      "--query", "Plaintext", "--output", "text")
    assert result.exit_code == 0, result
    plaintext_key = base64.b64decode(result.stdout.strip())
    assert AESGCM(plaintext_key).decrypt(nonce, sealed, None) == b"the payload"


def test_ciphertext_from_boto3_decrypts_with_the_cli_and_back(client, awslocal, tmp_path):
    kms = client("kms")
    result = awslocal("kms", "create-key", "--query", "KeyMetadata.KeyId", "--output", "text")
    key_id = result.stdout.strip()
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"from boto3")["CiphertextBlob"]
    (tmp_path / "b.bin").write_bytes(blob)
    result = awslocal("kms", "decrypt", "--ciphertext-blob", f"fileb://{tmp_path / 'b.bin'}",
                      "--output", "json")
    assert result.exit_code == 0, result
    assert base64.b64decode(result.json["Plaintext"]) == b"from boto3"

    result = awslocal("kms", "encrypt", "--key-id", key_id, "--plaintext", "fileb://"
                      + str(_write(tmp_path / "p.txt", b"from the CLI")),
                      "--query", "CiphertextBlob", "--output", "text")
    assert result.exit_code == 0, result
    decrypted = kms.decrypt(CiphertextBlob=base64.b64decode(result.stdout.strip()))
    assert decrypted["Plaintext"] == b"from the CLI"


def _write(path, data):
    path.write_bytes(data)
    return path


def test_messages_cross_between_boto3_and_the_cli(client, awslocal):
    sqs = client("sqs")
    url = sqs.create_queue(QueueName="shared")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="from boto3",
                     MessageAttributes={"k": {"DataType": "String", "StringValue": "v"}})
    result = awslocal("sqs", "receive-message", "--queue-url", url,
                      "--message-attribute-names", "All")
    assert result.exit_code == 0, result
    [message] = result.json["Messages"]
    assert message["Body"] == "from boto3"
    assert message["MessageAttributes"]["k"]["StringValue"] == "v"
    awslocal("sqs", "delete-message", "--queue-url", url, "--receipt-handle",
             message["ReceiptHandle"])

    result = awslocal("sqs", "send-message", "--queue-url", url, "--message-body", "from CLI")
    assert result.exit_code == 0, result
    got = sqs.receive_message(QueueUrl=url)["Messages"]
    assert [m["Body"] for m in got] == ["from CLI"]
    assert got[0]["MessageId"] == result.json["MessageId"]


def test_access_denied_by_key_policy(client):
    admin = client("kms")
    key_id = admin.create_key(Policy=_root_policy({
        "Sid": "no-mallory", "Effect": "Deny",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/mallory"},
        "Action": "kms:Encrypt", "Resource": "*"}))["KeyMetadata"]["KeyId"]
    assert admin.encrypt(KeyId=key_id, Plaintext=b"x")["KeyId"].endswith(key_id)
    mallory = client("kms", profile="mallory")
    with pytest.raises(ClientError) as info:
        mallory.encrypt(KeyId=key_id, Plaintext=b"x")
    assert info.value.response["Error"]["Code"] == "AccessDeniedException"
    assert "mallory" in info.value.response["Error"]["Message"]


def test_access_key_of_a_credentials_profile_names_that_profile(client, tmp_path, monkeypatch):
    creds = tmp_path / "aws-credentials"
    creds.write_text("[carol]\naws_access_key_id = AKIAEXAMPLECAROL\n"
                     "aws_secret_access_key = s\n")
    from awslocal_cli import sdk

    sts = sdk.session(profile="AKIAEXAMPLECAROL").client("sts")
    assert sts.get_caller_identity()["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/carol"


def test_validation_and_not_found_errors(client):
    kms, sqs, sns = client("kms"), client("sqs"), client("sns")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as info:
        kms.encrypt(KeyId=key_id, Plaintext=b"x" * 4097)
    assert info.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(kms.exceptions.NotFoundException):
        kms.encrypt(KeyId="alias/none", Plaintext=b"x")
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.send_message(QueueUrl=f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/none",
                         MessageBody="x")
    with pytest.raises(sns.exceptions.NotFoundException) as info:
        sns.publish(TopicArn=f"arn:aws:sns:us-east-1:{ACCOUNT}:none", Message="x")
    assert info.value.response["Error"]["Code"] == "NotFound"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.create_topic(Name="bad name!")
