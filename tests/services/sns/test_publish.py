"""Publishing: validation, fan-out to SQS (raw and enveloped), refusals, encrypted topics."""

from __future__ import annotations

import json

import pytest

from awslocal_cli.errors import AwsError
from awslocal_cli.services import kms, sns, sqs
from tests.services.sns.util import topic_queue

ACCOUNT = "123456789012"


def _receive(inv, url):
    return inv(sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=10,
               MessageAttributeNames=["All"]).get("Messages", [])


def test_fan_out_raw_and_enveloped_with_filter(inv):
    topic = inv(sns.create_topic, Name="events")["TopicArn"]
    raw_url, raw_arn = topic_queue(inv, "raw", topic)
    env_url, env_arn = topic_queue(inv, "env", topic)
    inv(sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=raw_arn,
        Attributes={"RawMessageDelivery": "true",
                    "FilterPolicy": json.dumps({"kind": ["order"]})})
    inv(sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=env_arn)
    attrs = {"kind": {"DataType": "String", "StringValue": "order"}}
    out = inv(sns.publish, TopicArn=topic, Message="hello", Subject="Hi",
              MessageAttributes=attrs)
    inv(sns.publish, TopicArn=topic, Message="other",
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "refund"}})
    raw = _receive(inv, raw_url)
    assert [m["Body"] for m in raw] == ["hello"]
    assert raw[0]["MessageAttributes"]["kind"]["StringValue"] == "order"
    env = [json.loads(m["Body"]) for m in _receive(inv, env_url)]
    assert [e["Message"] for e in env] == ["hello", "other"]
    first = env[0]
    assert first["Type"] == "Notification"
    assert first["MessageId"] == out["MessageId"]
    assert first["TopicArn"] == topic
    assert first["Subject"] == "Hi"
    assert first["MessageAttributes"] == {"kind": {"Type": "String", "Value": "order"}}
    assert first["Timestamp"].endswith("Z")


def test_refused_without_queue_policy_is_logged(inv):
    topic = inv(sns.create_topic, Name="events")["TopicArn"]
    url, arn = topic_queue(inv, "closed")
    inv(sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=arn)
    inv(sns.publish, TopicArn=topic, Message="hello")
    assert _receive(inv, url) == []
    status, reason = inv.sql("SELECT status, reason FROM sns_deliveries")[0]
    assert status == "refused"
    assert "queue policy" in reason


def test_refused_when_queue_key_does_not_grant_sns(inv):
    topic = inv(sns.create_topic, Name="events")["TopicArn"]
    url, arn = topic_queue(inv, "sse", topic,
                           attributes={"KmsMasterKeyId": "alias/aws/sqs"})
    inv(sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=arn)
    inv(sns.publish, TopicArn=topic, Message="hello")
    assert _receive(inv, url) == []
    status, reason = inv.sql("SELECT status, reason FROM sns_deliveries")[0]
    assert status == "refused"
    assert "KmsAccessDenied" in reason or "AccessDenied" in reason


def test_queue_key_granting_sns_receives(inv):
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
         "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*"}]}
    key = inv(kms.create_key, Policy=json.dumps(policy))["KeyMetadata"]["KeyId"]
    topic = inv(sns.create_topic, Name="events")["TopicArn"]
    url, arn = topic_queue(inv, "cmk", topic, attributes={"KmsMasterKeyId": key})
    inv(sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=arn,
        Attributes={"RawMessageDelivery": "true"})
    inv(sns.publish, TopicArn=topic, Message="hello")
    assert [m["Body"] for m in _receive(inv, url)] == ["hello"]


def test_raw_delivery_with_more_than_ten_attributes_is_refused(inv):
    topic = inv(sns.create_topic, Name="events")["TopicArn"]
    url, arn = topic_queue(inv, "raw", topic)
    dlq_url, dlq_arn = topic_queue(inv, "dlq", topic)
    inv(sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={
        "RawMessageDelivery": "true",
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn})})
    many = {f"a{i}": {"DataType": "String", "StringValue": "x"} for i in range(11)}
    inv(sns.publish, TopicArn=topic, Message="crowded", MessageAttributes=many)
    assert _receive(inv, url) == []
    [dead] = _receive(inv, dlq_url)
    assert dead["Body"] == "crowded"
    statuses = inv.sql("SELECT status, reason FROM sns_deliveries ORDER BY seq")
    assert statuses[0][0] == "refused" and "10 message attributes" in statuses[0][1]
    assert statuses[1][0] == "dead-lettered"


def test_message_structure_and_validation(inv):
    topic = inv(sns.create_topic, Name="events")["TopicArn"]
    url, arn = topic_queue(inv, "q", topic)
    inv(sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=arn,
        Attributes={"RawMessageDelivery": "true"})
    inv(sns.publish, TopicArn=topic, MessageStructure="json",
        Message=json.dumps({"default": "d", "sqs": "for sqs"}))
    assert [m["Body"] for m in _receive(inv, url)] == ["for sqs"]
    cases = [
        ({"Message": ""}, "Invalid parameter: Empty message"),
        ({"Message": "x" * 262145}, "Invalid parameter: Message too long"),
        ({"Message": '{"sqs": "x"}', "MessageStructure": "json"},
         "Invalid parameter: Message Structure - No default entry in JSON message body"),
        ({"Message": "x", "MessageDeduplicationId": "d"}, None),
    ]
    for request, message in cases:
        with pytest.raises(AwsError) as exc:
            inv(sns.publish, TopicArn=topic, **request)
        if message:
            assert exc.value.message == message
    with pytest.raises(AwsError) as exc:
        inv(sns.publish, TopicArn=topic, Message="x",
            MessageAttributes={"n": {"DataType": "Number", "StringValue": "abc"}})
    assert exc.value.code == "ParameterValueInvalid"


def test_fifo_topic_to_fifo_queue_in_order_with_dedup(inv):
    topic = inv(sns.create_topic, Name="o.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    url, arn = topic_queue(inv, "o.fifo", topic,
                           attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})
    inv(sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=arn,
        Attributes={"RawMessageDelivery": "true"})
    with pytest.raises(AwsError) as exc:
        inv(sns.publish, TopicArn=topic, Message="a", MessageDeduplicationId="1")
    assert exc.value.code == "InvalidParameter"
    first = inv(sns.publish, TopicArn=topic, Message="a", MessageGroupId="g",
                MessageDeduplicationId="1")
    again = inv(sns.publish, TopicArn=topic, Message="a", MessageGroupId="g",
                MessageDeduplicationId="1")
    assert again["MessageId"] == first["MessageId"]
    inv(sns.publish, TopicArn=topic, Message="b", MessageGroupId="g", MessageDeduplicationId="2")
    assert [m["Body"] for m in _receive(inv, url)] == ["a", "b"]


def test_publish_batch(inv):
    topic = inv(sns.create_topic, Name="events")["TopicArn"]
    out = inv(sns.publish_batch, TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": "1", "Message": "ok"}, {"Id": "2", "Message": ""}])
    assert [e["Id"] for e in out["Successful"]] == ["1"]
    assert out["Failed"][0]["Code"] == "InvalidParameter"
    with pytest.raises(AwsError) as exc:
        inv(sns.publish_batch, TopicArn=topic, PublishBatchRequestEntries=[
            {"Id": "1", "Message": "a"}, {"Id": "1", "Message": "b"}])
    assert exc.value.code == "BatchEntryIdsNotDistinct"


@pytest.mark.parametrize("ref", ["id", "arn", "alias", "alias_arn"])
def test_encrypted_topic_key_references(inv, ref):
    key = inv(kms.create_key)["KeyMetadata"]
    inv(kms.create_alias, AliasName="alias/topic", TargetKeyId=key["KeyId"])
    value = {"id": key["KeyId"], "arn": key["Arn"], "alias": "alias/topic",
             "alias_arn": f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/topic"}[ref]
    topic = inv(sns.create_topic, Name="enc", Attributes={"KmsMasterKeyId": value})["TopicArn"]
    inv(sns.publish, TopicArn=topic, Message="secret")
    names = [r[0] for r in inv.sql("SELECT event_name FROM events WHERE "
                                   "event_source = 'kms.amazonaws.com'")]
    assert names.count("GenerateDataKey") == 1
    inv(sns.publish, TopicArn=topic, Message="again")  # data key reused within 5 minutes
    names = [r[0] for r in inv.sql("SELECT event_name FROM events WHERE "
                                   "event_name = 'GenerateDataKey'")]
    assert len(names) == 1


def test_encrypted_topic_errors(inv):
    key = inv(kms.create_key)["KeyMetadata"]
    topic = inv(sns.create_topic, Name="enc",
                Attributes={"KmsMasterKeyId": key["KeyId"]})["TopicArn"]
    inv(kms.disable_key, KeyId=key["KeyId"])
    with pytest.raises(AwsError) as exc:
        inv(sns.publish, TopicArn=topic, Message="x")
    assert exc.value.code == "KMSDisabled"
    with pytest.raises(AwsError) as exc:
        inv(sns.create_topic, Name="bad", Attributes={"KmsMasterKeyId": "alias/none"})
    assert exc.value.code == "InvalidParameter"


def test_managed_sns_key_created_on_first_use(inv):
    topic = inv(sns.create_topic, Name="enc",
                Attributes={"KmsMasterKeyId": "alias/aws/sns"})["TopicArn"]
    inv(sns.publish, TopicArn=topic, Message="x")
    aliases = [a["AliasName"] for a in inv(kms.list_aliases)["Aliases"]]
    assert "alias/aws/sns" in aliases


def test_key_policy_not_granting_publisher_is_kms_access_denied(inv):
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/admin"},
        "Action": "kms:*", "Resource": "*"}]})
    key = inv(kms.create_key, Policy=policy, BypassPolicyLockoutSafetyCheck=True)["KeyMetadata"]
    topic = inv(sns.create_topic, Name="enc",
                Attributes={"KmsMasterKeyId": key["Arn"]})["TopicArn"]
    with pytest.raises(AwsError) as exc:
        inv(sns.publish, TopicArn=topic, Message="x", profile="publisher")
    assert exc.value.code == "KMSAccessDenied"
    assert "kms:GenerateDataKey" in exc.value.message
