"""A moto user's test module, run as it is by tests/test_testing.py: once with awslocal's
mock_aws, once with moto's (the oracle: these are real moto tests). The two runs differ only in
the import line of mock_aws."""

import json
import os
import unittest

import boto3
import pytest
from freezegun import freeze_time

from awslocal_cli.testing import mock_aws  # was: from moto import mock_aws


@pytest.fixture(autouse=True)
def aws_credentials(monkeypatch):
    """Mocked AWS credentials, as moto's documentation recommends."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SECURITY_TOKEN", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


@pytest.fixture
def sqs():
    with mock_aws():
        yield boto3.client("sqs", region_name="us-east-1")


@mock_aws
def test_decorated_function_sends_and_receives():
    client = boto3.client("sqs", region_name="us-east-1")
    url = client.create_queue(QueueName="orders")["QueueUrl"]
    client.send_message(QueueUrl=url, MessageBody="order-1")
    messages = client.receive_message(QueueUrl=url)["Messages"]
    assert [m["Body"] for m in messages] == ["order-1"]


@mock_aws
def test_kms_round_trip_and_identity():
    kms = boto3.client("kms", region_name="eu-west-1")
    key_id = kms.create_key(Description="test")["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"secret")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"secret"
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["Arn"].startswith(
        "arn:aws:kms:eu-west-1:123456789012:key/")
    assert boto3.client("sts").get_caller_identity()["Account"] == "123456789012"


@mock_aws
def test_resource_and_session():
    queue = boto3.resource("sqs", region_name="us-east-1").create_queue(QueueName="res")
    queue.send_message(MessageBody="via resource")
    session = boto3.Session(region_name="us-east-1")
    assert session.client("sqs").get_queue_url(QueueName="res")["QueueUrl"] == queue.url
    assert [m.body for m in queue.receive_messages()] == ["via resource"]


def test_context_manager_fixture(sqs):
    sqs.create_queue(QueueName="from-fixture")
    assert len(sqs.list_queues()["QueueUrls"]) == 1


def test_each_activation_starts_empty(sqs):
    assert "QueueUrls" not in sqs.list_queues()


def test_start_and_stop():
    mock = mock_aws()
    mock.start()
    try:
        sns = boto3.client("sns", region_name="us-east-1")
        sns.create_topic(Name="alerts")
        assert len(sns.list_topics()["Topics"]) == 1
    finally:
        mock.stop()
    mock.start()
    try:
        assert boto3.client("sns", region_name="us-east-1").list_topics()["Topics"] == []
    finally:
        mock.stop()


@mock_aws
def test_topic_delivers_to_queue_whose_policy_allows_it():
    sqs = boto3.client("sqs", region_name="us-east-1")
    sns = boto3.client("sns", region_name="us-east-1")
    url = sqs.create_queue(QueueName="inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    topic_arn = sns.create_topic(Name="events")["TopicArn"]
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
        "Action": "sqs:SendMessage", "Resource": queue_arn,
        "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}}}]}
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    sns.publish(TopicArn=topic_arn, Message="hello")
    body = json.loads(sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"])
    assert body["Message"] == "hello"
    assert body["TopicArn"] == topic_arn


@freeze_time("2024-01-02 03:04:05")
@mock_aws
def test_frozen_time_stamps_keys_and_messages():
    kms = boto3.client("kms", region_name="us-east-1")
    created = kms.create_key()["KeyMetadata"]["CreationDate"]
    assert created.isoformat().startswith("2024-01-02T03:04:05")
    sqs = boto3.client("sqs", region_name="us-east-1")
    url = sqs.create_queue(QueueName="stamped")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="x")
    message = sqs.receive_message(QueueUrl=url, AttributeNames=["SentTimestamp"])["Messages"][0]
    assert message["Attributes"]["SentTimestamp"] == "1704164645000"


@mock_aws
def test_visibility_timeout_follows_the_frozen_clock():
    sqs = boto3.client("sqs", region_name="us-east-1")
    url = sqs.create_queue(QueueName="work")["QueueUrl"]
    with freeze_time("2024-05-01 12:00:00") as frozen:
        sqs.send_message(QueueUrl=url, MessageBody="job")
        assert len(sqs.receive_message(QueueUrl=url, VisibilityTimeout=30)["Messages"]) == 1
        assert "Messages" not in sqs.receive_message(QueueUrl=url)
        frozen.tick(31)
        assert [m["Body"] for m in sqs.receive_message(QueueUrl=url)["Messages"]] == ["job"]


@mock_aws
class TestWithSetupMethod:
    def setup_method(self, method):
        self.sqs = boto3.client("sqs", region_name="us-east-1")
        self.url = self.sqs.create_queue(QueueName="shared")["QueueUrl"]

    def teardown_method(self, method):
        # the state of setup_method and the test is still there
        self.sqs.delete_queue(QueueUrl=self.url)

    def test_sees_the_queue_of_setup(self):
        self.sqs.send_message(QueueUrl=self.url, MessageBody="one")
        assert self.sqs.list_queues()["QueueUrls"] == [self.url]

    def test_starts_fresh_again(self):
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=self.url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
        assert attributes["ApproximateNumberOfMessages"] == "0"

    def helper_not_a_test(self):
        return boto3.client("sqs", region_name="us-east-1").list_queues()


@mock_aws
class TestWithoutSetup:
    def test_one(self):
        boto3.client("sqs", region_name="us-east-1").create_queue(QueueName="a")

    def test_two_does_not_see_one(self):
        assert "QueueUrls" not in boto3.client("sqs", region_name="us-east-1").list_queues()


@mock_aws
class TestUnittestStyle(unittest.TestCase):
    def setUp(self):
        self.sns = boto3.client("sns", region_name="us-east-1")
        self.topic = self.sns.create_topic(Name="unit")["TopicArn"]

    def test_topic_from_set_up(self):
        arns = [t["TopicArn"] for t in self.sns.list_topics()["Topics"]]
        self.assertEqual(arns, [self.topic])

    def test_tags(self):
        self.sns.tag_resource(ResourceArn=self.topic, Tags=[{"Key": "k", "Value": "v"}])
        tags = self.sns.list_tags_for_resource(ResourceArn=self.topic)["Tags"]
        self.assertEqual(tags, [{"Key": "k", "Value": "v"}])


def test_region_and_account_from_the_environment(monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-southeast-2")
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "111122223333")
    with mock_aws():
        topic = boto3.client("sns").create_topic(Name="regional")["TopicArn"]
    assert topic == "arn:aws:sns:ap-southeast-2:111122223333:regional"


def test_outside_the_mock_nothing_is_answered():
    with mock_aws():
        pass
    assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
