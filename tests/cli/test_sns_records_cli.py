"""SNS records through the command line: push applications and endpoints, SMS settings, the SMS
sandbox, opt-outs, origination numbers and data protection policies."""

from __future__ import annotations

import json
import re
import sqlite3

from awslocal_cli.context import Context
from awslocal_cli.services import sns

PREFIX = "arn:aws:sns:us-east-1:123456789012:"
CREDENTIALS = "PlatformPrincipal=client-id,PlatformCredential=client-secret"


def _app(awslocal, name="app", platform="ADM") -> str:
    r = awslocal("sns", "create-platform-application", "--name", name, "--platform", platform,
                 "--attributes", CREDENTIALS)
    assert r.exit_code == 0, r
    return r.json["PlatformApplicationArn"]


def _opt_out(phone: str) -> None:
    """What a STOP reply does in AWS (the state dir comes from AWSLOCAL_STATE_DIR)."""
    ctx = Context.from_options()
    sns.opt_out_phone_number(ctx, phone)
    ctx.session.finish(True)
    ctx.session.close()


def _outbox(state) -> list[tuple[str, str, str]]:
    with sqlite3.connect(state / "state.db") as db:
        return db.execute("SELECT endpoint, status, payload FROM sns_deliveries WHERE "
                          "protocol = 'sms' ORDER BY seq").fetchall()


def test_platform_application_lifecycle(awslocal):
    arn = _app(awslocal)
    assert arn == PREFIX + "app/ADM/app"
    r = awslocal("sns", "get-platform-application-attributes", "--platform-application-arn", arn)
    assert r.json == {"Attributes": {"Enabled": "true"}}
    r = awslocal("sns", "set-platform-application-attributes", "--platform-application-arn", arn,
                 "--attributes", "SuccessFeedbackSampleRate=50")
    assert (r.exit_code, r.stdout) == (0, "")
    listed = awslocal("sns", "list-platform-applications").json["PlatformApplications"]
    assert listed == [{"PlatformApplicationArn": arn,
                       "Attributes": {"Enabled": "true", "SuccessFeedbackSampleRate": "50"}}]
    assert "client-secret" not in awslocal("sns", "list-platform-applications").stdout
    r = awslocal("sns", "delete-platform-application", "--platform-application-arn", arn)
    assert r.exit_code == 0
    assert awslocal("sns", "list-platform-applications").json == {"PlatformApplications": []}
    r = awslocal("sns", "get-platform-application-attributes", "--platform-application-arn", arn)
    assert r.exit_code == 254
    assert "(NotFound)" in r.stderr and "PlatformApplication does not exist" in r.stderr


def test_platform_application_errors(awslocal):
    r = awslocal("sns", "create-platform-application", "--name", "app", "--platform", "AAA",
                 "--attributes", CREDENTIALS)
    assert r.exit_code == 254
    assert "(InvalidParameter)" in r.stderr
    assert "Invalid parameter: Platform Reason: AAA is not supported" in r.stderr
    r = awslocal("sns", "create-platform-application", "--name", "app", "--platform", "APNS",
                 "--attributes", "PlatformCredential=key")
    assert r.exit_code == 254
    assert "PlatformCredential attribute provided without PlatformPrincipal" in r.stderr
    r = awslocal("sns", "get-platform-application-attributes", "--platform-application-arn",
                 "invalid-arn")
    assert r.exit_code == 254
    assert ("Invalid parameter: PlatformApplicationArn Reason: An ARN must have at least 6 "
            "elements, not 1") in r.stderr


def test_endpoint_lifecycle(awslocal):
    app = _app(awslocal)
    r = awslocal("sns", "create-platform-endpoint", "--platform-application-arn", app,
                 "--token", "token_1", "--custom-user-data", "user-42")
    assert r.exit_code == 0, r
    endpoint = r.json["EndpointArn"]
    assert re.fullmatch(PREFIX + r"endpoint/ADM/app/[0-9a-f-]{36}", endpoint)
    again = awslocal("sns", "create-platform-endpoint", "--platform-application-arn", app,
                     "--token", "token_1", "--custom-user-data", "user-42")
    assert again.json == {"EndpointArn": endpoint}
    r = awslocal("sns", "create-platform-endpoint", "--platform-application-arn", app,
                 "--token", "token_1", "--custom-user-data", "someone-else")
    assert r.exit_code == 254
    assert "(InvalidParameter)" in r.stderr
    assert "already exists with the same Token, but different attributes." in r.stderr
    r = awslocal("sns", "get-endpoint-attributes", "--endpoint-arn", endpoint)
    assert r.json == {"Attributes": {"CustomUserData": "user-42", "Enabled": "true",
                                     "Token": "token_1"}}
    r = awslocal("sns", "set-endpoint-attributes", "--endpoint-arn", endpoint, "--attributes",
                 "Enabled=false")
    assert (r.exit_code, r.stdout) == (0, "")
    r = awslocal("sns", "list-endpoints-by-platform-application", "--platform-application-arn",
                 app)
    assert r.json == {"Endpoints": [{"EndpointArn": endpoint, "Attributes": {
        "CustomUserData": "user-42", "Enabled": "false", "Token": "token_1"}}]}
    assert awslocal("sns", "delete-endpoint", "--endpoint-arn", endpoint).exit_code == 0
    # Deleting again is fine; reading it is not.
    assert awslocal("sns", "delete-endpoint", "--endpoint-arn", endpoint).exit_code == 0
    r = awslocal("sns", "get-endpoint-attributes", "--endpoint-arn", endpoint)
    assert r.exit_code == 254
    assert "(NotFound)" in r.stderr and "Endpoint does not exist" in r.stderr


def test_endpoint_errors(awslocal):
    app = _app(awslocal)
    endpoint = awslocal("sns", "create-platform-endpoint", "--platform-application-arn", app,
                        "--token", "t").json["EndpointArn"]
    r = awslocal("sns", "set-endpoint-attributes", "--endpoint-arn", endpoint, "--attributes",
                 "PlatformCredential=secret")
    assert r.exit_code == 254
    assert "Invalid parameter: Attributes Reason: Invalid attribute name: PlatformCredential" in (
        r.stderr)
    r = awslocal("sns", "set-endpoint-attributes", "--endpoint-arn", PREFIX + "endpoint/ADM/x",
                 "--attributes", "Enabled=false")
    assert r.exit_code == 254
    assert "Wrong number of slashes in relative portion of the ARN." in r.stderr
    r = awslocal("sns", "create-platform-endpoint", "--platform-application-arn",
                 PREFIX + "app/ADM/missing", "--token", "t")
    assert r.exit_code == 254
    assert "(NotFound)" in r.stderr
    r = awslocal("sns", "list-endpoints-by-platform-application", "--platform-application-arn",
                 PREFIX + "app/ADM/missing")
    assert r.exit_code == 254
    assert "(NotFound)" in r.stderr


def test_list_endpoints_paginates_with_max_items(awslocal):
    app = _app(awslocal)
    for i in range(3):
        awslocal("sns", "create-platform-endpoint", "--platform-application-arn", app,
                 "--token", f"t{i}")
    r = awslocal("sns", "list-endpoints-by-platform-application", "--platform-application-arn",
                 app, "--max-items", "2")
    assert len(r.json["Endpoints"]) == 2
    rest = awslocal("sns", "list-endpoints-by-platform-application",
                    "--platform-application-arn", app, "--starting-token", r.json["NextToken"])
    assert [e["Attributes"]["Token"] for e in rest.json["Endpoints"]] == ["t2"]


def test_sms_attributes(awslocal):
    r = awslocal("sns", "set-sms-attributes", "--attributes",
                 "DefaultSMSType=Transactional,DefaultSenderID=MyBrand")
    assert (r.exit_code, r.stdout) == (0, "")
    r = awslocal("sns", "get-sms-attributes")
    assert r.json == {"attributes": {"MonthlySpendLimit": "1", "DefaultSenderID": "MyBrand",
                                     "DefaultSMSType": "Transactional"}}
    r = awslocal("sns", "get-sms-attributes", "--attributes", "DefaultSMSType")
    assert r.json == {"attributes": {"DefaultSMSType": "Transactional"}}
    r = awslocal("sns", "set-sms-attributes", "--attributes", "DefaultSMSType=Loud")
    assert r.exit_code == 254
    assert "(InvalidParameter)" in r.stderr and "DefaultSMSType is invalid" in r.stderr
    r = awslocal("sns", "set-sms-attributes", "--attributes", "Color=blue")
    assert r.exit_code == 254
    assert "Color is not a valid attribute" in r.stderr


def test_sms_sandbox(awslocal, isolated_state):
    number = "+15555550100"
    assert awslocal("sns", "get-sms-sandbox-account-status").json == {"IsInSandbox": True}
    r = awslocal("sns", "create-sms-sandbox-phone-number", "--phone-number", number,
                 "--language-code", "en-US")
    assert (r.exit_code, r.stdout) == (0, "")
    [(endpoint, status, payload)] = _outbox(isolated_state)
    assert (endpoint, status) == (number, "outbox")
    otp = re.search(r"\d{6}", payload).group(0)
    r = awslocal("sns", "list-sms-sandbox-phone-numbers")
    assert r.json == {"PhoneNumbers": [{"PhoneNumber": number, "Status": "Pending"}]}
    wrong = "000000" if otp != "000000" else "111111"
    r = awslocal("sns", "verify-sms-sandbox-phone-number", "--phone-number", number,
                 "--one-time-password", wrong)
    assert r.exit_code == 254
    assert "(VerificationException)" in r.stderr
    r = awslocal("sns", "verify-sms-sandbox-phone-number", "--phone-number", number,
                 "--one-time-password", otp)
    assert r.exit_code == 0, r
    r = awslocal("sns", "list-sms-sandbox-phone-numbers")
    assert r.json["PhoneNumbers"] == [{"PhoneNumber": number, "Status": "Verified"}]
    r = awslocal("sns", "delete-sms-sandbox-phone-number", "--phone-number", number)
    assert r.exit_code == 254
    assert "(UserError)" in r.stderr
    assert awslocal("local", "clock", "advance", "1d").exit_code == 0
    r = awslocal("sns", "delete-sms-sandbox-phone-number", "--phone-number", number)
    assert r.exit_code == 0, r
    r = awslocal("sns", "delete-sms-sandbox-phone-number", "--phone-number", number)
    assert r.exit_code == 254
    assert "(ResourceNotFound)" in r.stderr
    r = awslocal("sns", "verify-sms-sandbox-phone-number", "--phone-number", number,
                 "--one-time-password", otp)
    assert r.exit_code == 254
    assert "(ResourceNotFound)" in r.stderr


def test_sandbox_refuses_opted_out_numbers(awslocal):
    _opt_out("+15555550100")
    r = awslocal("sns", "create-sms-sandbox-phone-number", "--phone-number", "+15555550100")
    assert r.exit_code == 254
    assert "(OptedOut)" in r.stderr


def test_opt_outs(awslocal):
    number = "+15555550100"
    r = awslocal("sns", "check-if-phone-number-is-opted-out", "--phone-number", number)
    assert r.json == {"isOptedOut": False}
    _opt_out(number)
    r = awslocal("sns", "check-if-phone-number-is-opted-out", "--phone-number", number)
    assert r.json == {"isOptedOut": True}
    assert awslocal("sns", "list-phone-numbers-opted-out").json == {"phoneNumbers": [number]}
    r = awslocal("sns", "opt-in-phone-number", "--phone-number", number)
    assert (r.exit_code, r.stdout) == (0, "")
    assert awslocal("sns", "list-phone-numbers-opted-out").json == {"phoneNumbers": []}
    _opt_out(number)
    r = awslocal("sns", "opt-in-phone-number", "--phone-number", number)
    assert r.exit_code == 254
    assert "(InvalidParameter)" in r.stderr and "30 days" in r.stderr
    awslocal("local", "clock", "advance", "30d")
    assert awslocal("sns", "opt-in-phone-number", "--phone-number", number).exit_code == 0
    r = awslocal("sns", "check-if-phone-number-is-opted-out", "--phone-number", "invalid")
    assert r.exit_code == 254
    assert "Invalid parameter: PhoneNumber Reason: input incorrectly formatted" in r.stderr


def test_origination_numbers(awslocal):
    r = awslocal("sns", "list-origination-numbers")
    assert (r.exit_code, r.json) == (0, {"PhoneNumbers": []})
    r = awslocal("sns", "list-origination-numbers", "--max-results", "31")
    assert r.exit_code == 254
    assert "(ValidationException)" in r.stderr


def test_data_protection_policy(awslocal):
    topic = awslocal("sns", "create-topic", "--name", "t").json["TopicArn"]
    r = awslocal("sns", "get-data-protection-policy", "--resource-arn", topic)
    assert r.json == {"DataProtectionPolicy": ""}
    policy = json.dumps({
        "Name": "p", "Description": "no e-mail addresses", "Version": "2021-06-01",
        "Statement": [{"DataDirection": "Inbound", "Principal": ["*"],
                       "DataIdentifier": [
                           "arn:aws:dataprotection::aws:data-identifier/EmailAddress"],
                       "Operation": {"Deny": {}}}]})
    r = awslocal("sns", "put-data-protection-policy", "--resource-arn", topic,
                 "--data-protection-policy", policy)
    assert (r.exit_code, r.stdout) == (0, ""), r
    r = awslocal("sns", "get-data-protection-policy", "--resource-arn", topic)
    assert json.loads(r.json["DataProtectionPolicy"]) == json.loads(policy)
    r = awslocal("sns", "put-data-protection-policy", "--resource-arn", topic,
                 "--data-protection-policy", '{"Name": "p", "Version": "1"}')
    assert r.exit_code == 254
    assert "Invalid parameter: DataProtectionPolicy Reason: " in r.stderr
    r = awslocal("sns", "get-data-protection-policy", "--resource-arn", PREFIX + "missing")
    assert r.exit_code == 254
    assert "(NotFound)" in r.stderr and "Topic does not exist" in r.stderr
