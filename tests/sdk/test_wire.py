"""The wire layer itself: the query protocol for SQS, identity, routing and error answers."""

from __future__ import annotations

import gzip
import json
import pathlib
from urllib.parse import urlencode

import boto3
import botocore
import botocore.session
import pytest
from botocore.model import ServiceModel
from botocore.parsers import create_parser

from awslocal_cli import wire
from awslocal_cli.errors import sqs as sqs_errors
from awslocal_cli.sdk import InProcessSender
from awslocal_cli.wire import shapes

ACCOUNT = "123456789012"
AUTH = ("AWS4-HMAC-SHA256 Credential={key}/20260101/{region}/{service}/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=0")


def _auth(service, key="default", region="us-east-1"):
    return {"authorization": AUTH.format(key=key, region=region, service=service)}


def _botocore_model(service):
    path = pathlib.Path(botocore.__file__).parent / "data" / service
    [version] = [p for p in path.iterdir() if p.is_dir()]
    return json.loads(gzip.decompress((version / "service-2.json.gz").read_bytes()))


def _sqs_query_model():
    """botocore's SQS model as the query protocol had it: legacy names and error codes."""
    model = _botocore_model("sqs")
    meta = model["metadata"]
    meta.update(protocol="query", protocols=["query"], xmlNamespace=shapes.SQS_XML_NAMESPACE)
    for key in ("jsonVersion", "targetPrefix", "awsQueryCompatible"):
        meta.pop(key, None)
    query = shapes.query_model("sqs")
    for name, shape in model["shapes"].items():
        mine = query["shapes"].get(name)
        if mine is None:
            continue
        for key in ("flattened",):
            if key in mine:
                shape[key] = mine[key]
        for part in ("member", "key", "value"):
            if part in mine and "locationName" in mine[part]:
                shape[part]["locationName"] = mine[part]["locationName"]
        for member, ref in shape.get("members", {}).items():
            if "locationName" in mine["members"][member]:
                ref["locationName"] = mine["members"][member]["locationName"]
        error = getattr(sqs_errors, name, None)
        if shape.get("exception") and error is not None:
            shape["error"] = {"code": error.code, "httpStatusCode": 400, "senderFault": True}
    for op in model["operations"].values():
        if op.get("output"):
            op["output"]["resultWrapper"] = f"{op['name']}Result"
    return model


@pytest.fixture
def sqs_query(tmp_path):
    """A boto3 SQS client that speaks the query protocol (as SDKs before 2023 did)."""
    model = _sqs_query_model()
    folder = tmp_path / "models" / "sqs" / model["metadata"]["apiVersion"]
    folder.mkdir(parents=True)
    (folder / "service-2.json").write_text(json.dumps(model))
    core = botocore.session.get_session()
    core.get_component("data_loader").search_paths.insert(0, str(tmp_path / "models"))
    session = boto3.Session(botocore_session=core, aws_access_key_id="default",
                            aws_secret_access_key="x", region_name="us-east-1")
    session.events.register("before-send", InProcessSender())
    sent = []
    session.events.register("before-send", lambda request, **_: sent.append(request) and None)
    client = session.client("sqs")
    assert client.meta.service_model.protocol == "query"
    client.sent = sent
    return client


def test_sqs_query_protocol_through_a_query_client(sqs_query):
    url = sqs_query.create_queue(
        QueueName="legacy", Attributes={"VisibilityTimeout": "7"}, tags={"team": "a"})["QueueUrl"]
    assert "Attribute.1.Name=VisibilityTimeout" in str(sqs_query.sent[-1].body)
    assert url == f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/legacy"
    assert sqs_query.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])[
        "Attributes"]["VisibilityTimeout"] == "7"
    assert sqs_query.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "a"}
    # MD5s are checked by botocore on the query route too.
    sqs_query.send_message(QueueUrl=url, MessageBody="b1", MessageAttributes={
        "bin": {"DataType": "Binary", "BinaryValue": b"\x01\x02"},
        "str": {"DataType": "String", "StringValue": "s"}})
    batch = sqs_query.send_message_batch(QueueUrl=url, Entries=[
        {"Id": "a", "MessageBody": "b2"}, {"Id": "b", "MessageBody": "b3", "DelaySeconds": 0}])
    assert sorted(e["Id"] for e in batch["Successful"]) == ["a", "b"]
    got = sqs_query.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                    MessageAttributeNames=["All"], AttributeNames=["All"])
    bodies = sorted(m["Body"] for m in got["Messages"])
    assert bodies == ["b1", "b2", "b3"]
    first = next(m for m in got["Messages"] if m["Body"] == "b1")
    assert first["MessageAttributes"]["bin"]["BinaryValue"] == b"\x01\x02"
    assert first["Attributes"]["ApproximateReceiveCount"] == "1"
    deleted = sqs_query.delete_message_batch(QueueUrl=url, Entries=[
        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got["Messages"])])
    assert len(deleted["Successful"]) == 3
    assert sqs_query.list_queues()["QueueUrls"] == [url]
    with pytest.raises(sqs_query.exceptions.QueueDoesNotExist) as info:
        sqs_query.get_queue_url(QueueName="missing")
    assert info.value.response["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"


def _post_form(params, service="sqs", endpoint=None, path="/"):
    body = urlencode(params)
    return wire.handle(wire.WireRequest(
        "POST", path, "", {"content-type": "application/x-www-form-urlencoded", **_auth(service)},
        body, endpoint=endpoint))


def _parse_query(service_model, operation, response):
    parser = create_parser("query")
    op = service_model.operation_model(operation)
    return parser.parse({"status_code": response.status, "headers": response.headers,
                         "body": response.body}, op.output_shape)


def test_sqs_query_form_posted_as_the_docs_show_and_an_endpoint_url():
    """The request of the SQS API reference, posted by hand; URLs use the endpoint addressed."""
    model = ServiceModel(_sqs_query_model(), "sqs")
    created = _post_form({"Action": "CreateQueue", "Version": "2012-11-05",
                          "QueueName": "docs", "Attribute.1.Name": "DelaySeconds",
                          "Attribute.1.Value": "0"}, endpoint="http://127.0.0.1:4566")
    assert created.status == 200, created.body
    assert b"<CreateQueueResponse" in created.body and b"<RequestId>" in created.body
    url = _parse_query(model, "CreateQueue", created)["QueueUrl"]
    assert url == f"http://127.0.0.1:4566/{ACCOUNT}/docs"
    # Both URL forms address the same queue; the legacy path form needs no QueueUrl at all.
    for extra, path in (({"QueueUrl": url}, "/"),
                        ({"QueueUrl": f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/docs"}, "/"),
                        ({}, f"/{ACCOUNT}/docs")):
        sent = _post_form({"Action": "SendMessage", "MessageBody": "hi", **extra},
                          endpoint="http://127.0.0.1:4566", path=path)
        assert sent.status == 200, sent.body
    received = _post_form({"Action": "ReceiveMessage", "QueueUrl": url,
                           "MaxNumberOfMessages": "10", "AttributeName.1": "All"})
    messages = _parse_query(model, "ReceiveMessage", received)["Messages"]
    assert [m["Body"] for m in messages] == ["hi", "hi", "hi"]
    assert b"<Attribute><Name>" in received.body
    missing = _post_form({"Action": "GetQueueUrl", "QueueName": "nope"})
    assert missing.status == 400
    assert b"<Code>AWS.SimpleQueueService.NonExistentQueue</Code>" in missing.body
    assert b"<Type>Sender</Type>" in missing.body


def test_sns_and_sts_errors_are_error_responses():
    model = ServiceModel(_botocore_model("sns"), "sns")
    response = _post_form({"Action": "GetTopicAttributes", "Version": "2010-03-31",
                           "TopicArn": f"arn:aws:sns:us-east-1:{ACCOUNT}:none"}, service="sns")
    assert response.status == 404
    parsed = _parse_query(model, "GetTopicAttributes", response)
    assert parsed["Error"]["Code"] == "NotFound"
    assert parsed["ResponseMetadata"]["RequestId"] == response.headers["x-amzn-requestid"]
    unknown = _post_form({"Action": "MakeCoffee", "Version": "2011-06-15"}, service="sts")
    assert unknown.status == 400 and b"<Code>InvalidAction</Code>" in unknown.body


def test_requests_without_credentials_are_refused():
    sns = wire.handle(wire.WireRequest("POST", "/", "", {}, "Action=ListTopics"))
    assert sns.status == 403 and b"<Code>MissingAuthenticationToken</Code>" in sns.body
    kms = wire.handle(wire.WireRequest("POST", "/", "", {"x-amz-target": "TrentService.ListKeys"},
                                       "{}"))
    assert kms.status == 400
    assert json.loads(kms.body)["__type"] == "MissingAuthenticationTokenException"
    bad = wire.handle(wire.WireRequest("POST", "/", "", {
        "x-amz-target": "TrentService.ListKeys", "authorization": "Bearer x"}, "{}"))
    assert json.loads(bad.body)["__type"] == "IncompleteSignatureException"


def test_the_subscribe_url_confirms_without_credentials(awslocal):
    # AWS accepts the SubscribeURL's GET unsigned; the topic's region comes from its ARN.
    model = ServiceModel(_botocore_model("sns"), "sns")
    topic = awslocal("sns", "create-topic", "--name", "t", "--region", "eu-west-1").json[
        "TopicArn"]
    assert awslocal("sns", "subscribe", "--topic-arn", topic, "--protocol", "email",
                    "--notification-endpoint", "a@example.com",
                    "--region", "eu-west-1").exit_code == 0
    [sent] = awslocal("local", "outbox", "--protocol", "email", "--region", "eu-west-1").json[
        "Messages"]
    assert sent["ConfirmCommand"].endswith(" --region eu-west-1")
    query = urlencode({"Action": "ConfirmSubscription", "TopicArn": topic,
                       "Token": sent["Token"]})
    response = wire.handle(wire.WireRequest("GET", "/", query, {}, b""))
    assert response.status == 200
    arn = _parse_query(model, "ConfirmSubscription", response)["SubscriptionArn"]
    assert arn.startswith(topic + ":")
    listed = awslocal("sns", "list-subscriptions", "--region", "eu-west-1").json
    assert [s["SubscriptionArn"] for s in listed["Subscriptions"]] == [arn]
    # Any other action still needs credentials.
    other = wire.handle(wire.WireRequest("GET", "/", urlencode(
        {"Action": "GetTopicAttributes", "TopicArn": topic}), {}, b""))
    assert other.status == 403


def test_json_unknown_operation_malformed_body_and_missing_member():
    def call(target, body, service="kms"):
        response = wire.handle(wire.WireRequest("POST", "/", "", {
            "x-amz-target": target, **_auth(service)}, body))
        return response.status, json.loads(response.body), response.headers

    status, body, _ = call("TrentService.MakeCoffee", "{}")
    assert (status, body["__type"]) == (400, "UnknownOperationException")
    status, body, _ = call("Nobody.ListKeys", "{}")
    assert (status, body["__type"]) == (400, "UnknownOperationException")
    status, body, _ = call("TrentService.ListKeys", "{not json")
    assert (status, body["__type"]) == (400, "SerializationException")
    status, body, _ = call("TrentService.DescribeKey", "{}")
    assert (status, body["__type"]) == (400, "ValidationException")
    status, body, headers = call("AmazonSQS.SendMessage", '{"MessageBody":"x"}', "sqs")
    assert status == 400 and headers["x-amzn-query-error"] == "MissingParameter;Sender"


def test_an_unexpected_exception_is_a_500_without_traceback(monkeypatch):
    from awslocal_cli import dispatch

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(dispatch, "call", broken)
    response = wire.handle(wire.WireRequest("POST", "/", "", {
        "x-amz-target": "TrentService.ListKeys", **_auth("kms")}, "{}"))
    assert response.status == 500
    assert json.loads(response.body) == {
        "__type": "InternalFailure",
        "message": "We encountered an internal error. Please try again."}
    assert b"secret" not in response.body and isinstance(response.exception, RuntimeError)


def test_region_comes_from_the_credential_scope():
    def create(region):
        return wire.handle(wire.WireRequest("POST", "/", "", {
            "x-amz-target": "AmazonSQS.CreateQueue",
            **_auth("sqs", region=region)}, '{"QueueName":"r"}'))

    assert json.loads(create("eu-west-1").body)["QueueUrl"] == (
        f"https://sqs.eu-west-1.amazonaws.com/{ACCOUNT}/r")
