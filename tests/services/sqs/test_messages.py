"""SQS messages: send, receive, visibility, MD5s, batches, FIFO, dead-letter queues, moves."""

from __future__ import annotations

import hashlib
import json
import struct

import pytest

from awslocal_cli.errors import sqs as err
from awslocal_cli.services import sqs


@pytest.fixture
def url(inv):
    return inv(sqs.create_queue, QueueName="q")["QueueUrl"]


def _fifo(inv, name="f.fifo", **attrs):
    return inv(sqs.create_queue, QueueName=name,
               Attributes={"FifoQueue": "true", **attrs})["QueueUrl"]


def _independent_md5(attributes):
    """The SQS developer guide's algorithm, written out again (as the AWS SDKs check it)."""
    buf = b""
    for name in sorted(attributes):
        value = attributes[name]
        for part in (name.encode(), value["DataType"].encode()):
            buf += struct.pack("!I", len(part)) + part
        if "BinaryValue" in value:
            buf += b"\x02" + struct.pack("!I", len(value["BinaryValue"])) + value["BinaryValue"]
        else:
            v = value["StringValue"].encode()
            buf += b"\x01" + struct.pack("!I", len(v)) + v
    return hashlib.md5(buf).hexdigest()


ATTRS = {
    "s": {"DataType": "String", "StringValue": "héllo ✓"},
    "n": {"DataType": "Number.int", "StringValue": "12.5"},
    "b": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xff"},
}


def test_md5s_match_aws_algorithm(inv, url):
    sent = inv(sqs.send_message, QueueUrl=url, MessageBody="body ✓", MessageAttributes=ATTRS,
               MessageSystemAttributes={"AWSTraceHeader": {"DataType": "String",
                                                           "StringValue": "Root=1-abc"}})
    assert sent["MD5OfMessageBody"] == hashlib.md5("body ✓".encode()).hexdigest()
    assert sent["MD5OfMessageAttributes"] == _independent_md5(ATTRS)
    assert sent["MD5OfMessageSystemAttributes"] == _independent_md5(
        {"AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-abc"}})
    # A vector computed by moto's implementation of the same algorithm.
    single = inv(sqs.send_message, QueueUrl=url, MessageBody="hello",
                 MessageAttributes={"a": {"DataType": "String", "StringValue": "x"}})
    assert single["MD5OfMessageAttributes"] == "a512aac9938034acb0b3c3d965944bf1"
    got = inv(sqs.receive_message, QueueUrl=url, MessageAttributeNames=["All"],
              AttributeNames=["All"])["Messages"][0]
    assert got["MD5OfBody"] == sent["MD5OfMessageBody"]
    assert got["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    assert got["MessageAttributes"] == ATTRS
    assert got["Attributes"]["AWSTraceHeader"] == "Root=1-abc"


def test_message_attribute_name_selection(inv, url):
    attrs = {"a.x": {"DataType": "String", "StringValue": "1"},
             "a.y": {"DataType": "String", "StringValue": "2"},
             "b": {"DataType": "String", "StringValue": "3"}}
    inv(sqs.send_message, QueueUrl=url, MessageBody="m", MessageAttributes=attrs)
    got = inv(sqs.receive_message, QueueUrl=url, MessageAttributeNames=["a.*"],
              VisibilityTimeout=0)["Messages"][0]
    assert set(got["MessageAttributes"]) == {"a.x", "a.y"}
    assert got["MD5OfMessageAttributes"] == _independent_md5(
        {k: attrs[k] for k in ("a.x", "a.y")})
    got = inv(sqs.receive_message, QueueUrl=url, MessageAttributeNames=["b"])["Messages"][0]
    assert set(got["MessageAttributes"]) == {"b"}


@pytest.mark.parametrize("body,error", [
    ("", err.MissingParameter), ("bad \x01 char", err.InvalidMessageContents),
    ("x" * 1048577, err.InvalidParameterValue),
])
def test_body_validation(inv, url, body, error):
    with pytest.raises(error):
        inv(sqs.send_message, QueueUrl=url, MessageBody=body)


def test_size_counts_attributes(inv):
    url = inv(sqs.create_queue, QueueName="small", Attributes={"MaximumMessageSize": "1024"})[
        "QueueUrl"]
    inv(sqs.send_message, QueueUrl=url, MessageBody="x" * 1024)
    with pytest.raises(err.InvalidParameterValue, match="shorter than 1024 bytes"):
        inv(sqs.send_message, QueueUrl=url, MessageBody="x" * 1000,
            MessageAttributes={"a": {"DataType": "String", "StringValue": "y" * 30}})


@pytest.mark.parametrize("attrs", [
    {"a": {"DataType": "Strin", "StringValue": "x"}},
    {"a": {"DataType": "Number", "StringValue": "nan-ish"}},
    {"a": {"DataType": "String", "StringValue": ""}},
    {"AWS.x": {"DataType": "String", "StringValue": "x"}},
    {f"k{i}": {"DataType": "String", "StringValue": "x"} for i in range(11)},
])
def test_attribute_validation(inv, url, attrs):
    with pytest.raises(err.InvalidParameterValue):
        inv(sqs.send_message, QueueUrl=url, MessageBody="m", MessageAttributes=attrs)


def test_receive_parameters(inv, url):
    for bad in ({"MaxNumberOfMessages": 11}, {"MaxNumberOfMessages": 0},
                {"WaitTimeSeconds": 21}, {"VisibilityTimeout": 43201}):
        with pytest.raises(err.InvalidParameterValue):
            inv(sqs.receive_message, QueueUrl=url, **bad)


def test_visibility_timeout_and_receipt_handles(inv, url):
    inv(sqs.send_message, QueueUrl=url, MessageBody="m")
    first = inv(sqs.receive_message, QueueUrl=url, VisibilityTimeout=10)["Messages"][0]
    assert inv(sqs.receive_message, QueueUrl=url) == {}
    inv.advance(seconds=10)
    second = inv(sqs.receive_message, QueueUrl=url, AttributeNames=["ApproximateReceiveCount"])[
        "Messages"][0]
    assert second["ReceiptHandle"] != first["ReceiptHandle"]
    assert second["Attributes"] == {"ApproximateReceiveCount": "2"}
    # An earlier receive's handle still deletes the message (as AWS does: moto #4655), though
    # another consumer holds it now; deleting again succeeds.
    inv(sqs.delete_message, QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])
    inv.advance(seconds=60)
    assert inv(sqs.receive_message, QueueUrl=url) == {}
    inv(sqs.delete_message, QueueUrl=url, ReceiptHandle=second["ReceiptHandle"])
    with pytest.raises(err.ReceiptHandleIsInvalid):
        inv(sqs.delete_message, QueueUrl=url, ReceiptHandle="garbage")


def test_a_handle_of_a_deleted_message_never_reaches_the_next_one_in_its_row(inv, url):
    inv(sqs.send_message, QueueUrl=url, MessageBody="old")
    handle = inv(sqs.receive_message, QueueUrl=url)["Messages"][0]["ReceiptHandle"]
    inv(sqs.delete_message, QueueUrl=url, ReceiptHandle=handle)
    inv(sqs.send_message, QueueUrl=url, MessageBody="new")  # SQLite may reuse the row id
    inv(sqs.receive_message, QueueUrl=url, VisibilityTimeout=0)
    inv(sqs.delete_message, QueueUrl=url, ReceiptHandle=handle)
    with pytest.raises(err.MessageNotInflight):
        inv(sqs.change_message_visibility, QueueUrl=url, ReceiptHandle=handle,
            VisibilityTimeout=60)
    assert [m["Body"] for m in inv(sqs.receive_message, QueueUrl=url)["Messages"]] == ["new"]


def test_an_earlier_handle_changes_the_visibility_of_a_message_received_again(inv, url):
    inv(sqs.send_message, QueueUrl=url, MessageBody="m")
    first = inv(sqs.receive_message, QueueUrl=url, VisibilityTimeout=0)["Messages"][0]
    second = inv(sqs.receive_message, QueueUrl=url, VisibilityTimeout=0)["Messages"][0]
    assert first["ReceiptHandle"] != second["ReceiptHandle"]
    inv(sqs.change_message_visibility, QueueUrl=url, ReceiptHandle=first["ReceiptHandle"],
        VisibilityTimeout=100)
    assert inv(sqs.receive_message, QueueUrl=url) == {}
    inv.advance(seconds=100)
    third = inv(sqs.receive_message, QueueUrl=url, VisibilityTimeout=0)["Messages"][0]
    batch = inv(sqs.change_message_visibility_batch, QueueUrl=url, Entries=[
        {"Id": "a", "ReceiptHandle": first["ReceiptHandle"], "VisibilityTimeout": 50},
        {"Id": "b", "ReceiptHandle": second["ReceiptHandle"], "VisibilityTimeout": 50}])
    assert batch == {"Successful": [{"Id": "a"}, {"Id": "b"}], "Failed": []}
    assert inv(sqs.receive_message, QueueUrl=url) == {}
    inv.advance(seconds=50)
    assert inv(sqs.receive_message, QueueUrl=url)["Messages"][0]["Body"] == "m"
    assert third["ReceiptHandle"] not in (first["ReceiptHandle"], second["ReceiptHandle"])


def test_fifo_handles_expire_with_their_receive(inv):
    url = _fifo(inv, ContentBasedDeduplication="true")
    inv(sqs.send_message, QueueUrl=url, MessageBody="m", MessageGroupId="g")
    first = inv(sqs.receive_message, QueueUrl=url, VisibilityTimeout=0)["Messages"][0]
    inv(sqs.receive_message, QueueUrl=url)
    with pytest.raises(err.MessageNotInflight):
        inv(sqs.change_message_visibility, QueueUrl=url, ReceiptHandle=first["ReceiptHandle"],
            VisibilityTimeout=10)
    with pytest.raises(err.InvalidParameterValue, match="The receipt handle has expired"):
        inv(sqs.delete_message, QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])


def test_delay_and_retention(inv):
    url = inv(sqs.create_queue, QueueName="d", Attributes={"DelaySeconds": "5",
                                                           "MessageRetentionPeriod": "60"})[
        "QueueUrl"]
    inv(sqs.send_message, QueueUrl=url, MessageBody="queue delay")
    inv(sqs.send_message, QueueUrl=url, MessageBody="own delay", DelaySeconds=20)
    assert inv(sqs.receive_message, QueueUrl=url) == {}
    inv.advance(seconds=5)
    assert inv(sqs.receive_message, QueueUrl=url)["Messages"][0]["Body"] == "queue delay"
    inv.advance(seconds=15)
    assert inv(sqs.receive_message, QueueUrl=url)["Messages"][0]["Body"] == "own delay"
    inv.advance(seconds=60)
    attrs = inv(sqs.get_queue_attributes, QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["ApproximateNumberOfMessages"] == attrs[
        "ApproximateNumberOfMessagesNotVisible"] == "0"
    with pytest.raises(err.InvalidParameterValue):
        inv(sqs.send_message, QueueUrl=url, MessageBody="x", DelaySeconds=901)


def test_change_visibility_limits(inv, url):
    inv(sqs.send_message, QueueUrl=url, MessageBody="m")
    handle = inv(sqs.receive_message, QueueUrl=url)["Messages"][0]["ReceiptHandle"]
    inv(sqs.change_message_visibility, QueueUrl=url, ReceiptHandle=handle,
        VisibilityTimeout=43200)
    inv.advance(seconds=100)
    with pytest.raises(err.InvalidParameterValue, match="beyond the limit"):
        inv(sqs.change_message_visibility, QueueUrl=url, ReceiptHandle=handle,
            VisibilityTimeout=43200)
    inv(sqs.change_message_visibility, QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)
    latest = inv(sqs.receive_message, QueueUrl=url)["Messages"][0]["ReceiptHandle"]
    inv(sqs.delete_message, QueueUrl=url, ReceiptHandle=latest)
    with pytest.raises(err.MessageNotInflight) as exc:
        inv(sqs.change_message_visibility, QueueUrl=url, ReceiptHandle=handle,
            VisibilityTimeout=10)
    assert exc.value.code == "AWS.SimpleQueueService.MessageNotInflight"


def test_batches(inv, url):
    with pytest.raises(err.EmptyBatchRequest):
        inv(sqs.send_message_batch, QueueUrl=url, Entries=[])
    with pytest.raises(err.TooManyEntriesInBatchRequest):
        inv(sqs.send_message_batch, QueueUrl=url,
            Entries=[{"Id": str(i), "MessageBody": "x"} for i in range(11)])
    with pytest.raises(err.BatchEntryIdsNotDistinct, match=r"Id a repeated\."):
        inv(sqs.send_message_batch, QueueUrl=url,
            Entries=[{"Id": "a", "MessageBody": "x"}, {"Id": "a", "MessageBody": "y"}])
    with pytest.raises(err.InvalidBatchEntryId):
        inv(sqs.send_message_batch, QueueUrl=url, Entries=[{"Id": "a b", "MessageBody": "x"}])
    with pytest.raises(err.BatchRequestTooLong):
        inv(sqs.send_message_batch, QueueUrl=url,
            Entries=[{"Id": str(i), "MessageBody": "x" * 200000} for i in range(6)])
    out = inv(sqs.send_message_batch, QueueUrl=url, Entries=[
        {"Id": "ok", "MessageBody": "fine"}, {"Id": "bad", "MessageBody": "\x00"}])
    assert [e["Id"] for e in out["Successful"]] == ["ok"]
    assert out["Failed"][0]["Id"] == "bad" and out["Failed"][0]["SenderFault"] is True
    assert out["Failed"][0]["Code"] == "InvalidMessageContents"
    got = inv(sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert len(got) == 1
    change = inv(sqs.change_message_visibility_batch, QueueUrl=url, Entries=[
        {"Id": "1", "ReceiptHandle": got[0]["ReceiptHandle"], "VisibilityTimeout": 100},
        {"Id": "2", "ReceiptHandle": "junk", "VisibilityTimeout": 100}])
    assert [e["Id"] for e in change["Successful"]] == ["1"]
    assert change["Failed"][0]["Code"] == "ReceiptHandleIsInvalid"
    deleted = inv(sqs.delete_message_batch, QueueUrl=url, Entries=[
        {"Id": "1", "ReceiptHandle": got[0]["ReceiptHandle"]}])
    assert deleted == {"Successful": [{"Id": "1"}], "Failed": []}


def test_max_number_of_messages(inv, url):
    inv(sqs.send_message_batch, QueueUrl=url,
        Entries=[{"Id": str(i), "MessageBody": str(i)} for i in range(10)])
    assert len(inv(sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=4)["Messages"]) == 4
    assert len(inv(sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=10)["Messages"]) == 6


# -- FIFO -------------------------------------------------------------------------------------


def test_fifo_requires_group_and_dedup(inv):
    url = _fifo(inv)
    with pytest.raises(err.MissingParameter):
        inv(sqs.send_message, QueueUrl=url, MessageBody="x", MessageDeduplicationId="d")
    with pytest.raises(err.InvalidParameterValue, match="ContentBasedDeduplication"):
        inv(sqs.send_message, QueueUrl=url, MessageBody="x", MessageGroupId="g")
    with pytest.raises(err.InvalidParameterValue):
        inv(sqs.send_message, QueueUrl=url, MessageBody="x", MessageGroupId="g",
            MessageDeduplicationId="d", DelaySeconds=1)


def test_fifo_order_dedup_and_group_blocking(inv):
    url = _fifo(inv, ContentBasedDeduplication="true")
    seqs = []
    for body in ("a1", "a2", "a3"):
        seqs.append(int(inv(sqs.send_message, QueueUrl=url, MessageBody=body,
                            MessageGroupId="A")["SequenceNumber"]))
    dup = inv(sqs.send_message, QueueUrl=url, MessageBody="a1", MessageGroupId="A")
    assert int(dup["SequenceNumber"]) == seqs[0]
    assert seqs == sorted(seqs) and len(set(seqs)) == 3
    inv(sqs.send_message, QueueUrl=url, MessageBody="b1", MessageGroupId="B")
    first = inv(sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=2,
                AttributeNames=["All"])["Messages"]
    assert [m["Body"] for m in first] == ["a1", "a2"]
    assert first[0]["Attributes"]["MessageGroupId"] == "A"
    assert first[0]["Attributes"]["SequenceNumber"] == str(seqs[0]).rjust(20, "0")
    assert first[0]["Attributes"]["MessageDeduplicationId"] == hashlib.sha256(b"a1").hexdigest()
    # Group A is blocked while a1/a2 are in flight; B is served.
    nxt = inv(sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in nxt] == ["b1"]
    for m in first:
        inv(sqs.delete_message, QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    assert [m["Body"] for m in inv(sqs.receive_message, QueueUrl=url)["Messages"]] == ["a3"]
    # After 5 minutes the same body is a new message.
    inv.advance(seconds=301)
    again = inv(sqs.send_message, QueueUrl=url, MessageBody="a1", MessageGroupId="C")
    assert int(again["SequenceNumber"]) > seqs[-1]


def test_fifo_receive_fills_the_batch_from_several_groups_each_in_order(inv):
    url = _fifo(inv, ContentBasedDeduplication="true")
    for body, group in (("1a", "1"), ("2a", "2"), ("1b", "1"), ("3a", "3"), ("2b", "2")):
        inv(sqs.send_message, QueueUrl=url, MessageBody=body, MessageGroupId=group)
    got = inv(sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=3)["Messages"]
    assert [m["Body"] for m in got] == ["1a", "1b", "2a"]
    # Groups 1 and 2 are in flight now: only group 3 is served, though 2b is waiting.
    assert [m["Body"] for m in inv(sqs.receive_message, QueueUrl=url,
                                   MaxNumberOfMessages=10)["Messages"]] == ["3a"]
    inv.advance(seconds=30)
    assert [m["Body"] for m in inv(sqs.receive_message, QueueUrl=url,
                                   MaxNumberOfMessages=10)["Messages"]] == ["1a", "1b", "2a",
                                                                            "2b", "3a"]


def test_fifo_dedup_scope_message_group(inv):
    url = _fifo(inv, DeduplicationScope="messageGroup", FifoThroughputLimit="perMessageGroupId")
    one = inv(sqs.send_message, QueueUrl=url, MessageBody="x", MessageGroupId="A",
              MessageDeduplicationId="d")
    two = inv(sqs.send_message, QueueUrl=url, MessageBody="x", MessageGroupId="B",
              MessageDeduplicationId="d")
    assert one["MessageId"] != two["MessageId"]
    with pytest.raises(err.InvalidAttributeValue):
        _fifo(inv, "g.fifo", FifoThroughputLimit="perMessageGroupId")


def test_fifo_receive_request_attempt_id(inv):
    url = _fifo(inv, ContentBasedDeduplication="true")
    inv(sqs.send_message, QueueUrl=url, MessageBody="x", MessageGroupId="A")
    first = inv(sqs.receive_message, QueueUrl=url, ReceiveRequestAttemptId="try1")
    again = inv(sqs.receive_message, QueueUrl=url, ReceiveRequestAttemptId="try1")
    assert first == again and first["Messages"]


# -- dead-letter queues and move tasks ----------------------------------------------------------


def _redrive(inv, *, count=2):
    dlq = inv(sqs.create_queue, QueueName="dlq")["QueueUrl"]
    arn = inv(sqs.get_queue_attributes, QueueUrl=dlq, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    src = inv(sqs.create_queue, QueueName="src", Attributes={"RedrivePolicy": json.dumps(
        {"deadLetterTargetArn": arn, "maxReceiveCount": count})})["QueueUrl"]
    return src, dlq, arn


def test_dead_letter_moves_on_receive(inv):
    src, dlq, _arn = _redrive(inv)
    sent = inv(sqs.send_message, QueueUrl=src, MessageBody="poison")
    for _ in range(2):
        assert inv(sqs.receive_message, QueueUrl=src, VisibilityTimeout=0)["Messages"]
    assert inv(sqs.receive_message, QueueUrl=src) == {}
    got = inv(sqs.receive_message, QueueUrl=dlq, AttributeNames=["All"])["Messages"][0]
    assert got["MessageId"] == sent["MessageId"] and got["Body"] == "poison"
    assert got["Attributes"]["DeadLetterQueueSourceArn"].endswith(":src")
    assert inv(sqs.list_dead_letter_source_queues, QueueUrl=dlq)["queueUrls"] == [
        src.replace("dlq", "src")]


def test_redrive_policy_validation_and_allow_policy(inv):
    dlq = inv(sqs.create_queue, QueueName="dlq", Attributes={"RedriveAllowPolicy": json.dumps(
        {"redrivePermission": "denyAll"})})["QueueUrl"]
    arn = inv(sqs.get_queue_attributes, QueueUrl=dlq, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    with pytest.raises(err.InvalidParameterValue):
        inv(sqs.create_queue, QueueName="src", Attributes={"RedrivePolicy": json.dumps(
            {"deadLetterTargetArn": arn, "maxReceiveCount": 1})})
    with pytest.raises(err.InvalidParameterValue):
        inv(sqs.create_queue, QueueName="src", Attributes={"RedrivePolicy": json.dumps(
            {"deadLetterTargetArn": arn + "x", "maxReceiveCount": 1})})
    with pytest.raises(err.InvalidParameterValue):
        inv(sqs.set_queue_attributes, QueueUrl=dlq, Attributes={
            "RedriveAllowPolicy": json.dumps({"redrivePermission": "sometimes"})})
    inv(sqs.set_queue_attributes, QueueUrl=dlq, Attributes={"RedriveAllowPolicy": json.dumps(
        {"redrivePermission": "byQueue",
         "sourceQueueArns": ["arn:aws:sqs:us-east-1:123456789012:src"]})})
    inv(sqs.create_queue, QueueName="src", Attributes={"RedrivePolicy": json.dumps(
        {"deadLetterTargetArn": arn, "maxReceiveCount": 1})})


def test_message_move_task_at_rate(inv):
    src, dlq, arn = _redrive(inv, count=1)
    for i in range(5):
        inv(sqs.send_message, QueueUrl=src, MessageBody=str(i))
    for _ in range(2):
        inv(sqs.receive_message, QueueUrl=src, MaxNumberOfMessages=10, VisibilityTimeout=0)
    attrs = inv(sqs.get_queue_attributes, QueueUrl=dlq, AttributeNames=["All"])["Attributes"]
    assert attrs["ApproximateNumberOfMessages"] == "5"
    with pytest.raises(err.ResourceNotFoundException):
        inv(sqs.start_message_move_task, SourceArn=arn + "x")
    handle = inv(sqs.start_message_move_task, SourceArn=arn,
                 MaxNumberOfMessagesPerSecond=2)["TaskHandle"]
    with pytest.raises(err.UnsupportedOperation):
        inv(sqs.start_message_move_task, SourceArn=arn)
    inv.advance(seconds=1)
    task = inv(sqs.list_message_move_tasks, SourceArn=arn)["Results"][0]
    assert task["Status"] == "RUNNING" and task["TaskHandle"] == handle
    assert task["ApproximateNumberOfMessagesMoved"] == 2
    assert task["ApproximateNumberOfMessagesToMove"] == 5
    inv.advance(seconds=2)
    task = inv(sqs.list_message_move_tasks, SourceArn=arn)["Results"][0]
    assert task["Status"] == "COMPLETED" and "TaskHandle" not in task
    assert task["ApproximateNumberOfMessagesMoved"] == 5
    got = inv(sqs.receive_message, QueueUrl=src, MaxNumberOfMessages=10,
              AttributeNames=["ApproximateReceiveCount"])["Messages"]
    assert sorted(m["Body"] for m in got) == ["0", "1", "2", "3", "4"]
    assert {m["Attributes"]["ApproximateReceiveCount"] for m in got} == {"1"}


def test_cancel_move_task(inv):
    _src, dlq, arn = _redrive(inv, count=1)
    for i in range(3):
        inv(sqs.send_message, QueueUrl=dlq, MessageBody=str(i))
    with pytest.raises(err.InvalidParameterValue):
        inv(sqs.start_message_move_task, SourceArn=arn.replace("dlq", "src"))
    dest = arn.replace("dlq", "src")
    handle = inv(sqs.start_message_move_task, SourceArn=arn, DestinationArn=dest,
                 MaxNumberOfMessagesPerSecond=1)["TaskHandle"]
    inv.advance(seconds=1)
    assert inv(sqs.cancel_message_move_task, TaskHandle=handle) == {
        "ApproximateNumberOfMessagesMoved": 1}
    with pytest.raises(err.ResourceNotFoundException):
        inv(sqs.cancel_message_move_task, TaskHandle=handle)
    inv.advance(seconds=10)
    task = inv(sqs.list_message_move_tasks, SourceArn=arn, MaxResults=10)["Results"][0]
    assert task["Status"] == "CANCELLED" and task["ApproximateNumberOfMessagesMoved"] == 1
