"""SQS behaviour pinned against responses recorded from AWS (issue 11)."""

from __future__ import annotations

import json

import pytest

from awslocal_cli.errors import sqs as err
from awslocal_cli.services import sqs


def _fifo(inv, name="f.fifo", **attrs):
    return inv(sqs.create_queue, QueueName=name,
               Attributes={"FifoQueue": "true", **attrs})["QueueUrl"]


# -- regions are partitions on the data path ---------------------------------------------------


@pytest.mark.parametrize("call", [
    lambda inv, url: inv(sqs.send_message, QueueUrl=url, MessageBody="x", region="eu-west-1"),
    lambda inv, url: inv(sqs.receive_message, QueueUrl=url, region="eu-west-1"),
    lambda inv, url: inv(sqs.send_message_batch, QueueUrl=url, region="eu-west-1",
                         Entries=[{"Id": "a", "MessageBody": "x"}]),
    lambda inv, url: inv(sqs.get_queue_attributes, QueueUrl=url, AttributeNames=["All"],
                         region="eu-west-1"),
    lambda inv, url: inv(sqs.set_queue_attributes, QueueUrl=url, region="eu-west-1",
                         Attributes={"DelaySeconds": "1"}),
    lambda inv, url: inv(sqs.purge_queue, QueueUrl=url, region="eu-west-1"),
    lambda inv, url: inv(sqs.delete_queue, QueueUrl=url, region="eu-west-1"),
    lambda inv, url: inv(sqs.tag_queue, QueueUrl=url, Tags={"a": "b"}, region="eu-west-1"),
    lambda inv, url: inv(sqs.list_queue_tags, QueueUrl=url, region="eu-west-1"),
], ids=["send", "receive", "send-batch", "get-attributes", "set-attributes", "purge", "delete",
        "tag", "list-tags"])
def test_a_queue_url_of_another_region_names_no_queue(inv, call):
    url = inv(sqs.create_queue, QueueName="q")["QueueUrl"]
    assert ".us-east-1." in url
    with pytest.raises(err.QueueDoesNotExist) as exc:
        call(inv, url)
    assert exc.value.code == "AWS.SimpleQueueService.NonExistentQueue"
    # Nothing reached the us-east-1 queue.
    attrs = inv(sqs.get_queue_attributes, QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["ApproximateNumberOfMessages"] == "0"
    assert attrs["DelaySeconds"] == "0"


def test_a_region_less_url_is_read_in_the_callers_region(inv):
    inv(sqs.create_queue, QueueName="q", region="eu-west-1")
    local = "http://localhost:4566/123456789012/q"
    inv(sqs.send_message, QueueUrl=local, MessageBody="x", region="eu-west-1")
    with pytest.raises(err.QueueDoesNotExist):
        inv(sqs.send_message, QueueUrl=local, MessageBody="x")


def test_dead_letter_targets_and_move_tasks_stay_in_their_region(inv):
    dlq_url = inv(sqs.create_queue, QueueName="dlq")["QueueUrl"]
    dlq_arn = inv(sqs.get_queue_attributes, QueueUrl=dlq_url,
                  AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "2"})
    with pytest.raises(err.InvalidParameterValue, match=r"Dead-letter target does not exist\."):
        inv(sqs.create_queue, QueueName="src", Attributes={"RedrivePolicy": policy},
            region="eu-west-1")
    inv(sqs.create_queue, QueueName="src", Attributes={"RedrivePolicy": policy})
    with pytest.raises(err.ResourceNotFoundException, match="SourceArn"):
        inv(sqs.start_message_move_task, SourceArn=dlq_arn, region="eu-west-1")
    with pytest.raises(err.ResourceNotFoundException, match="SourceArn"):
        inv(sqs.list_message_move_tasks, SourceArn=dlq_arn, region="eu-west-1")
    assert inv(sqs.start_message_move_task, SourceArn=dlq_arn)["TaskHandle"]


# -- FIFO batches, queue type attributes --------------------------------------------------------


def test_fifo_batch_without_group_or_dedup_fails_the_whole_request(inv):
    url = _fifo(inv)
    good = {"Id": "ok", "MessageBody": "a", "MessageGroupId": "g",
            "MessageDeduplicationId": "d1"}
    with pytest.raises(err.InvalidParameterValue) as exc:
        inv(sqs.send_message_batch, QueueUrl=url,
            Entries=[good, {"Id": "b", "MessageBody": "b", "MessageGroupId": "g"}])
    assert exc.value.code == "InvalidParameterValue"
    assert exc.value.message == ("The queue should either have ContentBasedDeduplication "
                                 "enabled or MessageDeduplicationId provided explicitly")
    with pytest.raises(err.InvalidParameterValue) as exc:
        inv(sqs.send_message_batch, QueueUrl=url,
            Entries=[good, {"Id": "b", "MessageBody": "b", "MessageDeduplicationId": "d2"}])
    assert exc.value.message == "The request must contain the parameter MessageGroupId."
    # Nothing was sent, not even the good entry.
    assert inv(sqs.receive_message, QueueUrl=url) == {}
    # With content-based deduplication an entry needs only its group.
    cbd = _fifo(inv, "c.fifo", ContentBasedDeduplication="true")
    out = inv(sqs.send_message_batch, QueueUrl=cbd,
              Entries=[{"Id": "b", "MessageBody": "b", "MessageGroupId": "g"}])
    assert [e["Id"] for e in out["Successful"]] == ["b"]


def test_fifo_attributes_on_a_standard_queue(inv):
    with pytest.raises(err.InvalidAttributeName) as exc:
        inv(sqs.create_queue, QueueName="q", Attributes={"FifoQueue": "false"})
    assert exc.value.message == "Unknown Attribute FifoQueue."
    for name, value in (("DeduplicationScope", "queue"), ("FifoThroughputLimit", "perQueue")):
        with pytest.raises(err.InvalidAttributeName) as exc:
            inv(sqs.create_queue, QueueName="q", Attributes={name: value})
        assert exc.value.message == f"You can specify the {name} only when FifoQueue is set " \
                                    "to true."
    url = inv(sqs.create_queue, QueueName="q")["QueueUrl"]
    with pytest.raises(err.InvalidAttributeName) as exc:
        inv(sqs.set_queue_attributes, QueueUrl=url, Attributes={"DeduplicationScope": "queue"})
    assert exc.value.message.startswith("You can specify the DeduplicationScope only when")
    for value in ("true", "false"):
        with pytest.raises(err.InvalidAttributeName) as exc:
            inv(sqs.set_queue_attributes, QueueUrl=url, Attributes={"FifoQueue": value})
        assert exc.value.message == "Unknown Attribute FifoQueue."
    with pytest.raises(err.InvalidAttributeName) as exc:
        inv(sqs.create_queue, QueueName="q2", Attributes={"ContentBasedDeduplication": "false"})
    assert exc.value.message == "Unknown Attribute ContentBasedDeduplication."


def test_set_fifo_queue_true_is_a_no_op_and_false_is_refused(inv):
    url = _fifo(inv)
    before = inv(sqs.get_queue_attributes, QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert inv(sqs.set_queue_attributes, QueueUrl=url, Attributes={"FifoQueue": "true"}) == {}
    after = inv(sqs.get_queue_attributes, QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert after["FifoQueue"] == "true"
    assert {k: v for k, v in after.items() if k != "LastModifiedTimestamp"} == \
        {k: v for k, v in before.items() if k != "LastModifiedTimestamp"}
    with pytest.raises(err.InvalidAttributeValue) as exc:
        inv(sqs.set_queue_attributes, QueueUrl=url, Attributes={"FifoQueue": "false"})
    assert exc.value.message == ("Invalid value for the parameter FifoQueue. Reason: "
                                 "Modifying queue type is not supported.")


# -- receipt handles and visibility -------------------------------------------------------------


def test_delete_with_an_expired_fifo_handle(inv):
    url = _fifo(inv, VisibilityTimeout="10")
    inv(sqs.send_message, QueueUrl=url, MessageBody="a", MessageGroupId="g",
        MessageDeduplicationId="1")
    handle = inv(sqs.receive_message, QueueUrl=url)["Messages"][0]["ReceiptHandle"]
    inv.advance(seconds=11)
    with pytest.raises(err.InvalidParameterValue) as exc:
        inv(sqs.delete_message, QueueUrl=url, ReceiptHandle=handle)
    assert exc.value.message == (f"Value {handle} for parameter ReceiptHandle is invalid. "
                                 "Reason: The receipt handle has expired.")
    # The message is still there.
    assert inv(sqs.receive_message, QueueUrl=url)["Messages"][0]["Body"] == "a"


def test_change_visibility_of_an_expired_standard_message_succeeds(inv):
    url = inv(sqs.create_queue, QueueName="q", Attributes={"VisibilityTimeout": "10"})["QueueUrl"]
    inv(sqs.send_message, QueueUrl=url, MessageBody="a")
    handle = inv(sqs.receive_message, QueueUrl=url)["Messages"][0]["ReceiptHandle"]
    inv.advance(seconds=11)
    assert inv(sqs.change_message_visibility, QueueUrl=url, ReceiptHandle=handle,
               VisibilityTimeout=100) == {}
    assert inv(sqs.receive_message, QueueUrl=url) == {}  # hidden again
    inv.advance(seconds=101)
    assert inv(sqs.receive_message, QueueUrl=url)["Messages"][0]["Body"] == "a"


def test_change_visibility_of_an_expired_fifo_message_is_not_inflight(inv):
    url = _fifo(inv, VisibilityTimeout="10")
    inv(sqs.send_message, QueueUrl=url, MessageBody="a", MessageGroupId="g",
        MessageDeduplicationId="1")
    handle = inv(sqs.receive_message, QueueUrl=url)["Messages"][0]["ReceiptHandle"]
    inv.advance(seconds=11)
    with pytest.raises(err.MessageNotInflight):
        inv(sqs.change_message_visibility, QueueUrl=url, ReceiptHandle=handle,
            VisibilityTimeout=100)


def test_delay_seconds_zero_on_fifo_is_accepted(inv):
    url = _fifo(inv)
    out = inv(sqs.send_message, QueueUrl=url, MessageBody="a", MessageGroupId="g",
              MessageDeduplicationId="1", DelaySeconds=0)
    assert out["SequenceNumber"]
    assert inv(sqs.receive_message, QueueUrl=url)["Messages"][0]["Body"] == "a"
    with pytest.raises(err.InvalidParameterValue, match="DelaySeconds"):
        inv(sqs.send_message, QueueUrl=url, MessageBody="b", MessageGroupId="g",
            MessageDeduplicationId="2", DelaySeconds=5)


# -- message attributes --------------------------------------------------------------------------


ATTRS = {
    "Hello": {"DataType": "String", "StringValue": "w"},
    "Help": {"DataType": "Number", "StringValue": "1"},
    "Other": {"DataType": "String", "StringValue": "o"},
}


@pytest.mark.parametrize(("names", "expected"), [
    (["*"], {"Hello", "Help", "Other"}),
    (["All"], {"Hello", "Help", "Other"}),
    ([".*"], {"Hello", "Help", "Other"}),
    (["Hel.*"], {"Hello", "Help"}),
    (["Hello.*"], {"Hello"}),
    (["Other"], {"Other"}),
    (["Nope.*"], set()),
])
def test_receive_attribute_names_and_prefixes(inv, names, expected):
    url = inv(sqs.create_queue, QueueName="q")["QueueUrl"]
    inv(sqs.send_message, QueueUrl=url, MessageBody="a", MessageAttributes=ATTRS)
    got = inv(sqs.receive_message, QueueUrl=url, MessageAttributeNames=names)["Messages"][0]
    assert set(got.get("MessageAttributes", {})) == expected
    if expected:
        from awslocal_cli.services.sqs.md5 import md5_of_attributes

        assert got["MD5OfMessageAttributes"] == md5_of_attributes(
            {k: ATTRS[k] for k in expected})
    else:
        assert "MD5OfMessageAttributes" not in got


def test_empty_string_attribute_and_batch_entry_wording(inv):
    url = inv(sqs.create_queue, QueueName="q")["QueueUrl"]
    empty = {"X": {"DataType": "String", "StringValue": ""}}
    with pytest.raises(err.InvalidParameterValue) as exc:
        inv(sqs.send_message, QueueUrl=url, MessageBody="a", MessageAttributes=empty)
    assert exc.value.message == ("Message (user) attribute 'X' must contain a non-empty value "
                                 "of type 'String'.")
    big = "x" * 1048577
    out = inv(sqs.send_message_batch, QueueUrl=url, Entries=[
        {"Id": "e", "MessageBody": "a", "MessageAttributes": empty},
        {"Id": "ok", "MessageBody": "b"},
    ])
    assert [e["Id"] for e in out["Successful"]] == ["ok"]
    assert [(f["Id"], f["Code"], f["SenderFault"]) for f in out["Failed"]] == [
        ("e", "InvalidParameterValue", True)]
    assert out["Failed"][0]["Message"].endswith(
        "Message (user) attribute 'X' must contain a non-empty value of type 'String'.")
    inv(sqs.set_queue_attributes, QueueUrl=url, Attributes={"MaximumMessageSize": "1024"})
    out = inv(sqs.send_message_batch, QueueUrl=url, Entries=[
        {"Id": "big", "MessageBody": big[:2000]}])
    assert out["Failed"][0]["Message"] == ("One or more parameters cannot be validated. "
                                           "Reason: Message must be shorter than 1024 bytes.")
