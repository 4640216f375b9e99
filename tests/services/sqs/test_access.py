"""Queue policies on every SQS action: explicit Deny, cross-account Allow, conditions."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from awslocal_cli.errors import AwsError
from awslocal_cli.errors import sqs as err
from awslocal_cli.services import sqs

OWNER = "123456789012"
OTHER = "111122223333"
URL = f"https://sqs.us-east-1.amazonaws.com/{OWNER}/q"
ARN = f"arn:aws:sqs:us-east-1:{OWNER}:q"


def _other(ctx):
    return ctx.derive(account=OTHER)


def _queue(inv, *statements):
    attrs = {}
    if statements:
        attrs["Policy"] = json.dumps({"Version": "2012-10-17", "Statement": list(statements)})
    return inv(sqs.create_queue, QueueName="q", Attributes=attrs)["QueueUrl"]


def _denied(call):
    with pytest.raises(err.AccessDenied) as exc:
        call()
    assert exc.value.code == "AccessDenied"
    assert exc.value.message == f"Access to the resource {URL} is denied."
    return exc.value


DENY_ALL = {"Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": ARN}


# Every action that names a queue, with the members it needs once the queue exists.
ACTIONS = [
    (sqs.send_message, {"MessageBody": "x"}),
    (sqs.send_message_batch, {"Entries": [{"Id": "a", "MessageBody": "x"}]}),
    (sqs.receive_message, {}),
    (sqs.delete_message, {"ReceiptHandle": "nope"}),
    (sqs.delete_message_batch, {"Entries": [{"Id": "a", "ReceiptHandle": "nope"}]}),
    (sqs.change_message_visibility, {"ReceiptHandle": "nope", "VisibilityTimeout": 5}),
    (sqs.change_message_visibility_batch,
     {"Entries": [{"Id": "a", "ReceiptHandle": "nope", "VisibilityTimeout": 5}]}),
    (sqs.purge_queue, {}),
    (sqs.get_queue_attributes, {"AttributeNames": ["All"]}),
    (sqs.set_queue_attributes, {"Attributes": {"DelaySeconds": "1"}}),
    (sqs.list_dead_letter_source_queues, {}),
    (sqs.tag_queue, {"Tags": {"a": "b"}}),
    (sqs.untag_queue, {"TagKeys": ["a"]}),
    (sqs.list_queue_tags, {}),
    (sqs.add_permission, {"Label": "l", "AWSAccountIds": [OTHER], "Actions": ["SendMessage"]}),
    (sqs.remove_permission, {"Label": "l"}),
    (sqs.delete_queue, {}),
]


@pytest.mark.parametrize("fn,members", ACTIONS, ids=[f.__name__ for f, _ in ACTIONS])
def test_explicit_deny_refuses_the_owner_on_every_action(inv, fn, members):
    url = _queue(inv, DENY_ALL)
    _denied(lambda: inv(fn, QueueUrl=url, **members))


def test_explicit_deny_refuses_get_queue_url_and_move_tasks(inv):
    _queue(inv, DENY_ALL)
    _denied(lambda: inv(sqs.get_queue_url, QueueName="q"))
    with pytest.raises(err.AccessDenied):
        inv(sqs.list_message_move_tasks, SourceArn=ARN)
    with pytest.raises(err.AccessDenied):
        inv(sqs.start_message_move_task, SourceArn=ARN)


def test_deny_of_one_action_leaves_the_others(inv):
    url = _queue(inv, {"Effect": "Deny", "Principal": {"AWS": OWNER},
                       "Action": "sqs:ReceiveMessage", "Resource": ARN})
    inv(sqs.send_message, QueueUrl=url, MessageBody="kept")
    _denied(lambda: inv(sqs.receive_message, QueueUrl=url))
    # The refused receive did not take the message: GetQueueAttributes still counts it.
    attrs = inv(sqs.get_queue_attributes, QueueUrl=url,
                AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
    assert attrs == {"ApproximateNumberOfMessages": "1"}


def test_deny_for_one_user_spares_another(inv):
    url = _queue(inv, {"Effect": "Deny",
                       "Principal": {"AWS": f"arn:aws:iam::{OWNER}:user/intern"},
                       "Action": "sqs:SendMessage", "Resource": ARN})
    _denied(lambda: inv(sqs.send_message, QueueUrl=url, MessageBody="x", profile="intern"))
    assert inv(sqs.send_message, QueueUrl=url, MessageBody="x", profile="ops")["MessageId"]


def test_batch_action_is_authorized_as_its_single_form(inv):
    url = _queue(inv, {"Effect": "Deny", "Principal": "*", "Action": "sqs:SendMessage",
                       "Resource": ARN})
    _denied(lambda: inv(sqs.send_message_batch, QueueUrl=url,
                        Entries=[{"Id": "a", "MessageBody": "x"}]))


def test_another_account_needs_an_allow(inv):
    url = _queue(inv)
    _denied(lambda: inv(sqs.send_message, QueueUrl=url, MessageBody="x", as_ctx=_other))
    _denied(lambda: inv(sqs.receive_message, QueueUrl=url, as_ctx=_other))
    _denied(lambda: inv(sqs.get_queue_url, QueueName="q", QueueOwnerAWSAccountId=OWNER,
                        as_ctx=_other))
    # Nothing was sent.
    assert inv(sqs.receive_message, QueueUrl=url) == {}


def test_add_permission_lets_another_account_send_and_only_send(inv):
    url = _queue(inv)
    inv(sqs.add_permission, QueueUrl=url, Label="partner", AWSAccountIds=[OTHER],
        Actions=["SendMessage", "GetQueueUrl"])
    assert inv(sqs.get_queue_url, QueueName="q", QueueOwnerAWSAccountId=OWNER,
               as_ctx=_other) == {"QueueUrl": URL}
    inv(sqs.send_message, QueueUrl=url, MessageBody="from partner", as_ctx=_other)
    _denied(lambda: inv(sqs.receive_message, QueueUrl=url, as_ctx=_other))
    [message] = inv(sqs.receive_message, QueueUrl=url)["Messages"]
    assert message["Body"] == "from partner"


def test_owner_only_actions_stay_the_owners_even_when_granted(inv):
    url = _queue(inv, {"Effect": "Allow", "Principal": {"AWS": OTHER}, "Action": "sqs:*",
                       "Resource": ARN})
    inv(sqs.send_message, QueueUrl=url, MessageBody="x", as_ctx=_other)
    for fn, members in [(sqs.set_queue_attributes, {"Attributes": {"DelaySeconds": "1"}}),
                        (sqs.delete_queue, {}), (sqs.tag_queue, {"Tags": {"a": "b"}}),
                        (sqs.list_queue_tags, {}),
                        (sqs.add_permission, {"Label": "x", "AWSAccountIds": [OTHER],
                                              "Actions": ["*"]})]:
        _denied(lambda fn=fn, members=members: inv(fn, QueueUrl=url, as_ctx=_other, **members))
    assert inv(sqs.get_queue_attributes, QueueUrl=url,
               AttributeNames=["DelaySeconds"], as_ctx=_other)["Attributes"] == {
        "DelaySeconds": "0"}


def test_cross_account_allow_is_overridden_by_deny(inv):
    url = _queue(inv,
                 {"Effect": "Allow", "Principal": {"AWS": OTHER}, "Action": "sqs:*",
                  "Resource": ARN},
                 {"Effect": "Deny", "Principal": {"AWS": f"arn:aws:iam::{OTHER}:user/bob"},
                  "Action": "sqs:SendMessage", "Resource": ARN})
    inv(sqs.send_message, QueueUrl=url, MessageBody="x", as_ctx=_other)
    _denied(lambda: inv(sqs.send_message, QueueUrl=url, MessageBody="x",
                        as_ctx=lambda c: c.derive(account=OTHER, profile="bob")))


def test_principal_account_condition(inv):
    url = _queue(inv, {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage",
                       "Resource": ARN,
                       "Condition": {"StringEquals": {"aws:PrincipalAccount": OTHER}}})
    inv(sqs.send_message, QueueUrl=url, MessageBody="x", as_ctx=_other)
    _denied(lambda: inv(sqs.send_message, QueueUrl=url, MessageBody="x",
                        as_ctx=lambda c: c.derive(account="444455556666")))


def test_current_time_condition_follows_the_local_clock(inv):
    cutoff = datetime.fromtimestamp(inv.now() + 3600, tz=timezone.utc)
    url = _queue(inv, {"Effect": "Deny", "Principal": "*", "Action": "sqs:SendMessage",
                       "Resource": ARN, "Condition": {"DateGreaterThan": {
                           "aws:CurrentTime": cutoff.strftime("%Y-%m-%dT%H:%M:%SZ")}}})
    inv(sqs.send_message, QueueUrl=url, MessageBody="before")
    inv.advance(seconds=7200)
    _denied(lambda: inv(sqs.send_message, QueueUrl=url, MessageBody="after"))


def test_secure_transport_deny_does_not_refuse_awslocal_requests(inv):
    # Every awslocal request stands for an HTTPS one (access.py).
    url = _queue(inv, {"Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": ARN,
                       "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
    inv(sqs.send_message, QueueUrl=url, MessageBody="x")


def test_source_arn_condition_for_a_service(inv):
    topic = f"arn:aws:sns:us-east-1:{OWNER}:t"
    url = _queue(inv, {"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
                       "Action": "sqs:SendMessage", "Resource": ARN,
                       "Condition": {"ArnEquals": {"aws:SourceArn": topic},
                                     "StringEquals": {"aws:SourceAccount": OWNER}}})
    inv(sqs.send_message, QueueUrl=url, MessageBody="x",
        as_ctx=lambda c: c.as_service("sns.amazonaws.com", source_arn=topic))
    # The same service for another topic, and for no topic, is refused.
    _denied(lambda: inv(sqs.send_message, QueueUrl=url, MessageBody="x",
                        as_ctx=lambda c: c.as_service("sns.amazonaws.com",
                                                      source_arn=topic + "2")))
    _denied(lambda: inv(sqs.send_message, QueueUrl=url, MessageBody="x",
                        as_ctx=lambda c: c.as_service("events.amazonaws.com",
                                                      source_arn=topic)))


def test_policy_attribute_is_validated(inv):
    for bad in ('{"foo":1}', "not json", "[]",
                '{"Statement":[{"Effect":"Allow","Action":"sqs:*"}]}',
                '{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Principal":"*",'
                '"Action":"sqs:*"}]}'):
        with pytest.raises(err.InvalidAttributeValue) as exc:
            inv(sqs.create_queue, QueueName="q", Attributes={"Policy": bad})
        assert exc.value.message == "Invalid value for the parameter Policy."
    url = _queue(inv)
    with pytest.raises(AwsError) as exc:
        inv(sqs.set_queue_attributes, QueueUrl=url, Attributes={"Policy": '{"foo":1}'})
    assert exc.value.code == "InvalidAttributeValue"
    assert exc.value.message == "Invalid value for the parameter Policy."
    assert "Policy" not in inv(sqs.get_queue_attributes, QueueUrl=url,
                               AttributeNames=["All"]).get("Attributes", {})


def test_owner_without_policy_is_not_refused(inv):
    url = _queue(inv)
    for fn, members in ACTIONS[:-3]:
        try:
            inv(fn, QueueUrl=url, **members)
        except err.AccessDenied:  # pragma: no cover - the assertion below explains
            pytest.fail(f"{fn.__name__} refused the owner of a queue without a policy")
        except AwsError:
            pass  # e.g. ReceiptHandleIsInvalid: the request got past authorization


def test_sns_delivery_is_decided_by_the_same_check(inv):
    from awslocal_cli.services import sns

    topic = inv(sns.create_topic, Name="t")["TopicArn"]
    allow = {"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
             "Action": "sqs:SendMessage", "Resource": ARN,
             "Condition": {"ArnEquals": {"aws:SourceArn": topic}}}
    url = _queue(inv, allow)
    inv(sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=ARN,
        Attributes={"RawMessageDelivery": "true"})
    inv(sns.publish, TopicArn=topic, Message="first")
    # An explicit Deny for the service wins over the Allow, for SNS as for anyone.
    deny = {"Effect": "Deny", "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "sqs:SendMessage", "Resource": ARN}
    inv(sqs.set_queue_attributes, QueueUrl=url, Attributes={"Policy": json.dumps(
        {"Version": "2012-10-17", "Statement": [allow, deny]})})
    inv(sns.publish, TopicArn=topic, Message="second")
    assert [m["Body"] for m in inv(sqs.receive_message, QueueUrl=url,
                                   MaxNumberOfMessages=10)["Messages"]] == ["first"]
    statuses = [(d["Status"], (d["Reason"] or "")[:30])
                for d in inv(sns.deliveries)["Deliveries"]]
    assert statuses == [("delivered", ""), ("refused", "AccessDenied: The queue policy")]
