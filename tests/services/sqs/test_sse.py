"""SQS server-side encryption: SSE-SQS, SSE-KMS, data key reuse, key states, storage."""

from __future__ import annotations

import json
import sqlite3

import pytest

from awslocal_cli.errors import sqs as err
from awslocal_cli.services import kms, sqs


def _events(inv, name):
    return inv.sql("SELECT count(*) FROM events WHERE event_name = ? AND invoked_by IS NOT NULL",
                   name)[0][0]


@pytest.fixture
def key(inv):
    return inv(kms.create_key)["KeyMetadata"]["KeyId"]


def _key_ref(inv, key, form):
    arn = f"arn:aws:kms:us-east-1:123456789012:key/{key}"
    if form in ("alias", "alias_arn"):
        inv(kms.create_alias, AliasName="alias/MyKey", TargetKeyId=key)
        return "alias/MyKey" if form == "alias" else \
            "arn:aws:kms:us-east-1:123456789012:alias/MyKey"
    return key if form == "id" else arn


@pytest.mark.parametrize("form", ["id", "arn", "alias", "alias_arn"])
def test_sse_kms_round_trip_with_every_key_form(inv, key, form):
    ref = _key_ref(inv, key, form)
    url = inv(sqs.create_queue, QueueName="q", Attributes={"KmsMasterKeyId": ref})["QueueUrl"]
    attrs = inv(sqs.get_queue_attributes, QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["KmsMasterKeyId"] == ref
    assert attrs["KmsDataKeyReusePeriodSeconds"] == "300"
    assert attrs["SqsManagedSseEnabled"] == "false"
    sent = inv(sqs.send_message, QueueUrl=url, MessageBody="top secret")
    info = inv(sqs.inspect_message, QueueUrl=url, MessageId=sent["MessageId"])
    assert info["Encryption"] == "SSE-KMS"
    assert info["KmsKeyArn"] == f"arn:aws:kms:us-east-1:123456789012:key/{key}"
    assert b"top secret" not in inv.sql("SELECT body FROM sqs_messages")[0][0]
    got = inv(sqs.receive_message, QueueUrl=url)["Messages"][0]
    assert got["Body"] == "top secret"


def test_managed_key_created_on_first_use(inv):
    url = inv(sqs.create_queue, QueueName="q",
              Attributes={"KmsMasterKeyId": "alias/aws/sqs"})["QueueUrl"]
    assert not any(a["AliasName"] == "alias/aws/sqs" for a in inv(kms.list_aliases)["Aliases"])
    inv(sqs.send_message, QueueUrl=url, MessageBody="x")
    aliases = inv(kms.list_aliases)["Aliases"]
    assert any(a["AliasName"] == "alias/aws/sqs" and a.get("TargetKeyId") for a in aliases)
    assert inv(sqs.receive_message, QueueUrl=url)["Messages"][0]["Body"] == "x"


def test_data_key_reuse_period_limits_kms_calls(inv, key):
    url = inv(sqs.create_queue, QueueName="q", Attributes={
        "KmsMasterKeyId": key, "KmsDataKeyReusePeriodSeconds": "60"})["QueueUrl"]
    for i in range(5):
        inv(sqs.send_message, QueueUrl=url, MessageBody=f"m{i}")
    assert _events(inv, "GenerateDataKey") == 1
    inv.advance(seconds=61)
    inv(sqs.send_message, QueueUrl=url, MessageBody="m5")
    assert _events(inv, "GenerateDataKey") == 2
    got = inv(sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert len(got) == 6
    assert _events(inv, "Decrypt") == 2  # one per data key
    inv(sqs.change_message_visibility_batch, QueueUrl=url, Entries=[
        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
        for i, m in enumerate(got)])
    inv(sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=10)
    assert _events(inv, "Decrypt") == 2  # still fresh
    events = inv.sql("SELECT username, invoked_by FROM events WHERE event_name = 'Decrypt'")
    assert events[0] == ("default", "sqs.us-east-1.amazonaws.com")


def test_disabled_key_fails_once_reuse_period_lapses(inv, key):
    url = inv(sqs.create_queue, QueueName="q", Attributes={"KmsMasterKeyId": key})["QueueUrl"]
    inv(sqs.send_message, QueueUrl=url, MessageBody="before")
    inv(kms.disable_key, KeyId=key)
    inv(sqs.send_message, QueueUrl=url, MessageBody="cached key still serves")
    inv.advance(seconds=301)
    with pytest.raises(err.KmsDisabled) as exc:
        inv(sqs.send_message, QueueUrl=url, MessageBody="after")
    assert exc.value.code == "KMS.DisabledException"
    assert "Service: AWSKMS" in exc.value.message
    with pytest.raises(err.KmsDisabled):
        inv(sqs.receive_message, QueueUrl=url)
    inv(kms.enable_key, KeyId=key)
    got = inv(sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert sorted(m["Body"] for m in got) == ["before", "cached key still serves"]


def test_deleted_key_makes_messages_unrecoverable(inv, key):
    url = inv(sqs.create_queue, QueueName="q", Attributes={
        "KmsMasterKeyId": key, "MessageRetentionPeriod": "1209600"})["QueueUrl"]
    inv(sqs.send_message, QueueUrl=url, MessageBody="doomed")
    inv(kms.schedule_key_deletion, KeyId=key, PendingWindowInDays=7)
    inv.advance(seconds=301)
    with pytest.raises(err.KmsInvalidState):
        inv(sqs.receive_message, QueueUrl=url)
    inv.advance(days=8)
    with pytest.raises(err.KmsNotFound):
        inv(sqs.receive_message, QueueUrl=url)


def test_key_policy_denial(inv):
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt",
         "Resource": "*"}]}
    key = inv(kms.create_key, Policy=json.dumps(policy))["KeyMetadata"]["KeyId"]
    url = inv(sqs.create_queue, QueueName="q", Attributes={"KmsMasterKeyId": key})["QueueUrl"]
    inv(sqs.send_message, QueueUrl=url, MessageBody="x")
    with pytest.raises(err.KmsAccessDenied) as exc:
        inv(sqs.receive_message, QueueUrl=url)
    assert exc.value.code == "KMS.AccessDeniedException"


def test_wrong_key_usage(inv):
    key = inv(kms.create_key, KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"][
        "KeyId"]
    url = inv(sqs.create_queue, QueueName="q", Attributes={"KmsMasterKeyId": key})["QueueUrl"]
    with pytest.raises(err.KmsInvalidKeyUsage):
        inv(sqs.send_message, QueueUrl=url, MessageBody="x")
    url2 = inv(sqs.create_queue, QueueName="q2",
               Attributes={"KmsMasterKeyId": "alias/nope"})["QueueUrl"]
    with pytest.raises(err.KmsNotFound):
        inv(sqs.send_message, QueueUrl=url2, MessageBody="x")


def test_old_messages_keep_their_encryption(inv, key):
    url = inv(sqs.create_queue, QueueName="q",
              Attributes={"SqsManagedSseEnabled": "false"})["QueueUrl"]
    ids = [inv(sqs.send_message, QueueUrl=url, MessageBody="plain")["MessageId"]]
    inv(sqs.set_queue_attributes, QueueUrl=url, Attributes={"KmsMasterKeyId": key})
    ids.append(inv(sqs.send_message, QueueUrl=url, MessageBody="kms")["MessageId"])
    inv(sqs.set_queue_attributes, QueueUrl=url, Attributes={"SqsManagedSseEnabled": "true"})
    attrs = inv(sqs.get_queue_attributes, QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert "KmsMasterKeyId" not in attrs and attrs["SqsManagedSseEnabled"] == "true"
    ids.append(inv(sqs.send_message, QueueUrl=url, MessageBody="sqs")["MessageId"])
    inv(sqs.set_queue_attributes, QueueUrl=url, Attributes={"SqsManagedSseEnabled": "false"})
    ids.append(inv(sqs.send_message, QueueUrl=url, MessageBody="plain again")["MessageId"])
    kinds = [inv(sqs.inspect_message, QueueUrl=url, MessageId=i)["Encryption"] for i in ids]
    assert kinds == ["NONE", "SSE-KMS", "SSE-SQS", "NONE"]
    got = inv(sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert sorted(m["Body"] for m in got) == ["kms", "plain", "plain again", "sqs"]


def test_dlq_move_keeps_encryption(inv, key):
    dlq = inv(sqs.create_queue, QueueName="dlq",
              Attributes={"SqsManagedSseEnabled": "false"})["QueueUrl"]
    src = inv(sqs.create_queue, QueueName="src", Attributes={
        "KmsMasterKeyId": key, "RedrivePolicy": json.dumps({
            "deadLetterTargetArn": "arn:aws:sqs:us-east-1:123456789012:dlq",
            "maxReceiveCount": 1})})["QueueUrl"]
    sent = inv(sqs.send_message, QueueUrl=src, MessageBody="enc")
    inv(sqs.receive_message, QueueUrl=src, VisibilityTimeout=0)
    assert inv(sqs.receive_message, QueueUrl=src) == {}
    info = inv(sqs.inspect_message, QueueUrl=dlq, MessageId=sent["MessageId"])
    assert info["Encryption"] == "SSE-KMS"
    assert inv(sqs.receive_message, QueueUrl=dlq)["Messages"][0]["Body"] == "enc"


def test_ciphertext_is_bound_to_queue_and_message(inv):
    url = inv(sqs.create_queue, QueueName="q")["QueueUrl"]
    inv(sqs.send_message, QueueUrl=url, MessageBody="one")
    inv(sqs.send_message, QueueUrl=url, MessageBody="two")
    ctx = inv.context()
    rows = ctx.db.execute("SELECT id, body FROM sqs_messages ORDER BY id").fetchall()
    ctx.db.execute("UPDATE sqs_messages SET body = ? WHERE id = ?", (rows[0][1], rows[1][0]))
    ctx.session.finish(True)
    ctx.session.close()
    got = inv(sqs.receive_message, QueueUrl=url)["Messages"][0]
    assert got["Body"] == "one"
    with pytest.raises(err.KmsInvalidState):
        inv(sqs.receive_message, QueueUrl=url)


def test_inspect_message_never_shows_plaintext(inv, key):
    url = inv(sqs.create_queue, QueueName="q", Attributes={"KmsMasterKeyId": key})["QueueUrl"]
    sent = inv(sqs.send_message, QueueUrl=url, MessageBody="classified",
               MessageAttributes={"k": {"DataType": "String", "StringValue": "v"}})
    info = inv(sqs.inspect_message, QueueUrl=url, MessageId=sent["MessageId"])
    assert "classified" not in repr(info)
    assert info["WrappedDataKey"] and info["DataKeyId"]
    assert info["StoredBodyLength"] > len("classified")
    assert len(info["CiphertextPrefixHex"]) == 32
    assert info["MessageAttributes"] == {"k": {"DataType": "String", "StringValue": "v"}}


def test_no_plaintext_body_anywhere_in_state_dir(inv, key):
    marker = "PLAINTEXT-MARKER-7f3a"
    kms_url = inv(sqs.create_queue, QueueName="k", Attributes={"KmsMasterKeyId": key})[
        "QueueUrl"]
    sqs_url = inv(sqs.create_queue, QueueName="s")["QueueUrl"]
    # A reader holding a snapshot from before the sends keeps every page they write in the
    # WAL (no checkpoint can pass it, and the WAL is not removed while it is open), so the
    # scan below sees the WAL as a crash would leave it, not only the checkpointed database.
    reader = sqlite3.connect(inv.state_dir / "state.db")
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM sqlite_master").fetchone()
        for url in (kms_url, sqs_url):
            for i in range(20):
                inv(sqs.send_message, QueueUrl=url, MessageBody=f"{marker}-{i}")
            inv(sqs.send_message_batch, QueueUrl=url, Entries=[
                {"Id": str(i), "MessageBody": f"{marker}-batch-{i}"} for i in range(10)])
            got = inv(sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
            assert all(marker in m["Body"] for m in got)
        wal = inv.state_dir / "state.db-wal"
        assert wal.stat().st_size > 0
        scanned = set()
        for path in inv.state_dir.rglob("*"):
            if path.is_file():
                scanned.add(path.name)
                data = path.read_bytes()
                assert marker.encode() not in data, path
                assert marker.encode("utf-16-le") not in data, path
        assert {"state.db", "state.db-wal", "root.key"} <= scanned
    finally:
        reader.close()
