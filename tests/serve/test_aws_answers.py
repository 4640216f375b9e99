"""Behaviours where AWS answers otherwise than a reading of the model suggests (issue 20 §1).

Each runs twice through boto3: in process (awslocal_cli.sdk) and over `awslocal serve`.
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError


@pytest.fixture(params=["in-process", "serve"])
def aws(request, tmp_path):
    """boto3 clients on one door: aws("sqs")."""
    if request.param == "serve":
        remote = request.getfixturevalue("remote")
        return lambda service: remote(service)
    from awslocal_cli import sdk

    state = tmp_path / "state"
    return lambda service: sdk.client(service, state_dir=state, region="us-east-1")


def _error(call, **kwargs):
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    return info.value.response["Error"]["Code"], info.value.response["Error"]["Message"]


def test_fifo_receive_fills_the_batch_from_several_groups(aws, request):
    sqs = aws("sqs")
    name = f"groups-{request.node.callspec.id}.fifo"
    url = sqs.create_queue(QueueName=name, Attributes={
        "FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
    for body, group in (("1a", "1"), ("2a", "2"), ("1b", "1")):
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId=group)
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in got] == ["1a", "1b", "2a"]


def test_a_bare_queue_name_is_the_callers_queue(aws, request):
    sqs = aws("sqs")
    name = f"bare-{request.node.callspec.id}"
    sqs.create_queue(QueueName=name)
    sqs.send_message(QueueUrl=name, MessageBody="by name")
    got = sqs.receive_message(QueueUrl=name)["Messages"]
    assert [m["Body"] for m in got] == ["by name"]
    sqs.delete_message(QueueUrl=name, ReceiptHandle=got[0]["ReceiptHandle"])
    attrs = sqs.get_queue_attributes(QueueUrl=name, AttributeNames=["All"])["Attributes"]
    assert attrs["ApproximateNumberOfMessages"] == attrs[
        "ApproximateNumberOfMessagesNotVisible"] == "0"
    code, _ = _error(sqs.send_message, QueueUrl="http://whatever-incorrect-queue-address",
                     MessageBody="x")
    assert code == "AWS.SimpleQueueService.NonExistentQueue"


def test_an_earlier_receipt_handle_changes_visibility_and_deletes(aws, request):
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName=f"handles-{request.node.callspec.id}")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="m")
    first = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"][0]
    second = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"][0]
    assert first["ReceiptHandle"] != second["ReceiptHandle"]
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"],
                                  VisibilityTimeout=600)
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    batch = sqs.change_message_visibility_batch(QueueUrl=url, Entries=[
        {"Id": "a", "ReceiptHandle": first["ReceiptHandle"], "VisibilityTimeout": 0}])
    assert [e["Id"] for e in batch["Successful"]] == ["a"] and not batch.get("Failed")
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])
    assert "Messages" not in sqs.receive_message(QueueUrl=url)


def test_add_permission_refuses_eight_actions(aws, request):
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName=f"perm-{request.node.callspec.id}")["QueueUrl"]
    actions = ["SendMessage", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility",
               "GetQueueAttributes", "GetQueueUrl", "PurgeQueue", "ListQueueTags"]
    with pytest.raises(ClientError) as info:
        sqs.add_permission(QueueUrl=url, Label="l", AWSAccountIds=["111122223333"],
                           Actions=actions)
    error = info.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "OverLimit", "8 Actions were found, maximum allowed is 7.")
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_an_empty_filter_policy_removes_it(aws, request):
    sns, sqs = aws("sns"), aws("sqs")
    suffix = request.node.callspec.id
    topic = sns.create_topic(Name=f"filtered-{suffix}")["TopicArn"]
    url = sqs.create_queue(QueueName=f"filtered-{suffix}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "sqs:SendMessage", "Resource": arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": topic}}}]})})
    sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={
        "FilterPolicy": json.dumps({"color": ["red"]}), "RawMessageDelivery": "true"})[
        "SubscriptionArn"]
    sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="FilterPolicy",
                                    AttributeValue="{}")
    attrs = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    assert "FilterPolicy" not in attrs
    sns.publish(TopicArn=topic, Message="unfiltered")
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=url)["Messages"]] == ["unfiltered"]


def test_sms_endpoints_and_the_sms_length(aws, request):
    sns = aws("sns")
    topic = sns.create_topic(Name=f"sms-{request.node.callspec.id}")["TopicArn"]
    assert sns.subscribe(TopicArn=topic, Protocol="sms", Endpoint="+15/55-123.4567")[
        "SubscriptionArn"].startswith(topic + ":")
    assert _error(sns.subscribe, TopicArn=topic, Protocol="sms", Endpoint="+15--551234567") == (
        "InvalidParameter", "Invalid SMS endpoint: +15--551234567")
    assert sns.publish(PhoneNumber="+15555550100", Message="x" * 1600)["MessageId"]
    assert _error(sns.publish, PhoneNumber="+15555550100", Message="x" * 1601) == (
        "InvalidParameter", "Invalid parameter: Message too long")


def test_create_alias_refuses_a_colon(aws, request):
    kms = aws("kms")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    name = f"alias/{request.node.callspec.id}:x"
    assert _error(kms.create_alias, AliasName=name, TargetKeyId=key) == (
        "ValidationException", f"{name} contains invalid characters for an alias")


def test_errors_aws_sends_without_a_message(aws):
    kms = aws("kms")
    rsa = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    assert _error(kms.rotate_key_on_demand, KeyId=rsa) == ("UnsupportedOperationException", "")
    ecc = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="KEY_AGREEMENT")["KeyMetadata"][
        "KeyId"]
    assert _error(kms.derive_shared_secret, KeyId=ecc, KeyAgreementAlgorithm="ECDH",
                  PublicKey=b"junk") == ("ValidationException", "")


def test_replicate_key_leaves_out_replica_tags_when_none(aws):
    kms = aws("kms")
    key = kms.create_key(MultiRegion=True)["KeyMetadata"]["KeyId"]
    out = kms.replicate_key(KeyId=key, ReplicaRegion="eu-west-1")
    assert "ReplicaTags" not in out and out["ReplicaKeyMetadata"]["KeyId"] == key
    tagged = kms.create_key(MultiRegion=True)["KeyMetadata"]["KeyId"]
    out = kms.replicate_key(KeyId=tagged, ReplicaRegion="eu-west-1",
                            Tags=[{"TagKey": "k", "TagValue": "v"}])
    assert out["ReplicaTags"] == [{"TagKey": "k", "TagValue": "v"}]


def test_import_parameters_for_ecc_material_under_rsaes_oaep(aws):
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, padding

    kms = aws("kms")
    key = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY", Origin="EXTERNAL")[
        "KeyMetadata"]["KeyId"]
    params = kms.get_parameters_for_import(KeyId=key, WrappingAlgorithm="RSAES_OAEP_SHA_256",
                                           WrappingKeySpec="RSA_2048")
    wrapping = serialization.load_der_public_key(params["PublicKey"])
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)

    def wrap(material):
        return wrapping.encrypt(material, oaep)

    other = ec.generate_private_key(ec.SECP384R1()).private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    code, _ = _error(kms.import_key_material, KeyId=key, ImportToken=params["ImportToken"],
                     EncryptedKeyMaterial=wrap(other),
                     ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")
    assert code == "IncorrectKeyMaterialException"
    private = ec.generate_private_key(ec.SECP256R1())
    material = private.private_bytes(serialization.Encoding.DER,
                                     serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption())
    kms.import_key_material(KeyId=key, ImportToken=params["ImportToken"],
                            EncryptedKeyMaterial=wrap(material),
                            ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")
    signature = kms.sign(KeyId=key, Message=b"m", SigningAlgorithm="ECDSA_SHA_256")["Signature"]
    private.public_key().verify(signature, b"m", ec.ECDSA(hashes.SHA256()))


def test_list_aliases_shows_the_predefined_aws_aliases(aws, request):
    kms = aws("kms")
    # The serve fixture shares one state across tests: look at the predefined ones only.
    listed = {a["AliasName"]: a for a in kms.get_paginator("list_aliases").paginate()
              .build_full_result()["Aliases"]}
    predefined = [name for name in listed if name.startswith("alias/aws/")]
    assert {"alias/aws/acm", "alias/aws/dynamodb", "alias/aws/ebs", "alias/aws/lambda",
            "alias/aws/rds", "alias/aws/s3", "alias/aws/secretsmanager",
            "alias/aws/ssm"} <= set(predefined)
    assert predefined == sorted(predefined)
    entry = listed["alias/aws/ebs"]
    assert entry["AliasArn"].endswith(":alias/aws/ebs")
    if "TargetKeyId" not in entry:
        assert "CreationDate" not in entry
    # DescribeKey on a predefined alias creates its AWS managed key, which ListAliases then names.
    managed = kms.describe_key(KeyId="alias/aws/ebs")["KeyMetadata"]
    assert managed["KeyManager"] == "AWS"
    again = {a["AliasName"]: a for a in kms.list_aliases(Limit=100)["Aliases"]}
    assert again["alias/aws/ebs"]["TargetKeyId"] == managed["KeyId"]
    # alias/aws/sqs is the queue's managed key, created on first use, as before.
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName=f"managed-{request.node.callspec.id}",
                           Attributes={"KmsMasterKeyId": "alias/aws/sqs"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="sealed")
    assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "sealed"
    sqs_alias = {a["AliasName"]: a for a in kms.list_aliases(Limit=100)["Aliases"]}["alias/aws/sqs"]
    assert sqs_alias["TargetKeyId"]
    # One page after another covers the list once, the predefined ones included.
    first = kms.list_aliases(Limit=3)
    assert first["Truncated"] and len(first["Aliases"]) == 3
    rest = kms.list_aliases(Marker=first["NextMarker"], Limit=100)["Aliases"]
    names = [a["AliasName"] for a in first["Aliases"] + rest]
    assert len(names) == len(set(names)) and set(names) == set(again) | {"alias/aws/sqs"}
