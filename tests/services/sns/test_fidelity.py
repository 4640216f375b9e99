"""SNS behaviour pinned against responses recorded from AWS (issue 11)."""

from __future__ import annotations

import json

import pytest

from awslocal_cli.errors import AwsError
from awslocal_cli.services import sns, sqs
from tests.services.sns.util import topic_queue

ARN = "arn:aws:sns:us-east-1:123456789012:"
QUEUE = "arn:aws:sqs:us-east-1:123456789012:q"


def _error(inv, fn, **request):
    with pytest.raises(AwsError) as exc:
        inv(fn, **request)
    return exc.value.code, exc.value.message


# -- regions are partitions ----------------------------------------------------------------------


@pytest.mark.parametrize(("fn", "request_"), [
    (sns.publish, {"Message": "hello"}),
    (sns.get_topic_attributes, {}),
    (sns.set_topic_attributes, {"AttributeName": "DisplayName", "AttributeValue": "x"}),
    (sns.subscribe, {"Protocol": "sqs", "Endpoint": QUEUE}),
    (sns.list_subscriptions_by_topic, {}),
    (sns.delete_topic, {}),
    (sns.add_permission, {"Label": "l", "AWSAccountId": ["111122223333"],
                          "ActionName": ["Publish"]}),
    (sns.remove_permission, {"Label": "l"}),
    (sns.confirm_subscription, {"Token": "ab" * 64}),
    (sns.publish_batch, {"PublishBatchRequestEntries": [{"Id": "a", "Message": "m"}]}),
], ids=lambda v: getattr(v, "__name__", ""))
def test_a_topic_of_another_region_is_an_invalid_topic_arn(inv, fn, request_):
    topic = inv(sns.create_topic, Name="t")["TopicArn"]
    assert _error(inv, fn, TopicArn=topic, region="eu-west-1", **request_) == (
        "InvalidParameter", "Invalid parameter: TopicArn")
    # The topic is still there in its own region, unchanged.
    attrs = inv(sns.get_topic_attributes, TopicArn=topic)["Attributes"]
    assert attrs["DisplayName"] == "" and attrs["SubscriptionsConfirmed"] == "0"


def test_publish_target_arn_and_tags_of_another_region(inv):
    topic = inv(sns.create_topic, Name="t")["TopicArn"]
    assert _error(inv, sns.publish, TargetArn=topic, Message="m", region="eu-west-1") == (
        "InvalidParameter", "Invalid parameter: TargetArn")
    assert _error(inv, sns.tag_resource, ResourceArn=topic, region="eu-west-1",
                  Tags=[{"Key": "a", "Value": "b"}]) == (
        "InvalidParameter", "Invalid parameter: ResourceArn")
    sub = inv(sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=QUEUE)["SubscriptionArn"]
    for fn in (sns.unsubscribe, sns.get_subscription_attributes):
        assert _error(inv, fn, SubscriptionArn=sub, region="eu-west-1") == (
            "InvalidParameter", "Invalid parameter: SubscriptionArn")
    assert len(inv(sns.list_subscriptions)["Subscriptions"]) == 1


def test_data_protection_policy_of_a_topic_of_another_region(inv):
    topic = inv(sns.create_topic, Name="t")["TopicArn"]
    for fn, extra in ((sns.get_data_protection_policy, {}),
                      (sns.put_data_protection_policy, {"DataProtectionPolicy": "{}"})):
        assert _error(inv, fn, ResourceArn=topic, region="eu-west-1", **extra) == (
            "InvalidParameter", "Invalid parameter: ResourceArn")


def test_a_queue_of_another_region_can_be_subscribed(inv):
    topic = inv(sns.create_topic, Name="t")["TopicArn"]
    other = "arn:aws:sqs:eu-west-1:123456789012:q"
    assert inv(sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=other)[
        "SubscriptionArn"].startswith(topic + ":")


# -- malformed ARNs ------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "n"), [("randomstring", 1), ("randomstring:1", 2), ("", 1),
                                          ("arn:aws:sns:us-east-1:random", 5)])
def test_malformed_topic_arns_say_how_many_elements(inv, value, n):
    reason = f" Reason: An ARN must have at least 6 elements, not {n}"
    for fn, extra in ((sns.publish, {"Message": "m"}), (sns.get_topic_attributes, {}),
                      (sns.subscribe, {"Protocol": "email", "Endpoint": "a@example.com"}),
                      (sns.delete_topic, {}), (sns.confirm_subscription, {"Token": "ab"}),
                      (sns.list_subscriptions_by_topic, {})):
        assert _error(inv, fn, TopicArn=value, **extra) == (
            "InvalidParameter", "Invalid parameter: TopicArn" + reason)
    assert _error(inv, sns.tag_resource, ResourceArn=value, Tags=[]) == (
        "InvalidParameter", "Invalid parameter: ResourceArn" + reason)
    assert _error(inv, sns.get_subscription_attributes, SubscriptionArn=value) == (
        "InvalidParameter", "Invalid parameter: SubscriptionArn" + reason)


# -- Unsubscribe ---------------------------------------------------------------------------------


def test_unsubscribe_is_idempotent_and_checks_its_arn(inv):
    topic = inv(sns.create_topic, Name="t")["TopicArn"]
    sub = inv(sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=QUEUE)["SubscriptionArn"]
    assert inv(sns.unsubscribe, SubscriptionArn=sub) == {}
    assert inv(sns.unsubscribe, SubscriptionArn=sub) == {}  # already removed
    assert inv(sns.unsubscribe, SubscriptionArn=topic + ":00000000-0000-0000-0000-00000000") \
        == {}
    inv(sns.delete_topic, TopicArn=topic)
    assert inv(sns.unsubscribe, SubscriptionArn=sub) == {}  # topic gone too
    assert _error(inv, sns.unsubscribe, SubscriptionArn="randomstring") == (
        "InvalidParameter", "Invalid parameter: SubscriptionArn Reason: An ARN must have at "
        "least 6 elements, not 1")
    assert _error(inv, sns.unsubscribe, SubscriptionArn="arn:aws:sns:us-east-1:random") == (
        "InvalidParameter", "Invalid parameter: SubscriptionArn Reason: An ARN must have at "
        "least 6 elements, not 5")
    assert _error(inv, sns.unsubscribe,
                  SubscriptionArn="arn:aws:sns:us-east-1:111111111111:random") == (
        "InvalidParameter", "Invalid parameter: SubscriptionId")
    # The "pending confirmation" answer of Subscribe is not an ARN.
    assert _error(inv, sns.unsubscribe, SubscriptionArn="pending confirmation")[1].endswith(
        "not 1")


# -- ConfirmSubscription -------------------------------------------------------------------------


def test_confirm_subscription_wording(inv):
    topic = inv(sns.create_topic, Name="t")["TopicArn"]
    well_formed = "51b2ff3edb475b7d" * 18
    assert _error(inv, sns.confirm_subscription, TopicArn=topic[:-1] + "i",
                  Token=well_formed) == ("InvalidParameter", "Invalid parameter: Token")
    assert _error(inv, sns.confirm_subscription, TopicArn=topic, Token="randomtoken") == (
        "InvalidParameter", "Invalid token")
    assert _error(inv, sns.confirm_subscription, TopicArn=topic, Token=well_formed) == (
        "InvalidParameter", "Invalid parameter: Token")
    inv(sns.subscribe, TopicArn=topic, Protocol="email", Endpoint="a@example.com")
    [(token,)] = inv.sql("SELECT token FROM sns_subscriptions")
    assert inv(sns.confirm_subscription, TopicArn=topic, Token=token)["SubscriptionArn"] \
        .startswith(topic + ":")


# -- topics, tags, publishing --------------------------------------------------------------------


def test_duplicated_tag_keys_are_refused(inv):
    topic = inv(sns.create_topic, Name="t")["TopicArn"]
    tags = [{"Key": "k1", "Value": "v1"}, {"Key": "k2", "Value": "v2"},
            {"Key": "k2", "Value": "v2"}]
    assert _error(inv, sns.tag_resource, ResourceArn=topic, Tags=tags) == (
        "InvalidParameter", "Invalid parameter: Duplicated keys are not allowed.")
    assert _error(inv, sns.create_topic, Name="u", Tags=tags) == (
        "InvalidParameter", "Invalid parameter: Duplicated keys are not allowed.")
    assert inv(sns.list_tags_for_resource, ResourceArn=topic)["Tags"] == []


@pytest.mark.parametrize("name", ["nofifo", "bad.fifo.name.fifo", "x" * 252 + ".fifo", ""])
def test_bad_fifo_topic_names(inv, name):
    assert _error(inv, sns.create_topic, Name=name, Attributes={"FifoTopic": "true"}) == (
        "InvalidParameter", "Invalid parameter: Topic Name")


def test_json_message_structure_without_a_string_default(inv):
    topic = inv(sns.create_topic, Name="t")["TopicArn"]
    for body in ({"sqs": "x"}, {"default": {"object": "test"}}, {"default": 1}):
        assert _error(inv, sns.publish, TopicArn=topic, Message=json.dumps(body),
                      MessageStructure="json") == (
            "InvalidParameter",
            "Invalid parameter: Message Structure - No default entry in JSON message body")


def test_publish_batch_ids_say_which_rule_they_break(inv):
    topic = inv(sns.create_topic, Name="t")["TopicArn"]
    for ident, reason in (("message.id", "contains an impermissible character: message.id"),
                          ("msg@123#test", "contains an impermissible character: msg@123#test"),
                          ("a" * 81, "is too long: " + "a" * 81)):
        assert _error(inv, sns.publish_batch, TopicArn=topic, PublishBatchRequestEntries=[
            {"Id": ident, "Message": "m"}]) == (
            "InvalidBatchEntryId", f"The Id of a batch entry in the batch request {reason}")
    ok = inv(sns.publish_batch, TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": "a" * 80, "Message": "m"}, {"Id": "valid-message_123", "Message": "m"}])
    assert [e["Id"] for e in ok["Successful"]] == ["a" * 80, "valid-message_123"]


# -- subscription attributes ---------------------------------------------------------------------


def test_filter_policy_scope_shows_only_beside_a_filter_policy(inv):
    topic = inv(sns.create_topic, Name="t")["TopicArn"]
    sub = inv(sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=QUEUE,
              Attributes={"FilterPolicyScope": "MessageBody"})["SubscriptionArn"]
    attrs = inv(sns.get_subscription_attributes, SubscriptionArn=sub)["Attributes"]
    assert "FilterPolicyScope" not in attrs and "FilterPolicy" not in attrs
    inv(sns.set_subscription_attributes, SubscriptionArn=sub, AttributeName="FilterPolicy",
        AttributeValue='{"a": ["b"]}')
    attrs = inv(sns.get_subscription_attributes, SubscriptionArn=sub)["Attributes"]
    assert attrs["FilterPolicyScope"] == "MessageBody"
    inv(sns.set_subscription_attributes, SubscriptionArn=sub, AttributeName="FilterPolicy",
        AttributeValue="")
    attrs = inv(sns.get_subscription_attributes, SubscriptionArn=sub)["Attributes"]
    assert "FilterPolicyScope" not in attrs


@pytest.mark.parametrize(("name", "value", "reason"), [
    ("RawMessageDelivery", "test-ValUe",
     "RawMessageDelivery: Invalid value [test-ValUe]. Must be true or false."),
    ("RawMessageDelivery", "", "RawMessageDelivery: Invalid value []. Must be true or false."),
    ("RedrivePolicy", '{"deadLetterTargetArn": "invalid-arn"}',
     "RedrivePolicy: deadLetterTargetArn is an invalid arn"),
    ("Nope", "x", "AttributeName"),
])
def test_set_subscription_attributes_wording_has_no_attributes_prefix(inv, name, value, reason):
    topic = inv(sns.create_topic, Name="t")["TopicArn"]
    sub = inv(sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=QUEUE)["SubscriptionArn"]
    assert _error(inv, sns.set_subscription_attributes, SubscriptionArn=sub,
                  AttributeName=name, AttributeValue=value) == (
        "InvalidParameter", f"Invalid parameter: {reason}")
    # Subscribe words the same check with the "Attributes Reason: " prefix.
    assert _error(inv, sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=QUEUE + "2",
                  Attributes={name: value}) == (
        "InvalidParameter", f"Invalid parameter: Attributes Reason: {reason}")


# -- message attributes, and what fails a whole PublishBatch -------------------------------------


_BAD_ATTRIBUTES = [
    ({"attr1": {"DataType": "String", "StringValue": ""}}, "ParameterValueInvalid",
     "The message attribute 'attr1' must contain non-empty message attribute value for "
     "message attribute type 'String'."),
    ({"attr1": {"DataType": "String"}}, "ParameterValueInvalid",
     "The message attribute 'attr1' must contain non-empty message attribute value for "
     "message attribute type 'String'."),
    ({"attr1": {"DataType": "Binary", "BinaryValue": b""}}, "ParameterValueInvalid",
     "The message attribute 'attr1' must contain non-empty message attribute value for "
     "message attribute type 'Binary'."),
    ({"attr1": {"DataType": "String", "BinaryValue": b"123"}}, "ParameterValueInvalid",
     "The message attribute 'attr1' with type 'String' must use field 'String'."),
    ({"attr1": {"DataType": "Number", "BinaryValue": b"123"}}, "ParameterValueInvalid",
     "The message attribute 'attr1' with type 'Number' must use field 'String'."),
    ({"attr1": {"DataType": "Binary", "StringValue": "123"}}, "ParameterValueInvalid",
     "The message attribute 'attr1' with type 'Binary' must use field 'Binary'."),
    ({"attr1": {"DataType": "InvalidType", "StringValue": "123"}}, "ParameterValueInvalid",
     "The message attribute 'attr1' has an invalid message attribute type, the set of "
     "supported type prefixes is Binary, Number, and String."),
    ({"a" * 257: {"DataType": "String", "StringValue": "123"}}, "ParameterValueInvalid",
     "Length of message attribute name must be less than 256 bytes."),
    ({"a^*?": {"DataType": "String", "StringValue": "123"}}, "ParameterValueInvalid",
     "Invalid non-alphanumeric character '#x5E' was found in the message attribute name. Can "
     "only include alphanumeric characters, hyphens, underscores, or dots."),
    ({".abc": {"DataType": "String", "StringValue": "123"}}, "ParameterValueInvalid",
     "Invalid message attribute name starting with character '.' was found."),
    ({"abc.": {"DataType": "String", "StringValue": "123"}}, "ParameterValueInvalid",
     "Invalid message attribute name ending with character '.' was found."),
    ({"a..bc": {"DataType": "String", "StringValue": "123"}}, "ParameterValueInvalid",
     "Message attribute name can not have successive '.' character."),
]


@pytest.mark.parametrize(("attributes", "code", "message"), _BAD_ATTRIBUTES)
def test_bad_message_attributes_fail_publish_and_the_whole_batch(inv, attributes, code,
                                                                 message):
    topic = inv(sns.create_topic, Name="t")["TopicArn"]
    assert _error(inv, sns.publish, TopicArn=topic, Message="m",
                  MessageAttributes=attributes) == (code, message)
    assert _error(inv, sns.publish_batch, TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": "1", "Message": "test-batch", "MessageAttributes": attributes},
        {"Id": "3", "Message": "valid-batch"}]) == (code, message)


def test_a_missing_data_type_is_a_validation_error_with_its_path(inv):
    topic = inv(sns.create_topic, Name="t")["TopicArn"]
    attributes = {"attr1": {"StringValue": "value"}}
    assert _error(inv, sns.publish, TopicArn=topic, Message="m",
                  MessageAttributes=attributes) == (
        "ValidationError", "1 validation error detected: Value null at "
        "'messageAttributes.attr1.member.dataType' failed to satisfy constraint: Member must "
        "not be null")
    assert _error(inv, sns.publish_batch, TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": "1", "Message": "m", "MessageAttributes": attributes}]) == (
        "ValidationError", "1 validation error detected: Value null at "
        "'publishBatchRequestEntries.1.member.messageAttributes.attr1.member.dataType' failed "
        "to satisfy constraint: Member must not be null")


def test_fifo_batch_entries_without_ids_or_a_default_fail_the_request(inv):
    topic = inv(sns.create_topic, Name="t.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    url, queue = topic_queue(inv, "q.fifo", topic)
    inv(sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=queue)
    good = {"Id": "ok", "Message": "m", "MessageGroupId": "g", "MessageDeduplicationId": "d"}
    cases = [
        ({"Id": "1", "Message": "no group"},
         "Invalid parameter: The MessageGroupId parameter is required for FIFO topics"),
        ({"Id": "1", "Message": "no dedup", "MessageGroupId": "msg1"},
         "Invalid parameter: The topic should either have ContentBasedDeduplication enabled "
         "or MessageDeduplicationId provided explicitly"),
        ({"Id": "1", "Message": json.dumps({"sqs": "test sqs"}), "MessageStructure": "json"},
         "Invalid parameter: Message Structure - No default entry in JSON message body"),
    ]
    for entry, message in cases:
        assert _error(inv, sns.publish_batch, TopicArn=topic,
                      PublishBatchRequestEntries=[good, entry]) == ("InvalidParameter", message)
    assert _error(inv, sns.publish_batch, TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": f"Id_{i}", "Message": "m"} for i in range(11)]) == (
        "TooManyEntriesInBatchRequest",
        "The batch request contains more entries than permissible.")
    assert _error(inv, sns.publish_batch, TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": "1", "Message": "m"}] * 2) == (
        "BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the same Id.")
    # Nothing of the refused batches was delivered, not even their good entry.
    assert inv(sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=10) == {}
    first = inv(sns.publish_batch, TopicArn=topic, PublishBatchRequestEntries=[good])
    assert [e["Id"] for e in first["Successful"]] == ["ok"]
    got = inv(sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert len(got) == 1


@pytest.mark.parametrize("number", ["+15/55-123.4567", "+1.555.123.4567", "1-555-123-4567",
                                    "+15551234567"])
def test_sms_endpoints_take_single_slash_dash_and_dot_separators(inv, number):
    topic = inv(sns.create_topic, Name="t")["TopicArn"]
    arn = inv(sns.subscribe, TopicArn=topic, Protocol="sms", Endpoint=number)["SubscriptionArn"]
    listed = inv(sns.list_subscriptions_by_topic, TopicArn=topic)["Subscriptions"]
    assert [(s["SubscriptionArn"], s["Endpoint"]) for s in listed] == [(arn, number)]


def test_an_sms_publish_takes_1600_characters_at_most(inv):
    assert inv(sns.publish, PhoneNumber="+15555550100", Message="x" * 1600)["MessageId"]
    assert _error(inv, sns.publish, PhoneNumber="+15555550100", Message="é" * 1601) == (
        "InvalidParameter", "Invalid parameter: Message too long")
    # The limit is on the SMS's own text when MessageStructure gives one.
    assert inv(sns.publish, PhoneNumber="+15555550100", MessageStructure="json",
               Message=json.dumps({"default": "x" * 2000, "sms": "short"}))["MessageId"]
    assert _error(inv, sns.publish, PhoneNumber="+15555550100", MessageStructure="json",
                  Message=json.dumps({"default": "short", "sms": "x" * 1601})) == (
        "InvalidParameter", "Invalid parameter: Message too long")


@pytest.mark.parametrize("number", ["+15--551234567", "NAA+15551234567", "+15551234567.",
                                    "/+15551234567", "invalid-number", "+1555/.1234567",
                                    "+15551234567-"])
def test_bad_sms_endpoints(inv, number):
    topic = inv(sns.create_topic, Name="t")["TopicArn"]
    assert _error(inv, sns.subscribe, TopicArn=topic, Protocol="sms", Endpoint=number) == (
        "InvalidParameter", f"Invalid SMS endpoint: {number}")
