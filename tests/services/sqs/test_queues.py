"""SQS queues: create/get/list/delete, attributes, tags, permissions, purge."""

from __future__ import annotations

import json

import pytest

from awslocal_cli.errors import sqs as err
from awslocal_cli.services import sqs

URL = "https://sqs.us-east-1.amazonaws.com/123456789012/"


def test_create_is_idempotent_and_conflicts(inv):
    url = inv(sqs.create_queue, QueueName="q", Attributes={"VisibilityTimeout": "60"})["QueueUrl"]
    assert url == URL + "q"
    assert inv(sqs.create_queue, QueueName="q",
               Attributes={"VisibilityTimeout": "60"})["QueueUrl"] == url
    with pytest.raises(err.QueueNameExists) as exc:
        inv(sqs.create_queue, QueueName="q")
    assert exc.value.code == "QueueAlreadyExists"
    assert "VisibilityTimeout" in exc.value.message


def test_default_attributes(inv):
    url = inv(sqs.create_queue, QueueName="q")["QueueUrl"]
    attrs = inv(sqs.get_queue_attributes, QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["QueueArn"] == "arn:aws:sqs:us-east-1:123456789012:q"
    assert attrs["MaximumMessageSize"] == "1048576"
    assert attrs["VisibilityTimeout"] == "30"
    assert attrs["MessageRetentionPeriod"] == "345600"
    assert attrs["SqsManagedSseEnabled"] == "true"
    assert "KmsMasterKeyId" not in attrs
    one = inv(sqs.get_queue_attributes, QueueUrl=url, AttributeNames=["DelaySeconds"])
    assert one == {"Attributes": {"DelaySeconds": "0"}}


@pytest.mark.parametrize("name,value", [
    ("VisibilityTimeout", "43201"), ("DelaySeconds", "-1"), ("MaximumMessageSize", "1023"),
    ("MessageRetentionPeriod", "59"), ("ReceiveMessageWaitTimeSeconds", "21"),
    ("KmsDataKeyReusePeriodSeconds", "59"), ("KmsDataKeyReusePeriodSeconds", "86401"),
    ("SqsManagedSseEnabled", "maybe"), ("Policy", "not json"),
])
def test_invalid_attribute_values(inv, name, value):
    with pytest.raises(err.InvalidAttributeValue) as exc:
        inv(sqs.create_queue, QueueName="q", Attributes={name: value})
    assert exc.value.message == f"Invalid value for the parameter {name}."


def test_invalid_attribute_names(inv):
    with pytest.raises(err.InvalidAttributeName, match=r"Unknown Attribute Nope\."):
        inv(sqs.create_queue, QueueName="q", Attributes={"Nope": "1"})
    with pytest.raises(err.InvalidAttributeName):
        inv(sqs.create_queue, QueueName="q", Attributes={"ContentBasedDeduplication": "true"})
    url = inv(sqs.create_queue, QueueName="q")["QueueUrl"]
    with pytest.raises(err.InvalidAttributeName):
        inv(sqs.get_queue_attributes, QueueUrl=url, AttributeNames=["Bogus"])
    with pytest.raises(err.InvalidAttributeName):
        inv(sqs.set_queue_attributes, QueueUrl=url, Attributes={"QueueArn": "x"})


def test_both_sse_kinds_at_once_is_invalid(inv):
    with pytest.raises(err.InvalidAttributeValue):
        inv(sqs.create_queue, QueueName="q",
            Attributes={"KmsMasterKeyId": "alias/aws/sqs", "SqsManagedSseEnabled": "true"})


def test_names(inv):
    with pytest.raises(err.InvalidParameterValue):
        inv(sqs.create_queue, QueueName="bad name")
    with pytest.raises(err.InvalidParameterValue):
        inv(sqs.create_queue, QueueName="x" * 81)
    with pytest.raises(err.InvalidParameterValue):
        inv(sqs.create_queue, QueueName="f.fifo")
    with pytest.raises(err.InvalidParameterValue):
        inv(sqs.create_queue, QueueName="f", Attributes={"FifoQueue": "true"})
    url = inv(sqs.create_queue, QueueName="f.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    attrs = inv(sqs.get_queue_attributes, QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["FifoQueue"] == "true"
    assert attrs["DeduplicationScope"] == "queue"
    assert attrs["FifoThroughputLimit"] == "perQueue"


def test_urls_of_other_endpoints(inv):
    inv(sqs.create_queue, QueueName="q")
    for url in ("https://queue.amazonaws.com/123456789012/q",
                "http://localhost:4566/123456789012/q",
                "https://us-east-1.queue.amazonaws.com/123456789012/q"):
        assert "Attributes" in inv(sqs.get_queue_attributes, QueueUrl=url,
                                   AttributeNames=["QueueArn"])
    with pytest.raises(err.QueueDoesNotExist) as exc:
        inv(sqs.get_queue_attributes, QueueUrl=URL + "missing")
    assert exc.value.code == "AWS.SimpleQueueService.NonExistentQueue"
    with pytest.raises(err.InvalidAddress):
        inv(sqs.get_queue_attributes, QueueUrl="ftp://localhost/123456789012/q")


def test_a_bare_name_is_the_callers_queue_in_its_region(inv):
    inv(sqs.create_queue, QueueName="q")
    inv(sqs.create_queue, QueueName="q", region="eu-west-1",
        Attributes={"DelaySeconds": "5"})
    assert inv(sqs.get_queue_attributes, QueueUrl="q", AttributeNames=["QueueArn"]) == {
        "Attributes": {"QueueArn": "arn:aws:sqs:us-east-1:123456789012:q"}}
    assert inv(sqs.get_queue_attributes, QueueUrl="q", region="eu-west-1",
               AttributeNames=["DelaySeconds"]) == {"Attributes": {"DelaySeconds": "5"}}
    with pytest.raises(err.QueueDoesNotExist):
        inv(sqs.get_queue_attributes, QueueUrl="other")


@pytest.mark.parametrize("url", ["http://whatever-incorrect-queue-address",
                                 "https://sqs.us-east-1.amazonaws.com/",
                                 "https://sqs.us-east-1.amazonaws.com/q", ""])
def test_an_url_naming_no_queue_is_a_missing_queue(inv, url):
    with pytest.raises(err.QueueDoesNotExist) as exc:
        inv(sqs.get_queue_attributes, QueueUrl=url)
    assert exc.value.code == "AWS.SimpleQueueService.NonExistentQueue"
    assert exc.value.message == "The specified queue does not exist."


def test_regions_are_separate(inv):
    inv(sqs.create_queue, QueueName="q", region="eu-west-1")
    with pytest.raises(err.QueueDoesNotExist):
        inv(sqs.get_queue_url, QueueName="q")
    assert inv(sqs.get_queue_url, QueueName="q", region="eu-west-1")["QueueUrl"] == \
        "https://sqs.eu-west-1.amazonaws.com/123456789012/q"


def test_list_queues_prefix_and_pages(inv):
    for name in ("a1", "a2", "a3", "b1"):
        inv(sqs.create_queue, QueueName=name)
    assert len(inv(sqs.list_queues)["QueueUrls"]) == 4
    assert inv(sqs.list_queues, QueueNamePrefix="a")["QueueUrls"] == [URL + "a1", URL + "a2",
                                                                     URL + "a3"]
    page = inv(sqs.list_queues, MaxResults=3)
    assert len(page["QueueUrls"]) == 3 and page["NextToken"]
    rest = inv(sqs.list_queues, MaxResults=3, NextToken=page["NextToken"])
    assert rest == {"QueueUrls": [URL + "b1"]}
    assert inv(sqs.list_queues, QueueNamePrefix="zz") == {}


def test_delete_and_deleted_recently(inv):
    url = inv(sqs.create_queue, QueueName="q")["QueueUrl"]
    inv(sqs.delete_queue, QueueUrl=url)
    with pytest.raises(err.QueueDeletedRecently) as exc:
        inv(sqs.create_queue, QueueName="q")
    assert exc.value.code == "AWS.SimpleQueueService.QueueDeletedRecently"
    inv.advance(seconds=61)
    inv(sqs.create_queue, QueueName="q")


def test_purge_once_per_minute(inv):
    url = inv(sqs.create_queue, QueueName="q")["QueueUrl"]
    inv(sqs.send_message, QueueUrl=url, MessageBody="x")
    inv(sqs.purge_queue, QueueUrl=url)
    assert inv(sqs.receive_message, QueueUrl=url) == {}
    with pytest.raises(err.PurgeQueueInProgress, match="Only one PurgeQueue operation on q"):
        inv(sqs.purge_queue, QueueUrl=url)
    inv.advance(seconds=60)
    inv(sqs.purge_queue, QueueUrl=url)


def test_tags(inv):
    url = inv(sqs.create_queue, QueueName="q", tags={"team": "a"})["QueueUrl"]
    inv(sqs.tag_queue, QueueUrl=url, Tags={"env": "dev"})
    assert inv(sqs.list_queue_tags, QueueUrl=url) == {"Tags": {"team": "a", "env": "dev"}}
    inv(sqs.untag_queue, QueueUrl=url, TagKeys=["team", "absent"])
    assert inv(sqs.list_queue_tags, QueueUrl=url) == {"Tags": {"env": "dev"}}
    inv(sqs.untag_queue, QueueUrl=url, TagKeys=["env"])
    assert inv(sqs.list_queue_tags, QueueUrl=url) == {}


def test_permissions_edit_policy(inv):
    url = inv(sqs.create_queue, QueueName="q")["QueueUrl"]
    inv(sqs.add_permission, QueueUrl=url, Label="l1", AWSAccountIds=["111122223333"],
        Actions=["SendMessage"])
    inv(sqs.add_permission, QueueUrl=url, Label="l2", AWSAccountIds=["111122223333"],
        Actions=["ReceiveMessage", "DeleteMessage"])
    with pytest.raises(err.InvalidParameterValue):
        inv(sqs.add_permission, QueueUrl=url, Label="l1", AWSAccountIds=["1"], Actions=["*"])
    policy = json.loads(inv(sqs.get_queue_attributes, QueueUrl=url,
                            AttributeNames=["Policy"])["Attributes"]["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["l1", "l2"]
    assert policy["Statement"][0]["Action"] == "SQS:SendMessage"
    assert policy["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}
    inv(sqs.remove_permission, QueueUrl=url, Label="l1")
    inv(sqs.remove_permission, QueueUrl=url, Label="l2")
    assert inv(sqs.get_queue_attributes, QueueUrl=url, AttributeNames=["Policy"]) == {}
    with pytest.raises(err.InvalidParameterValue):
        inv(sqs.remove_permission, QueueUrl=url, Label="l1")


def test_add_permission_takes_seven_actions_at_most(inv):
    url = inv(sqs.create_queue, QueueName="q")["QueueUrl"]
    seven = ["SendMessage", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility",
             "GetQueueAttributes", "GetQueueUrl", "PurgeQueue"]
    inv(sqs.add_permission, QueueUrl=url, Label="seven", AWSAccountIds=["111122223333"],
        Actions=seven)
    with pytest.raises(err.OverLimit) as exc:
        inv(sqs.add_permission, QueueUrl=url, Label="eight", AWSAccountIds=["111122223333"],
            Actions=[*seven, "ListQueueTags"])
    assert (exc.value.code, exc.value.message) == (
        "OverLimit", "8 Actions were found, maximum allowed is 7.")
    policy = json.loads(inv(sqs.get_queue_attributes, QueueUrl=url,
                            AttributeNames=["Policy"])["Attributes"]["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["seven"]


def test_counts(inv):
    url = inv(sqs.create_queue, QueueName="q")["QueueUrl"]
    inv(sqs.send_message, QueueUrl=url, MessageBody="a")
    inv(sqs.send_message, QueueUrl=url, MessageBody="b")
    inv(sqs.send_message, QueueUrl=url, MessageBody="c", DelaySeconds=10)
    inv(sqs.receive_message, QueueUrl=url)
    attrs = inv(sqs.get_queue_attributes, QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert (attrs["ApproximateNumberOfMessages"], attrs["ApproximateNumberOfMessagesNotVisible"],
            attrs["ApproximateNumberOfMessagesDelayed"]) == ("1", "1", "1")
