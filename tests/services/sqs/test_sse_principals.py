"""SSE-KMS data keys are reused per caller (issue 25): a principal the key policy denies never
rides on a data key another principal generated or decrypted."""

from __future__ import annotations

import json

import pytest

from awslocal_cli.errors import sns as sns_err
from awslocal_cli.errors import sqs as err
from awslocal_cli.services import kms, sns, sqs

BOB = "arn:aws:iam::123456789012:user/bob"


def _deny_bob_policy(actions=("kms:GenerateDataKey", "kms:Decrypt")):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Effect": "Deny", "Principal": {"AWS": BOB}, "Action": list(actions),
         "Resource": "*"}]})


@pytest.fixture
def queue(inv):
    key = inv(kms.create_key, Policy=_deny_bob_policy())["KeyMetadata"]["KeyId"]
    return inv(sqs.create_queue, QueueName="q", Attributes={"KmsMasterKeyId": key})["QueueUrl"]


def _events(inv, name, user):
    return inv.sql("SELECT count(*) FROM events WHERE event_name = ? AND username = ? "
                   "AND invoked_by IS NOT NULL", name, user)[0][0]


def test_denied_principal_cannot_send_on_a_data_key_alice_cached(inv, queue):
    inv(sqs.send_message, QueueUrl=queue, MessageBody="from alice", profile="alice")
    with pytest.raises(err.KmsAccessDenied) as exc:
        inv(sqs.send_message, QueueUrl=queue, MessageBody="from bob", profile="bob")
    assert exc.value.code == "KMS.AccessDeniedException"
    assert "Error Code: AccessDeniedException" in exc.value.message
    # Nothing of bob's was queued.
    assert inv.sql("SELECT count(*) FROM sqs_messages")[0][0] == 1


def test_denied_principal_cannot_receive_what_alice_decrypted(inv, queue):
    inv(sqs.send_message, QueueUrl=queue, MessageBody="secret", profile="alice")
    got = inv(sqs.receive_message, QueueUrl=queue, VisibilityTimeout=0, profile="alice")
    assert got["Messages"][0]["Body"] == "secret"
    with pytest.raises(err.KmsAccessDenied) as exc:
        inv(sqs.receive_message, QueueUrl=queue, profile="bob")
    assert exc.value.code == "KMS.AccessDeniedException"
    # bob's denied receive returned nothing and left the message as it was for alice.
    again = inv(sqs.receive_message, QueueUrl=queue, profile="alice")
    assert again["Messages"][0]["Body"] == "secret"


def test_reuse_is_per_principal_and_counted_separately(inv):
    key = inv(kms.create_key)["KeyMetadata"]["KeyId"]
    url = inv(sqs.create_queue, QueueName="q", Attributes={"KmsMasterKeyId": key})["QueueUrl"]
    for who in ("alice", "carol", "alice", "carol"):
        inv(sqs.send_message, QueueUrl=url, MessageBody=who, profile=who)
    # One GenerateDataKey per producing principal within the reuse period.
    assert _events(inv, "GenerateDataKey", "alice") == 1
    assert _events(inv, "GenerateDataKey", "carol") == 1
    got = inv(sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0,
              profile="dave")["Messages"]
    assert sorted(m["Body"] for m in got) == ["alice", "alice", "carol", "carol"]
    assert _events(inv, "Decrypt", "dave") == 2  # one per data key, for this consumer
    inv(sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0,
        profile="dave")
    assert _events(inv, "Decrypt", "dave") == 2  # fresh for dave
    inv(sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=10, profile="erin")
    assert _events(inv, "Decrypt", "erin") == 2  # erin decrypts for herself
    inv.advance(seconds=301)
    inv(sqs.send_message, QueueUrl=url, MessageBody="later", profile="alice")
    assert _events(inv, "GenerateDataKey", "alice") == 2


def test_deny_added_later_bites_at_once(inv):
    key = inv(kms.create_key)["KeyMetadata"]["KeyId"]
    url = inv(sqs.create_queue, QueueName="q", Attributes={"KmsMasterKeyId": key})["QueueUrl"]
    inv(sqs.send_message, QueueUrl=url, MessageBody="x", profile="bob")
    inv(sqs.receive_message, QueueUrl=url, VisibilityTimeout=0, profile="bob")
    inv(kms.put_key_policy, KeyId=key, PolicyName="default", Policy=_deny_bob_policy())
    # bob's own cached data key still serves within the reuse period, as in AWS (the
    # documented cost of reuse); any other principal's does not.
    inv(sqs.send_message, QueueUrl=url, MessageBody="y", profile="alice")
    with pytest.raises(err.KmsAccessDenied):
        inv(sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=10, profile="bob")


def test_sns_topic_data_key_is_per_publisher(inv):
    key = inv(kms.create_key, Policy=_deny_bob_policy(["kms:GenerateDataKey"]))[
        "KeyMetadata"]["KeyId"]
    topic = inv(sns.create_topic, Name="t", Attributes={"KmsMasterKeyId": key})["TopicArn"]
    inv(sns.publish, TopicArn=topic, Message="from alice", profile="alice")
    with pytest.raises(sns_err.KMSAccessDeniedException):
        inv(sns.publish, TopicArn=topic, Message="from bob", profile="bob")
    inv(sns.publish, TopicArn=topic, Message="again", profile="alice")
    assert _events(inv, "GenerateDataKey", "alice") == 1
