"""FIFO topic message archiving and replay to a subscription."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone

import pytest

from awslocal_cli.errors import AwsError
from awslocal_cli.services import kms, sns, sqs
from tests.services.sns.util import topic_queue

ACCOUNT = "123456789012"


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _bodies(inv, url):
    out = []
    while True:
        got = inv(sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not got:
            return out
        for m in got:
            out.append(json.loads(m["Body"]))
            inv(sqs.delete_message, QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])


def _archived_topic(inv, attributes=None):
    return inv(sns.create_topic, Name="orders.fifo", Attributes={
        "FifoTopic": "true", "ContentBasedDeduplication": "true",
        "ArchivePolicy": json.dumps({"MessageRetentionPeriod": "2"}), **(attributes or {})})[
        "TopicArn"]


def test_replay_redelivers_the_window_in_order(inv):
    topic = _archived_topic(inv)
    attrs = inv(sns.get_topic_attributes, TopicArn=topic)["Attributes"]
    assert attrs["ArchivePolicy"] == json.dumps({"MessageRetentionPeriod": "2"})
    assert attrs["BeginningArchiveTime"] == _iso(inv.now())
    ids = []
    for i in range(4):
        inv.advance(seconds=60)
        ids.append(inv(sns.publish, TopicArn=topic, Message=f"m{i}", MessageGroupId="g",
                       MessageAttributes={"n": {"DataType": "Number",
                                                "StringValue": str(i)}})["MessageId"])
    # A new subscriber replays from the second message on, through its filter policy.
    url, arn = topic_queue(inv, "late.fifo", topic)
    sub = inv(sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={
        "FilterPolicy": json.dumps({"n": [{"numeric": ["<", 3]}]})})["SubscriptionArn"]
    inv(sns.set_subscription_attributes, SubscriptionArn=sub, AttributeName="ReplayPolicy",
        AttributeValue=json.dumps({"PointType": "Timestamp",
                                   "StartingPoint": _iso(inv.now() - 150)}))
    replayed = _bodies(inv, url)
    assert [b["Message"] for b in replayed] == ["m1", "m2"]
    assert [b["MessageId"] for b in replayed] == ids[1:3]
    assert all(b["Replayed"] is True for b in replayed)
    status = inv(sns.get_subscription_attributes, SubscriptionArn=sub)["Attributes"]
    assert status["ReplayStatus"] == "Completed"
    # New messages keep flowing to it as usual.
    inv(sns.publish, TopicArn=topic, Message="m-new", MessageGroupId="g",
        MessageAttributes={"n": {"DataType": "Number", "StringValue": "0"}})
    [fresh] = _bodies(inv, url)
    assert fresh["Message"] == "m-new" and "Replayed" not in fresh


def test_archive_expires_with_its_retention(inv):
    topic = _archived_topic(inv)
    inv(sns.publish, TopicArn=topic, Message="old", MessageGroupId="g")
    inv.advance(days=3)
    inv(sns.publish, TopicArn=topic, Message="recent", MessageGroupId="g")
    begin = inv(sns.get_topic_attributes, TopicArn=topic)["Attributes"]["BeginningArchiveTime"]
    assert begin == _iso(inv.now() - 2 * 86400)
    url, arn = topic_queue(inv, "q.fifo", topic)
    inv(sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={
        "ReplayPolicy": json.dumps({"PointType": "Timestamp", "StartingPoint": begin})})
    assert [b["Message"] for b in _bodies(inv, url)] == ["recent"]
    assert inv.sql("SELECT COUNT(*) FROM sns_archive") == [(1,)]


def test_turning_the_archive_off_drops_it(inv):
    topic = _archived_topic(inv)
    inv(sns.publish, TopicArn=topic, Message="kept", MessageGroupId="g")
    inv(sns.set_topic_attributes, TopicArn=topic, AttributeName="ArchivePolicy",
        AttributeValue="{}")
    assert inv.sql("SELECT COUNT(*) FROM sns_archive") == [(0,)]
    attrs = inv(sns.get_topic_attributes, TopicArn=topic)["Attributes"]
    assert "BeginningArchiveTime" not in attrs


def test_encrypted_archive_is_ciphertext_and_replays(inv):
    key = inv(kms.create_key)["KeyMetadata"]["KeyId"]
    topic = _archived_topic(inv, {"KmsMasterKeyId": key})
    inv(sns.publish, TopicArn=topic, Message="classified payload", MessageGroupId="g")
    db = sqlite3.connect(inv.state_dir / "state.db")
    dump = "\n".join(db.iterdump())
    db.close()
    assert "classified payload" not in dump
    url, arn = topic_queue(inv, "q.fifo", topic)
    inv(sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={
        "ReplayPolicy": json.dumps({"PointType": "Timestamp",
                                    "StartingPoint": _iso(inv.now())})})
    assert [b["Message"] for b in _bodies(inv, url)] == ["classified payload"]


@pytest.mark.parametrize("policy, reason", [
    ({"MessageRetentionPeriod": "0"}, "from 1 to 365"),
    ({"MessageRetentionPeriod": "366"}, "from 1 to 365"),
    ({"MessageRetentionPeriod": "ten"}, "from 1 to 365"),
    ({"Retention": "3"}, "Retention is not a valid field"),
])
def test_archive_policy_validation(inv, policy, reason):
    with pytest.raises(AwsError) as exc:
        _archived_topic(inv, {"ArchivePolicy": json.dumps(policy)})
    assert exc.value.code == "InvalidParameter"
    assert reason in exc.value.message
    with pytest.raises(AwsError) as exc:
        inv(sns.create_topic, Name="std", Attributes={"ArchivePolicy": json.dumps(
            {"MessageRetentionPeriod": "3"})})
    assert exc.value.code == "InvalidParameter"
    assert "only valid for FIFO topics" in exc.value.message


def test_replay_policy_validation(inv):
    plain = inv(sns.create_topic, Name="plain.fifo", Attributes={"FifoTopic": "true"})[
        "TopicArn"]
    sub = inv(sns.subscribe, TopicArn=plain, Protocol="sqs",
              Endpoint=f"arn:aws:sqs:us-east-1:{ACCOUNT}:a.fifo")["SubscriptionArn"]
    policy = {"PointType": "Timestamp", "StartingPoint": _iso(inv.now())}
    with pytest.raises(AwsError) as exc:
        inv(sns.set_subscription_attributes, SubscriptionArn=sub,
            AttributeName="ReplayPolicy", AttributeValue=json.dumps(policy))
    assert exc.value.code == "InvalidParameter"
    assert "no ArchivePolicy" in exc.value.message
    topic = _archived_topic(inv)
    sub = inv(sns.subscribe, TopicArn=topic, Protocol="sqs",
              Endpoint=f"arn:aws:sqs:us-east-1:{ACCOUNT}:b.fifo")["SubscriptionArn"]
    for bad, reason in (
            (dict(policy, PointType="Sequence"), "PointType"),
            ({"PointType": "Timestamp"}, "StartingPoint is required"),
            (dict(policy, StartingPoint=_iso(inv.now() - 86400)), "BeginningArchiveTime"),
            (dict(policy, StartingPoint=_iso(inv.now() + 3600)), "future"),
            (dict(policy, EndingPoint=_iso(inv.now() - 60)), "EndingPoint")):
        with pytest.raises(AwsError) as exc:
            inv(sns.set_subscription_attributes, SubscriptionArn=sub,
                AttributeName="ReplayPolicy", AttributeValue=json.dumps(bad))
        assert exc.value.code == "InvalidParameter"
        assert reason in exc.value.message
