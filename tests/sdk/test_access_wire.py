"""Queue-policy refusals over the wire: AccessDenied with HTTP 403 on both SQS protocols, and a
data protection Deny on SNS Publish."""

from __future__ import annotations

import json
import os
from urllib.parse import urlencode

import pytest

from awslocal_cli import wire

ACCOUNT = "123456789012"
OTHER = "111122223333"
URL = f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/q"
ARN = f"arn:aws:sqs:us-east-1:{ACCOUNT}:q"
AUTH = ("AWS4-HMAC-SHA256 Credential=default/20260101/us-east-1/{service}/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=0")


def _form(params, service="sqs", environ=None):
    headers = {"content-type": "application/x-www-form-urlencoded",
               "authorization": AUTH.format(service=service)}
    return wire.handle(wire.WireRequest("POST", "/", "", headers, urlencode(params)),
                       environ=environ)


def _json(target, body, environ=None):
    headers = {"content-type": "application/x-amz-json-1.0", "x-amz-target": target,
               "authorization": AUTH.format(service="sqs")}
    return wire.handle(wire.WireRequest("POST", "/", "", headers, json.dumps(body)),
                       environ=environ)


def _deny_queue():
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Principal": "*", "Action": "sqs:SendMessage", "Resource": ARN}]})
    created = _form({"Action": "CreateQueue", "QueueName": "q",
                     "Attribute.1.Name": "Policy", "Attribute.1.Value": policy})
    assert created.status == 200, created.body


def test_query_protocol_access_denied_is_403():
    _deny_queue()
    sent = _form({"Action": "SendMessage", "QueueUrl": URL, "MessageBody": "x"})
    assert sent.status == 403, sent.body
    assert b"<Code>AccessDenied</Code>" in sent.body
    assert f"<Message>Access to the resource {URL} is denied.</Message>".encode() in sent.body


def test_json_protocol_access_denied_is_403_with_the_query_code():
    _deny_queue()
    sent = _json("AmazonSQS.SendMessage", {"QueueUrl": URL, "MessageBody": "x"})
    assert sent.status == 403, sent.body
    assert sent.headers["x-amzn-query-error"] == "AccessDenied;Sender"
    assert json.loads(sent.body)["message"] == f"Access to the resource {URL} is denied."


def test_another_account_over_the_wire_needs_an_allow():
    assert _form({"Action": "CreateQueue", "QueueName": "q"}).status == 200
    other = {**os.environ, "AWSLOCAL_ACCOUNT_ID": OTHER}
    refused = _json("AmazonSQS.SendMessage", {"QueueUrl": URL, "MessageBody": "x"}, other)
    assert refused.status == 403, refused.body
    granted = _json("AmazonSQS.AddPermission", {
        "QueueUrl": URL, "Label": "partner", "AWSAccountIds": [OTHER],
        "Actions": ["SendMessage"]})
    assert granted.status == 200, granted.body
    sent = _json("AmazonSQS.SendMessage", {"QueueUrl": URL, "MessageBody": "x"}, other)
    assert sent.status == 200, sent.body


@pytest.mark.parametrize("policy", [
    '{"foo":1}', '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*"}]}'])
def test_malformed_policy_is_invalid_attribute_value(policy):
    created = _json("AmazonSQS.CreateQueue", {"QueueName": "q", "Attributes": {"Policy": policy}})
    assert created.status == 400, created.body
    assert created.headers["x-amzn-query-error"] == "InvalidAttributeValue;Sender"
    assert json.loads(created.body)["message"] == "Invalid value for the parameter Policy."


def test_sns_publish_denied_by_data_protection_is_authorization_error():
    policy = json.dumps({"Name": "p", "Version": "2021-06-01", "Statement": [{
        "DataDirection": "Inbound", "Principal": ["*"],
        "DataIdentifier": ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"],
        "Operation": {"Deny": {}}}]})
    created = _form({"Action": "CreateTopic", "Name": "t", "DataProtectionPolicy": policy},
                    service="sns")
    assert created.status == 200, created.body
    topic = f"arn:aws:sns:us-east-1:{ACCOUNT}:t"
    published = _form({"Action": "Publish", "TopicArn": topic, "Message": "a@example.com"},
                      service="sns")
    assert published.status == 403, published.body
    assert b"<Code>AuthorizationError</Code>" in published.body
