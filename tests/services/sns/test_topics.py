"""SNS topics, permissions, tags and subscriptions, through the service layer."""

from __future__ import annotations

import json

import pytest

from awslocal_cli.errors import AwsError
from awslocal_cli.services import sns

ARN = "arn:aws:sns:us-east-1:123456789012:"


def test_create_is_idempotent_and_validated(inv):
    arn = inv(sns.create_topic, Name="events")["TopicArn"]
    assert arn == ARN + "events"
    assert inv(sns.create_topic, Name="events")["TopicArn"] == arn
    with pytest.raises(AwsError) as exc:
        inv(sns.create_topic, Name="events", Attributes={"DisplayName": "other"})
    assert exc.value.code == "InvalidParameter"
    with pytest.raises(AwsError) as exc:
        inv(sns.create_topic, Name="bad name")
    assert exc.value.code == "InvalidParameter"
    assert exc.value.message == "Invalid parameter: Topic Name"
    with pytest.raises(AwsError) as exc:
        inv(sns.create_topic, Name="nofifo", Attributes={"FifoTopic": "true"})


    assert exc.value.code == "InvalidParameter"
def test_fifo_topic_attributes(inv):
    arn = inv(sns.create_topic, Name="orders.fifo",
              Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"})["TopicArn"]
    attrs = inv(sns.get_topic_attributes, TopicArn=arn)["Attributes"]
    assert attrs["FifoTopic"] == "true"
    assert attrs["ContentBasedDeduplication"] == "true"


def test_attributes_and_default_policy(inv):
    arn = inv(sns.create_topic, Name="t")["TopicArn"]
    attrs = inv(sns.get_topic_attributes, TopicArn=arn)["Attributes"]
    assert attrs["Owner"] == "123456789012"
    assert attrs["SubscriptionsConfirmed"] == "0"
    policy = json.loads(attrs["Policy"])
    assert policy["Statement"][0]["Sid"] == "__default_statement_ID"
    inv(sns.set_topic_attributes, TopicArn=arn, AttributeName="DisplayName",
        AttributeValue="Hello")
    assert inv(sns.get_topic_attributes, TopicArn=arn)["Attributes"]["DisplayName"] == "Hello"
    with pytest.raises(AwsError) as exc:
        inv(sns.set_topic_attributes, TopicArn=arn, AttributeName="Nope", AttributeValue="x")
    assert exc.value.message == "Invalid parameter: AttributeName"
    with pytest.raises(AwsError) as exc:
        inv(sns.get_topic_attributes, TopicArn=ARN + "missing")
    assert exc.value.code == "NotFound"


def test_list_topics_paginates(inv):
    for i in range(105):
        inv(sns.create_topic, Name=f"t{i:03d}")
    first = inv(sns.list_topics)
    assert len(first["Topics"]) == 100
    second = inv(sns.list_topics, NextToken=first["NextToken"])
    assert [t["TopicArn"] for t in second["Topics"]][-1] == ARN + "t104"
    assert "NextToken" not in second


def test_delete_topic(inv):
    arn = inv(sns.create_topic, Name="t")["TopicArn"]
    inv(sns.delete_topic, TopicArn=arn)
    assert inv(sns.list_topics)["Topics"] == []
    inv(sns.delete_topic, TopicArn=arn)


def test_permissions_edit_policy(inv):
    arn = inv(sns.create_topic, Name="t")["TopicArn"]
    inv(sns.add_permission, TopicArn=arn, Label="pub", AWSAccountId=["111122223333"],
        ActionName=["Publish"])
    policy = json.loads(inv(sns.get_topic_attributes, TopicArn=arn)["Attributes"]["Policy"])
    assert policy["Statement"][1] == {
        "Sid": "pub", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
        "Action": "SNS:Publish", "Resource": arn}
    with pytest.raises(AwsError) as exc:
        inv(sns.add_permission, TopicArn=arn, Label="pub", AWSAccountId=["111122223333"],
            ActionName=["Publish"])
    assert exc.value.code == "InvalidParameter"
    inv(sns.remove_permission, TopicArn=arn, Label="pub")
    policy = json.loads(inv(sns.get_topic_attributes, TopicArn=arn)["Attributes"]["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["__default_statement_ID"]


def test_tags(inv):
    arn = inv(sns.create_topic, Name="t", Tags=[{"Key": "a", "Value": "1"}])["TopicArn"]
    inv(sns.tag_resource, ResourceArn=arn, Tags=[{"Key": "b", "Value": "2"}])
    inv(sns.untag_resource, ResourceArn=arn, TagKeys=["a"])
    assert inv(sns.list_tags_for_resource, ResourceArn=arn)["Tags"] == [
        {"Key": "b", "Value": "2"}]
    with pytest.raises(AwsError) as exc:
        inv(sns.list_tags_for_resource, ResourceArn=ARN + "missing")
    assert exc.value.code == "ResourceNotFound"


def test_subscriptions_and_confirmation(inv):
    arn = inv(sns.create_topic, Name="t")["TopicArn"]
    sqs_sub = inv(sns.subscribe, TopicArn=arn, Protocol="sqs",
                  Endpoint="arn:aws:sqs:us-east-1:123456789012:q")["SubscriptionArn"]
    assert sqs_sub.startswith(arn + ":")
    assert inv(sns.subscribe, TopicArn=arn, Protocol="email",
               Endpoint="a@example.com")["SubscriptionArn"] == "pending confirmation"
    listed = inv(sns.list_subscriptions_by_topic, TopicArn=arn)["Subscriptions"]
    assert [s["SubscriptionArn"] for s in listed] == [sqs_sub, "PendingConfirmation"]
    attrs = inv(sns.get_topic_attributes, TopicArn=arn)["Attributes"]
    assert (attrs["SubscriptionsConfirmed"], attrs["SubscriptionsPending"]) == ("1", "1")
    token = inv.sql("SELECT token FROM sns_subscriptions WHERE protocol = 'email'")[0][0]
    with pytest.raises(AwsError) as exc:
        inv(sns.confirm_subscription, TopicArn=arn, Token="nope")
    assert exc.value.code == "InvalidParameter"
    confirmed = inv(sns.confirm_subscription, TopicArn=arn, Token=token)["SubscriptionArn"]
    sub_attrs = inv(sns.get_subscription_attributes, SubscriptionArn=confirmed)["Attributes"]
    assert sub_attrs["PendingConfirmation"] == "false"
    inv(sns.set_subscription_attributes, SubscriptionArn=sqs_sub,
        AttributeName="RawMessageDelivery", AttributeValue="true")
    with pytest.raises(AwsError) as exc:
        inv(sns.set_subscription_attributes, SubscriptionArn=confirmed,
            AttributeName="RawMessageDelivery", AttributeValue="true")
    assert exc.value.code == "InvalidParameter"
    with pytest.raises(AwsError) as exc:
        inv(sns.set_subscription_attributes, SubscriptionArn=sqs_sub,
            AttributeName="FilterPolicy", AttributeValue='{"a": "notalist"}')
    assert exc.value.code == "InvalidParameter"
    inv(sns.unsubscribe, SubscriptionArn=sqs_sub)
    assert len(inv(sns.list_subscriptions)["Subscriptions"]) == 1
    with pytest.raises(AwsError) as exc:
        inv(sns.subscribe, TopicArn=arn, Protocol="carrier-pigeon", Endpoint="x")
    assert exc.value.code == "InvalidParameter"


def test_topic_and_subscription_quotas(inv, monkeypatch):
    from awslocal_cli.services.sns import subscriptions, topics

    monkeypatch.setattr(topics, "MAX_FIFO_TOPICS", 2)
    for name in ("a.fifo", "b.fifo"):
        inv(sns.create_topic, Name=name, Attributes={"FifoTopic": "true"})
    with pytest.raises(AwsError) as exc:
        inv(sns.create_topic, Name="c.fifo", Attributes={"FifoTopic": "true"})
    assert exc.value.code == "TopicLimitExceeded"
    # Recreating an existing topic is not a new topic; standard topics count apart.
    inv(sns.create_topic, Name="a.fifo", Attributes={"FifoTopic": "true"})
    inv(sns.create_topic, Name="standard")
    topic = "arn:aws:sns:us-east-1:123456789012:a.fifo"
    for i in range(subscriptions.MAX_FIFO_SUBSCRIPTIONS):
        inv(sns.subscribe, TopicArn=topic, Protocol="sqs",
            Endpoint=f"arn:aws:sqs:us-east-1:123456789012:q{i}.fifo")
    with pytest.raises(AwsError) as exc:
        inv(sns.subscribe, TopicArn=topic, Protocol="sqs",
            Endpoint="arn:aws:sqs:us-east-1:123456789012:one-more.fifo")
    assert exc.value.code == "SubscriptionLimitExceeded"


def test_fifo_topics_take_queues_only(inv):
    fifo = inv(sns.create_topic, Name="t.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    with pytest.raises(AwsError) as exc:
        inv(sns.subscribe, TopicArn=fifo, Protocol="sms", Endpoint="+15555550100")
    assert exc.value.code == "InvalidParameter"
    assert exc.value.message == "Invalid parameter: Invalid protocol type: sms"
    # Standard queues may subscribe to a FIFO topic; FIFO queues not to a standard one.
    inv(sns.subscribe, TopicArn=fifo, Protocol="sqs",
        Endpoint="arn:aws:sqs:us-east-1:123456789012:standard")
    standard = inv(sns.create_topic, Name="std")["TopicArn"]
    with pytest.raises(AwsError) as exc:
        inv(sns.subscribe, TopicArn=standard, Protocol="sqs",
            Endpoint="arn:aws:sqs:us-east-1:123456789012:q.fifo")
    assert exc.value.code == "InvalidParameter"
    assert "FIFO SQS Queues can not be subscribed" in exc.value.message


def test_filter_policy_quota(inv, monkeypatch):
    from awslocal_cli.services.sns import filter as sns_filter

    monkeypatch.setattr(sns_filter, "MAX_POLICIES_PER_TOPIC", 2)
    topic = inv(sns.create_topic, Name="filtered")["TopicArn"]
    policy = json.dumps({"color": ["red"]})
    subs = [inv(sns.subscribe, TopicArn=topic, Protocol="sqs",
                Endpoint=f"arn:aws:sqs:us-east-1:123456789012:q{i}",
                Attributes={"FilterPolicy": policy})["SubscriptionArn"] for i in range(2)]
    with pytest.raises(AwsError) as exc:
        inv(sns.subscribe, TopicArn=topic, Protocol="sqs",
            Endpoint="arn:aws:sqs:us-east-1:123456789012:q2", Attributes={"FilterPolicy": policy})
    assert exc.value.code == "FilterPolicyLimitExceeded"
    # Changing a policy a subscription already has is not a new one.
    inv(sns.set_subscription_attributes, SubscriptionArn=subs[0], AttributeName="FilterPolicy",
        AttributeValue=json.dumps({"color": ["blue"]}))
    plain = inv(sns.subscribe, TopicArn=topic, Protocol="sqs",
                Endpoint="arn:aws:sqs:us-east-1:123456789012:q3")["SubscriptionArn"]
    with pytest.raises(AwsError) as exc:
        inv(sns.set_subscription_attributes, SubscriptionArn=plain,
            AttributeName="FilterPolicy", AttributeValue=policy)
    assert exc.value.code == "FilterPolicyLimitExceeded"
    inv(sns.set_subscription_attributes, SubscriptionArn=subs[1], AttributeName="FilterPolicy",
        AttributeValue="")
    inv(sns.set_subscription_attributes, SubscriptionArn=plain, AttributeName="FilterPolicy",
        AttributeValue=policy)


@pytest.mark.parametrize("empty", ["{}", " { } "])
def test_an_empty_filter_policy_removes_the_policy(inv, empty):
    from awslocal_cli.services import sqs
    from tests.services.sns.util import topic_queue

    topic = inv(sns.create_topic, Name="unfiltered")["TopicArn"]
    url, arn = topic_queue(inv, "q", topic)
    sub = inv(sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=arn,
              Attributes={"FilterPolicy": json.dumps({"color": ["red"]}),
                          "FilterPolicyScope": "MessageBody",
                          "RawMessageDelivery": "true"})["SubscriptionArn"]
    inv(sns.publish, TopicArn=topic, Message=json.dumps({"color": "blue"}))
    assert inv(sqs.receive_message, QueueUrl=url) == {}
    assert inv(sns.set_subscription_attributes, SubscriptionArn=sub,
               AttributeName="FilterPolicy", AttributeValue=empty) == {}
    attrs = inv(sns.get_subscription_attributes, SubscriptionArn=sub)["Attributes"]
    assert "FilterPolicy" not in attrs and "FilterPolicyScope" not in attrs
    inv(sns.publish, TopicArn=topic, Message="not even JSON")
    assert [m["Body"] for m in inv(sqs.receive_message, QueueUrl=url)["Messages"]] == [
        "not even JSON"]


def test_filter_policy_error_wording_by_operation(inv):
    topic = inv(sns.create_topic, Name="words")["TopicArn"]
    bad = json.dumps({"color": []})
    with pytest.raises(AwsError) as exc:
        inv(sns.subscribe, TopicArn=topic, Protocol="sqs",
            Endpoint="arn:aws:sqs:us-east-1:123456789012:q", Attributes={"FilterPolicy": bad})
    assert exc.value.code == "InvalidParameter"
    assert exc.value.message.startswith("Invalid parameter: Attributes Reason: FilterPolicy: ")
    sub = inv(sns.subscribe, TopicArn=topic, Protocol="sqs",
              Endpoint="arn:aws:sqs:us-east-1:123456789012:q")["SubscriptionArn"]
    with pytest.raises(AwsError) as exc:
        inv(sns.set_subscription_attributes, SubscriptionArn=sub, AttributeName="FilterPolicy",
            AttributeValue=bad)
    assert exc.value.code == "InvalidParameter"
    assert exc.value.message.startswith("Invalid parameter: FilterPolicy: ")


def test_confirmation_tokens_last_two_days(inv):
    from awslocal_cli.services import sns

    topic = inv(sns.create_topic, Name="confirm")["TopicArn"]
    inv(sns.subscribe, TopicArn=topic, Protocol="email", Endpoint="me@example.com")
    [first] = inv.sql("SELECT token FROM sns_subscriptions")
    inv.advance(days=2)
    with pytest.raises(AwsError) as exc:
        inv(sns.confirm_subscription, TopicArn=topic, Token=first[0])
    assert exc.value.code == "InvalidParameter"
    assert exc.value.message == "Invalid parameter: Token"
    # Subscribing again sends a new confirmation with a fresh token, which works.
    again = inv(sns.subscribe, TopicArn=topic, Protocol="email", Endpoint="me@example.com")
    assert again == {"SubscriptionArn": "pending confirmation"}
    [second] = inv.sql("SELECT token FROM sns_subscriptions")
    assert second != first
    assert len(inv(sns.outbox, protocol="email")["Messages"]) == 2
    arn = inv(sns.confirm_subscription, TopicArn=topic, Token=second[0])["SubscriptionArn"]
    # Confirming twice answers the same subscription, even after the token's two days.
    inv.advance(days=3)
    assert inv(sns.confirm_subscription, TopicArn=topic, Token=second[0])[
        "SubscriptionArn"] == arn
