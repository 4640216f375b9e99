"""SNS message data protection applied: Audit, Deidentify and Deny, inbound and outbound."""

from __future__ import annotations

import json

import pytest

from awslocal_cli.errors import AwsError
from awslocal_cli.services import sns, sqs
from awslocal_cli.services.sns import sensitive_data
from tests.services.sns.util import topic_queue

ACCOUNT = "123456789012"
ID = "arn:aws:dataprotection::aws:data-identifier/"
EMAIL = ID + "EmailAddress"
CARD = ID + "CreditCardNumber"


def _policy(*statements, custom=None):
    doc = {"Name": "p", "Version": "2021-06-01", "Statement": list(statements)}
    if custom:
        doc["Configuration"] = {"CustomDataIdentifier": custom}
    return json.dumps(doc)


def _statement(direction, identifiers, operation, principal=("*",)):
    return {"DataDirection": direction, "Principal": list(principal),
            "DataIdentifier": list(identifiers), "Operation": operation}


def _topic_with_raw_queue(inv, policy, name="t"):
    topic = inv(sns.create_topic, Name=name, DataProtectionPolicy=policy)["TopicArn"]
    url, arn = topic_queue(inv, f"{name}-q", topic)
    inv(sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=arn,
        Attributes={"RawMessageDelivery": "true"})
    return topic, url


def _bodies(inv, url):
    return [m["Body"] for m in inv(sqs.receive_message, QueueUrl=url,
                                   MaxNumberOfMessages=10).get("Messages", [])]


def test_inbound_deny_refuses_the_publish(inv):
    topic, url = _topic_with_raw_queue(
        inv, _policy(_statement("Inbound", [EMAIL], {"Deny": {}})))
    with pytest.raises(AwsError) as exc:
        inv(sns.publish, TopicArn=topic, Message="contact me at jane@example.com")
    assert exc.value.code == "AuthorizationError"
    assert topic in exc.value.message and "data protection policy" in exc.value.message
    inv(sns.publish, TopicArn=topic, Message="nothing to hide")
    assert _bodies(inv, url) == ["nothing to hide"]
    # The refused message went nowhere: not to the queue, not to the delivery log.
    assert inv.sql("SELECT COUNT(*) FROM sns_deliveries")[0][0] == 1


def test_inbound_deny_applies_only_to_the_principals_it_names(inv):
    publisher = f"arn:aws:iam::{ACCOUNT}:user/intern"
    topic, url = _topic_with_raw_queue(
        inv, _policy(_statement("Inbound", [EMAIL], {"Deny": {}}, principal=[publisher])))
    with pytest.raises(AwsError):
        inv(sns.publish, TopicArn=topic, Message="jane@example.com", profile="intern")
    inv(sns.publish, TopicArn=topic, Message="jane@example.com", profile="ops")
    assert _bodies(inv, url) == ["jane@example.com"]


def test_publish_batch_fails_only_the_sensitive_entry(inv):
    topic, url = _topic_with_raw_queue(
        inv, _policy(_statement("Inbound", [CARD], {"Deny": {}})))
    out = inv(sns.publish_batch, TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": "ok", "Message": "order shipped"},
        {"Id": "bad", "Message": "card number 4539 1488 0343 6467"}])
    assert [e["Id"] for e in out["Successful"]] == ["ok"]
    [failed] = out["Failed"]
    assert (failed["Id"], failed["Code"], failed["SenderFault"]) == (
        "bad", "AuthorizationError", True)
    assert _bodies(inv, url) == ["order shipped"]


@pytest.mark.parametrize("config,expected", [
    ({"MaskConfig": {"MaskWithCharacter": "#"}}, "mail ################ or call"),
    ({"MaskConfig": {}}, "mail **************** or call"),
    ({"RedactConfig": {}}, "mail  or call"),
])
def test_inbound_deidentify_masks_or_redacts_before_delivery(inv, config, expected):
    topic, url = _topic_with_raw_queue(
        inv, _policy(_statement("Inbound", [EMAIL], {"Deidentify": config})))
    inv(sns.publish, TopicArn=topic, Message="mail jane@example.com or call")
    assert _bodies(inv, url) == [expected]


def test_deidentify_applies_to_each_protocol_of_a_structured_message(inv):
    topic, url = _topic_with_raw_queue(
        inv, _policy(_statement("Inbound", [EMAIL], {"Deidentify": {"RedactConfig": {}}})))
    inv(sns.publish, TopicArn=topic, MessageStructure="json", Message=json.dumps(
        {"default": "to a@example.com", "sqs": "queue b@example.org!"}))
    assert _bodies(inv, url) == ["queue !"]


def test_entirely_sensitive_message_is_refused(inv):
    topic, _ = _topic_with_raw_queue(
        inv, _policy(_statement("Inbound", [EMAIL], {"Deidentify": {"RedactConfig": {}}})))
    with pytest.raises(AwsError) as exc:
        inv(sns.publish, TopicArn=topic, Message="  jane@example.com ")
    assert exc.value.code == "AuthorizationError"


def test_audit_logs_findings_without_the_data(inv):
    audit = {"Audit": {"SampleRate": "99", "FindingsDestination": {
        "CloudWatchLogs": {"LogGroup": "/aws/vendedlogs/findings"}}}}
    topic, url = _topic_with_raw_queue(inv, _policy(_statement("Inbound", [EMAIL, CARD], audit)))
    message = "jane@example.com paid by card 4539148803436467"
    ids = [inv(sns.publish, TopicArn=topic, Message=message)["MessageId"] for _ in range(5)]
    inv(sns.publish, TopicArn=topic, Message="nothing here")
    # Audit does not change what is delivered.
    assert _bodies(inv, url).count(message) == 5
    found = inv(sns.findings, topic_arn=topic)["Findings"]
    # SampleRate 99 audits 99 messages in 100, picked by message id.
    assert 1 <= len(found) <= 5 and {f["messageId"] for f in found} <= set(ids)
    record = found[0]
    assert record["resourceArn"] == topic
    assert record["callerPrincipal"] == f"arn:aws:iam::{ACCOUNT}:user/default"
    assert record["Destination"] == "CloudWatchLogs:/aws/vendedlogs/findings"
    assert record["auditTimestamp"].endswith("Z")
    assert record["dataIdentifiers"] == [
        {"name": "EmailAddress", "count": 1, "detections": [{"start": 0, "end": 16}]},
        {"name": "CreditCardNumber", "count": 1, "detections": [{"start": 30, "end": 46}]},
    ]
    # The finding names where the data is, never the data.
    rows = inv.sql("SELECT payload, reason FROM sns_deliveries WHERE status = 'audit'")
    assert all("jane@example.com" not in (payload or "") for payload, _ in rows)
    assert rows[0][1] == "Findings: EmailAddress x1, CreditCardNumber x1"


def test_audit_sample_rate_and_no_findings_destination(inv):
    none_rate = {"Audit": {"SampleRate": "0", "FindingsDestination": {"S3": {"Bucket": "b"}}}}
    topic, _ = _topic_with_raw_queue(inv, _policy(_statement("Inbound", [EMAIL], none_rate)))
    for _ in range(20):
        inv(sns.publish, TopicArn=topic, Message="jane@example.com")
    assert inv(sns.findings, topic_arn=topic) == {"Findings": []}
    clean = {"Audit": {"SampleRate": "99", "NoFindingsDestination": {"S3": {"Bucket": "b"}}}}
    other, _ = _topic_with_raw_queue(inv, _policy(_statement("Inbound", [EMAIL], clean)), "u")
    for _ in range(3):
        inv(sns.publish, TopicArn=other, Message="jane@example.com")  # findings: not logged
    for _ in range(5):
        inv(sns.publish, TopicArn=other, Message="clean")
    found = inv(sns.findings, topic_arn=other)["Findings"]
    assert 1 <= len(found) <= 5
    assert all(f["dataIdentifiers"] == [] and f["Destination"] == "S3:b" for f in found)


def test_outbound_deny_skips_the_subscriber_it_names(inv):
    subscriber = f"arn:aws:iam::{ACCOUNT}:user/analyst"
    policy = _policy(_statement("Outbound", [EMAIL], {"Deny": {}}, principal=[subscriber]))
    topic = inv(sns.create_topic, Name="t", DataProtectionPolicy=policy)["TopicArn"]
    open_url, open_arn = topic_queue(inv, "open", topic)
    shut_url, shut_arn = topic_queue(inv, "shut", topic)
    inv(sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=open_arn,
        Attributes={"RawMessageDelivery": "true"}, profile="ops")
    shut = inv(sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=shut_arn,
               Attributes={"RawMessageDelivery": "true"}, profile="analyst",
               ReturnSubscriptionArn=True)["SubscriptionArn"]
    inv(sns.publish, TopicArn=topic, Message="from jane@example.com")
    inv(sns.publish, TopicArn=topic, Message="no address")
    assert _bodies(inv, open_url) == ["from jane@example.com", "no address"]
    assert _bodies(inv, shut_url) == ["no address"]
    [refused] = inv(sns.deliveries, status="refused")["Deliveries"]
    assert refused["SubscriptionArn"] == shut
    assert refused["Reason"] == ("The topic's data protection policy prohibits this message "
                                 f"from being delivered to {shut}")


def test_custom_data_identifier(inv):
    policy = _policy(_statement("Inbound", ["EmployeeId"], {"Deidentify": {"MaskConfig": {}}}),
                     custom=[{"Name": "EmployeeId", "Regex": "EID-[0-9]{4}"}])
    topic, url = _topic_with_raw_queue(inv, policy)
    inv(sns.publish, TopicArn=topic, Message="badge EID-1234 issued")
    assert _bodies(inv, url) == ["badge ******** issued"]


def test_identifier_without_a_pattern_is_accepted_and_finds_nothing(inv):
    name = ID + "Name"
    assert not sensitive_data.supported(name)
    topic, url = _topic_with_raw_queue(inv, _policy(_statement("Inbound", [name], {"Deny": {}})))
    inv(sns.publish, TopicArn=topic, Message="John Smith")
    assert _bodies(inv, url) == ["John Smith"]


@pytest.mark.parametrize("operation", [
    {"Deidentify": {}},
    {"Deidentify": {"MaskConfig": {"MaskWithCharacter": "ab"}}},
    {"Deidentify": {"MaskConfig": {"MaskWithCharacter": "x"}}},
    {"Deidentify": {"MaskConfig": {}, "RedactConfig": {}}},
    {"Audit": {"SampleRate": "100"}},
])
def test_operations_are_validated_at_put(inv, operation):
    topic = inv(sns.create_topic, Name="t")["TopicArn"]
    with pytest.raises(AwsError) as exc:
        inv(sns.put_data_protection_policy, ResourceArn=topic,
            DataProtectionPolicy=_policy(_statement("Inbound", [EMAIL], operation)))
    assert exc.value.code == "InvalidParameter"
    assert exc.value.message.startswith("Invalid parameter: DataProtectionPolicy Reason: ")


def test_custom_identifier_regex_is_validated_at_put(inv):
    topic = inv(sns.create_topic, Name="t")["TopicArn"]
    with pytest.raises(AwsError) as exc:
        inv(sns.put_data_protection_policy, ResourceArn=topic, DataProtectionPolicy=_policy(
            _statement("Inbound", ["Broken"], {"Deny": {}}),
            custom=[{"Name": "Broken", "Regex": "EID-[0-9"}]))
    assert exc.value.message == ("Invalid parameter: DataProtectionPolicy Reason: the Regex of "
                                 "CustomDataIdentifier Broken is not valid")


def test_only_one_audit_statement(inv):
    topic = inv(sns.create_topic, Name="t")["TopicArn"]
    audit = {"Audit": {"SampleRate": "1"}}
    with pytest.raises(AwsError) as exc:
        inv(sns.put_data_protection_policy, ResourceArn=topic, DataProtectionPolicy=_policy(
            _statement("Inbound", [EMAIL], audit), _statement("Inbound", [CARD], audit)))
    assert "only one Audit statement" in exc.value.message


# -- the managed data identifiers ---------------------------------------------------------------

CASES = [
    ("EmailAddress", "write to jane.doe+x@example.co.uk today", ["jane.doe+x@example.co.uk"]),
    ("EmailAddress", "no at sign here, nor user@localhost", []),
    ("IpAddress", "from 192.168.1.20 and 2001:db8::1, not 999.1.1.1 or 10:30:00",
     ["192.168.1.20", "2001:db8::1"]),
    # Luhn-valid with a card prefix and a keyword; a test card number and a Luhn failure are not.
    ("CreditCardNumber", "visa 4539 1488 0343 6467, card 4111111111111111, card 4539148803436468",
     ["4539 1488 0343 6467"]),
    ("CreditCardNumber", "order 4539148803436467 shipped", []),  # no keyword
    ("CreditCardSecurityCode", "cvv: 123", ["123"]),
    ("CreditCardExpiration", "expiry 09/27", ["09/27"]),
    ("AwsSecretKey", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
     ["wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"]),
    ("AwsSecretKey", "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
     ["wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"]),
    ("AwsSecretKey", "commit wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", []),
    ("Ssn-US", "ssn 123-45-6789, ssn 000-12-3456", ["123-45-6789"]),
    ("PhoneNumber-US", "call +1 206-555-0100; 206-555-0199", ["+1 206-555-0100"]),
    ("PhoneNumber-US", "phone: (206) 555-0199", ["(206) 555-0199"]),
    ("ZipCode-US", "zip code 98101-1234", ["98101-1234"]),
    ("LatLong", "location 41.948614,-87.655311", ["41.948614,-87.655311"]),
    ("DateOfBirth", "dob: 1990-04-23, birthday March 3, 1985", ["1990-04-23", "March 3, 1985"]),
    ("PkcsPrivateKey", "k=-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----",
     ["-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----"]),
    ("OpenSshPrivateKey", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n"
     "-----END OPENSSH PRIVATE KEY-----",
     ["-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n-----END OPENSSH PRIVATE KEY-----"]),
]


@pytest.mark.parametrize("name,text,expected", CASES)
def test_managed_identifiers(name, text, expected):
    found = sensitive_data.find([ID + name], text)
    assert [text[start:end] for _, start, end in found] == expected
