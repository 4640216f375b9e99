"""SNS records through the service layer: platform applications and endpoints, SMS settings, the
SMS sandbox, opt-outs, origination numbers and data protection policies."""

from __future__ import annotations

import json
import re

import pytest

from awslocal_cli.errors import AwsError
from awslocal_cli.services import sns
from awslocal_cli.services.sns import platform, sms

PREFIX = "arn:aws:sns:us-east-1:123456789012:"
ADM = {"PlatformPrincipal": "client-id", "PlatformCredential": "client-secret"}
APNS_TOKEN = "A1B2C3D4" * 8


def _error(inv, fn, **request) -> AwsError:
    with pytest.raises(AwsError) as exc:
        inv(fn, **request)
    return exc.value


def _app(inv, name="app", platform="ADM", attributes=None) -> str:
    return inv(sns.create_platform_application, Name=name, Platform=platform,
               Attributes=attributes or ADM)["PlatformApplicationArn"]


# -- platform applications ----------------------------------------------------------------------


def test_application_arn_and_attributes_hide_credentials(inv):
    arn = _app(inv)
    assert arn == PREFIX + "app/ADM/app"
    attrs = inv(sns.get_platform_application_attributes, PlatformApplicationArn=arn)
    assert attrs == {"Attributes": {"Enabled": "true"}}
    inv(sns.set_platform_application_attributes, PlatformApplicationArn=arn,
        Attributes={"SuccessFeedbackSampleRate": "50",
                    "EventEndpointCreated": PREFIX + "events"})
    attrs = inv(sns.get_platform_application_attributes, PlatformApplicationArn=arn)["Attributes"]
    assert attrs == {"Enabled": "true", "SuccessFeedbackSampleRate": "50",
                     "EventEndpointCreated": PREFIX + "events"}
    assert "client-secret" not in json.dumps(inv(sns.list_platform_applications))


def test_apple_and_gcm_authentication_methods(inv):
    token_app = _app(inv, "ios", "APNS", {
        "PlatformPrincipal": "KEYID", "PlatformCredential": "-----BEGIN PRIVATE KEY-----",
        "ApplePlatformTeamID": "TEAM", "ApplePlatformBundleID": "com.example"})
    attrs = inv(sns.get_platform_application_attributes,
                PlatformApplicationArn=token_app)["Attributes"]
    assert attrs["AuthenticationMethod"] == "Token"
    assert attrs["ApplePlatformTeamID"] == "TEAM"
    assert "PlatformCredential" not in attrs and "PlatformPrincipal" not in attrs
    e = _error(inv, sns.set_platform_application_attributes, PlatformApplicationArn=token_app,
               Attributes={"ApplePlatformBundleID": ""})
    assert "ApplePlatformTeamID and ApplePlatformBundleID" in e.message
    e = _error(inv, sns.create_platform_application, Name="adm", Platform="ADM",
               Attributes={**ADM, "ApplePlatformTeamID": "TEAM"})
    assert e.message == ("Invalid parameter: Attributes Reason: ApplePlatformTeamID is only valid "
                         "for Apple platforms")
    gcm = _app(inv, "android", "GCM", {"PlatformCredential": '{"type": "service_account"}'})
    assert inv(sns.get_platform_application_attributes, PlatformApplicationArn=gcm)[
        "Attributes"]["AuthenticationMethod"] == "Token"
    e = _error(inv, sns.create_platform_application, Name="g2", Platform="GCM",
               Attributes={"PlatformCredential": "{not json"})
    assert e.message == "Invalid parameter: Attributes Reason: Platform credentials are invalid"


@pytest.mark.parametrize(("name", "platform", "attributes", "code", "message"), [
    ("", "ADM", ADM, "InvalidParameter", "Invalid parameter:  Reason: cannot be empty"),
    ("@name", "ADM", ADM, "InvalidParameter",
     "Invalid parameter: @name Reason: must contain only characters 'a'-'z', 'A'-'Z', '0'-'9', "
     "'_', '-', and '.'"),
    ("a" * 257, "ADM", ADM, "InvalidParameter",
     f"Invalid parameter: {'a' * 257} Reason: must be at most 256 characters long"),
    ("ok", "AAA", ADM, "InvalidParameter",
     "Invalid parameter: Platform Reason: AAA is not supported"),
    ("ok", "ADM", {}, "ValidationError",
     "1 validation error detected: Value null at 'attributes' failed to satisfy constraint: "
     "Member must not be null"),
    ("ok", "ADM", {"PlatformPrincipal": "p"}, "InvalidParameter",
     "Invalid parameter: Attributes Reason: PlatformPrincipal attribute provided without "
     "PlatformCredential"),
    ("ok", "APNS", {"PlatformCredential": "c"}, "InvalidParameter",
     "Invalid parameter: Attributes Reason: PlatformCredential attribute provided without "
     "PlatformPrincipal"),
    ("ok", "GCM", {"SuccessFeedbackSampleRate": "5"}, "InvalidParameter",
     "Invalid parameter: Attributes Reason: PlatformCredential attribute required"),
    ("ok", "ADM", {**ADM, "Bogus": "1"}, "InvalidParameter",
     "Invalid parameter: Attributes Reason: Invalid attribute name: Bogus"),
])
def test_create_application_validation(inv, name, platform, attributes, code, message):
    e = _error(inv, sns.create_platform_application, Name=name, Platform=platform,
               Attributes=attributes)
    assert (e.code, e.message) == (code, message)


def test_application_lookups_and_bad_arns(inv):
    e = _error(inv, sns.get_platform_application_attributes, PlatformApplicationArn="invalid-arn")
    assert e.message == ("Invalid parameter: PlatformApplicationArn Reason: An ARN must have at "
                         "least 6 elements, not 1")
    e = _error(inv, sns.get_platform_application_attributes,
               PlatformApplicationArn=PREFIX + "app/ADM/NonExistingApp")
    assert (e.code, e.message) == ("NotFound", "PlatformApplication does not exist")
    e = _error(inv, sns.set_platform_application_attributes,
               PlatformApplicationArn=PREFIX + "app/ADM/NonExistingApp",
               Attributes={"PlatformPrincipal": "x"})
    assert e.code == "NotFound"
    # Deleting a missing application succeeds.
    assert inv(sns.delete_platform_application,
               PlatformApplicationArn=PREFIX + "app/ADM/NonExistingApp") == {}


def test_create_again_replaces_attributes_and_keeps_endpoints(inv):
    arn = _app(inv)
    endpoint = inv(sns.create_platform_endpoint, PlatformApplicationArn=arn,
                   Token="t1")["EndpointArn"]
    again = _app(inv, attributes={**ADM, "SuccessFeedbackSampleRate": "10"})
    assert again == arn
    attrs = inv(sns.get_platform_application_attributes, PlatformApplicationArn=arn)["Attributes"]
    assert attrs["SuccessFeedbackSampleRate"] == "10"
    assert inv(sns.get_endpoint_attributes, EndpointArn=endpoint)["Attributes"]["Token"] == "t1"


def test_list_applications_paginates(inv):
    for i in range(101):
        _app(inv, f"app{i:03d}")
    first = inv(sns.list_platform_applications)
    assert len(first["PlatformApplications"]) == 100
    second = inv(sns.list_platform_applications, NextToken=first["NextToken"])
    assert [a["PlatformApplicationArn"] for a in second["PlatformApplications"]] == [
        PREFIX + "app/ADM/app100"]
    assert "NextToken" not in second
    assert _error(inv, sns.list_platform_applications, NextToken="garbage").code == (
        "InvalidParameter")


def test_delete_application_deletes_its_endpoints(inv):
    arn = _app(inv)
    endpoint = inv(sns.create_platform_endpoint, PlatformApplicationArn=arn,
                   Token="t1")["EndpointArn"]
    inv(sns.delete_platform_application, PlatformApplicationArn=arn)
    e = _error(inv, sns.list_endpoints_by_platform_application, PlatformApplicationArn=arn)
    assert (e.code, e.message) == ("NotFound", "PlatformApplication does not exist")
    assert _error(inv, sns.get_endpoint_attributes, EndpointArn=endpoint).code == "NotFound"
    assert inv(sns.delete_endpoint, EndpointArn=endpoint) == {}


# -- platform endpoints -------------------------------------------------------------------------


def test_endpoint_arn_attributes_and_idempotency(inv):
    app = _app(inv)
    arn = inv(sns.create_platform_endpoint, PlatformApplicationArn=app,
              Token="token_1")["EndpointArn"]
    assert re.fullmatch(PREFIX + r"endpoint/ADM/app/[0-9a-f-]{36}", arn)
    assert inv(sns.get_endpoint_attributes, EndpointArn=arn) == {
        "Attributes": {"Enabled": "true", "Token": "token_1"}}
    assert inv(sns.create_platform_endpoint, PlatformApplicationArn=app,
               Token="token_1")["EndpointArn"] == arn
    e = _error(inv, sns.create_platform_endpoint, PlatformApplicationArn=app, Token="token_1",
               Attributes={"Enabled": "false"})
    assert e.message == (f"Invalid parameter: Token Reason: Endpoint {arn} already exists with "
                         "the same Token, but different attributes.")


def test_custom_user_data_attribute_wins_over_member(inv):
    app = _app(inv)
    arn = inv(sns.create_platform_endpoint, PlatformApplicationArn=app, Token="t",
              CustomUserData="bar", Attributes={"CustomUserData": "foo"})["EndpointArn"]
    assert inv(sns.get_endpoint_attributes, EndpointArn=arn)["Attributes"] == {
        "CustomUserData": "foo", "Enabled": "true", "Token": "t"}
    arn2 = inv(sns.create_platform_endpoint, PlatformApplicationArn=app, Token="t2",
               CustomUserData="bar")["EndpointArn"]
    assert inv(sns.get_endpoint_attributes, EndpointArn=arn2)["Attributes"][
        "CustomUserData"] == "bar"


@pytest.mark.parametrize(("attributes", "message"), [
    ({"PlatformPrincipal": "p"},
     "Invalid parameter: Attributes Reason: Invalid attribute name: PlatformPrincipal"),
    ({"InvalidKey": "v"},
     "Invalid parameter: Attributes Reason: Invalid attribute name: InvalidKey"),
    ({"CustomUserData": "A" * 2050},
     "Invalid parameter: Attributes Reason: Invalid value for attribute: CustomUserData: must be "
     "at most 2048 bytes long in UTF-8 encoding"),
])
def test_endpoint_attribute_validation(inv, attributes, message):
    app = _app(inv)
    assert _error(inv, sns.create_platform_endpoint, PlatformApplicationArn=app, Token="t",
                  Attributes=attributes).message == message
    arn = inv(sns.create_platform_endpoint, PlatformApplicationArn=app, Token="t")["EndpointArn"]
    assert _error(inv, sns.set_endpoint_attributes, EndpointArn=arn,
                  Attributes=attributes).message == message
    assert _error(inv, sns.set_endpoint_attributes, EndpointArn=arn,
                  Attributes={}).code == "ValidationError"


def test_endpoint_errors(inv):
    missing = PREFIX + "endpoint/ADM/fakeapp/0b7e2a8c-7d3e-4f6a-9c1d-2e3f4a5b6c7d"
    assert _error(inv, sns.get_endpoint_attributes, EndpointArn=missing).message == (
        "Endpoint does not exist")
    assert _error(inv, sns.set_endpoint_attributes, EndpointArn=missing,
                  Attributes={"Enabled": "false"}).code == "NotFound"
    e = _error(inv, sns.set_endpoint_attributes, EndpointArn=PREFIX + "endpoint/ADM/x",
               Attributes={"Enabled": "false"})
    assert e.message == ("Invalid parameter: EndpointArn Reason: Wrong number of slashes in "
                         "relative portion of the ARN.")
    e = _error(inv, sns.create_platform_endpoint, PlatformApplicationArn=PREFIX + "app/ADM/nope",
               Token="t")
    assert (e.code, e.message) == ("NotFound", "PlatformApplication does not exist")
    assert inv(sns.delete_endpoint, EndpointArn=missing) == {}


def test_apns_tokens_are_hex_and_lowercased(inv):
    app = _app(inv, "ios", "APNS_SANDBOX", {"PlatformPrincipal": "cert", "PlatformCredential": "k"})
    arn = inv(sns.create_platform_endpoint, PlatformApplicationArn=app,
              Token=APNS_TOKEN)["EndpointArn"]
    assert "/APNS_SANDBOX/ios/" in arn
    assert inv(sns.get_endpoint_attributes, EndpointArn=arn)["Attributes"]["Token"] == (
        APNS_TOKEN.lower())
    assert inv(sns.create_platform_endpoint, PlatformApplicationArn=app,
               Token=APNS_TOKEN.lower())["EndpointArn"] == arn
    assert _error(inv, sns.create_platform_endpoint, PlatformApplicationArn=app,
                  Token="not-hex").code == "InvalidParameter"


def test_set_endpoint_attributes_and_list(inv):
    app = _app(inv)
    arns = [inv(sns.create_platform_endpoint, PlatformApplicationArn=app,
                Token=f"t{i:03d}")["EndpointArn"] for i in range(101)]
    inv(sns.set_endpoint_attributes, EndpointArn=arns[0],
        Attributes={"Enabled": "False", "Token": "new", "CustomUserData": "x"})
    assert inv(sns.get_endpoint_attributes, EndpointArn=arns[0])["Attributes"] == {
        "CustomUserData": "x", "Enabled": "false", "Token": "new"}
    inv(sns.set_endpoint_attributes, EndpointArn=arns[0], Attributes={"CustomUserData": ""})
    assert "CustomUserData" not in inv(sns.get_endpoint_attributes,
                                       EndpointArn=arns[0])["Attributes"]
    first = inv(sns.list_endpoints_by_platform_application, PlatformApplicationArn=app)
    assert [e["EndpointArn"] for e in first["Endpoints"]] == arns[:100]
    second = inv(sns.list_endpoints_by_platform_application, PlatformApplicationArn=app,
                 NextToken=first["NextToken"])
    assert second == {"Endpoints": [{"EndpointArn": arns[100],
                                     "Attributes": {"Enabled": "true", "Token": "t100"}}]}
    # The new token is found by CreatePlatformEndpoint, the old one is free again.
    assert _error(inv, sns.create_platform_endpoint, PlatformApplicationArn=app,
                  Token="new").code == "InvalidParameter"
    assert inv(sns.create_platform_endpoint, PlatformApplicationArn=app,
               Token="t000")["EndpointArn"] not in arns


def test_publish_to_endpoint(inv):
    app = _app(inv, "android", "GCM", {"PlatformCredential": "api-key"})
    arn = inv(sns.create_platform_endpoint, PlatformApplicationArn=app, Token="t")["EndpointArn"]

    def publish(message, structure=None):
        return inv(lambda ctx: platform.publish_to_endpoint(ctx, arn, message, structure))

    assert publish("hello") == "hello"
    gcm = json.dumps({"notification": {"body": "hi"}})
    assert publish("x", {"default": "plain", "GCM": gcm}) == gcm
    assert publish("x", {"default": "plain", "APNS": "{}"}) == "plain"
    with pytest.raises(AwsError) as exc:
        publish("x", {"default": "plain", "GCM": "not json"})
    assert exc.value.message == ("Invalid parameter: Message Reason: Invalid notification for "
                                 "protocol GCM: Notification is malformed")
    inv(sns.set_endpoint_attributes, EndpointArn=arn, Attributes={"Enabled": "false"})
    with pytest.raises(AwsError) as exc:
        publish("x")
    assert (exc.value.code, exc.value.message) == ("EndpointDisabled", "Endpoint is disabled")
    inv(sns.set_platform_application_attributes, PlatformApplicationArn=app,
        Attributes={"Enabled": "false"})
    with pytest.raises(AwsError) as exc:
        publish("x")
    assert exc.value.code == "PlatformApplicationDisabled"
    inv(sns.delete_endpoint, EndpointArn=arn)
    with pytest.raises(AwsError) as exc:
        publish("x")
    assert exc.value.code == "InvalidParameter"
    assert exc.value.message == ("Invalid parameter: TargetArn Reason: No endpoint found for the "
                                 "target arn specified")


def test_records_are_scoped_by_region(inv):
    app = _app(inv)
    assert inv(sns.list_platform_applications, region="eu-west-1") == {"PlatformApplications": []}
    assert _error(inv, sns.get_platform_application_attributes, PlatformApplicationArn=app,
                  region="eu-west-1").code == "NotFound"


# -- SMS attributes -----------------------------------------------------------------------------


def test_sms_attributes(inv):
    assert inv(sns.get_sms_attributes) == {"attributes": {"MonthlySpendLimit": "1"}}
    inv(sns.set_sms_attributes, attributes={
        "DeliveryStatusSuccessSamplingRate": "100", "DefaultSenderID": "LSTest",
        "DefaultSMSType": "Promotional"})
    assert inv(sns.get_sms_attributes)["attributes"] == {
        "MonthlySpendLimit": "1", "DeliveryStatusSuccessSamplingRate": "100",
        "DefaultSenderID": "LSTest", "DefaultSMSType": "Promotional"}
    assert inv(sns.get_sms_attributes, attributes=["DefaultSenderID", "DefaultSMSType"]) == {
        "attributes": {"DefaultSenderID": "LSTest", "DefaultSMSType": "Promotional"}}
    inv(sns.set_sms_attributes, attributes={"DefaultSenderID": ""})
    assert "DefaultSenderID" not in inv(sns.get_sms_attributes)["attributes"]
    # Another region has its own settings.
    assert inv(sns.get_sms_attributes, region="eu-west-1") == {
        "attributes": {"MonthlySpendLimit": "1"}}


@pytest.mark.parametrize(("name", "value", "message"), [
    ("InvalidAttribute", "x", "InvalidAttribute is not a valid attribute"),
    ("DefaultSMSType", "invalid", "DefaultSMSType is invalid"),
    ("DefaultSenderID", "a" * 12, "DefaultSenderID is invalid"),
    ("DefaultSenderID", "123456789", "DefaultSenderID is invalid"),
    ("DeliveryStatusSuccessSamplingRate", "101", "DeliveryStatusSuccessSamplingRate is invalid"),
    ("DeliveryStatusIAMRole", "role", "DeliveryStatusIAMRole is invalid"),
    ("UsageReportS3Bucket", "Bad_Bucket", "UsageReportS3Bucket is invalid"),
    ("MonthlySpendLimit", "ten", "MonthlySpendLimit is invalid"),
])
def test_sms_attribute_validation(inv, name, value, message):
    e = _error(inv, sns.set_sms_attributes, attributes={name: value})
    assert (e.code, e.message) == ("InvalidParameter", message)


def test_monthly_spend_limit_is_capped_by_the_quota(inv):
    inv(sns.set_sms_attributes, attributes={"MonthlySpendLimit": "0"})
    assert inv(sns.get_sms_attributes)["attributes"]["MonthlySpendLimit"] == "0"
    assert "quota" in _error(inv, sns.set_sms_attributes,
                             attributes={"MonthlySpendLimit": "2"}).message


# -- opt-outs -----------------------------------------------------------------------------------


def _opt_out(inv, phone):
    inv(lambda ctx: sns.opt_out_phone_number(ctx, phone) or {})


def test_opt_out_check_list_and_opt_in(inv):
    number = "+15555550100"
    assert inv(sns.check_if_phone_number_is_opted_out, phoneNumber=number) == {
        "isOptedOut": False}
    _opt_out(inv, number)
    assert inv(sns.check_if_phone_number_is_opted_out, phoneNumber=number)["isOptedOut"]
    assert inv(sns.list_phone_numbers_opted_out) == {"phoneNumbers": [number]}
    assert inv(sns.opt_in_phone_number, phoneNumber=number) == {}
    assert not inv(sns.check_if_phone_number_is_opted_out, phoneNumber=number)["isOptedOut"]
    assert inv(sns.list_phone_numbers_opted_out) == {"phoneNumbers": []}
    # Opting in a number that is not opted out is accepted and changes nothing.
    assert inv(sns.opt_in_phone_number, phoneNumber="+4411111111") == {}


def test_opt_in_at_most_once_every_30_days(inv):
    number = "+15555550100"
    _opt_out(inv, number)
    inv(sns.opt_in_phone_number, phoneNumber=number)
    _opt_out(inv, number)
    e = _error(inv, sns.opt_in_phone_number, phoneNumber=number)
    assert e.code == "InvalidParameter" and "30 days" in e.message
    assert inv(sns.check_if_phone_number_is_opted_out, phoneNumber=number)["isOptedOut"]
    inv.advance(days=30)
    inv(sns.opt_in_phone_number, phoneNumber=number)
    assert not inv(sns.check_if_phone_number_is_opted_out, phoneNumber=number)["isOptedOut"]


def test_phone_number_format(inv):
    for fn in (sns.opt_in_phone_number, sns.check_if_phone_number_is_opted_out):
        e = _error(inv, fn, phoneNumber="invalid")
        assert e.message == "Invalid parameter: PhoneNumber Reason: input incorrectly formatted"


def test_list_opted_out_paginates(inv):
    numbers = [f"+1555555{i:04d}" for i in range(101)]
    for n in numbers:
        _opt_out(inv, n)
    first = inv(sns.list_phone_numbers_opted_out)
    assert first["phoneNumbers"] == numbers[:100]
    assert inv(sns.list_phone_numbers_opted_out, nextToken=first["nextToken"]) == {
        "phoneNumbers": numbers[100:]}


def test_check_phone_publish(inv):
    number = "+15555550100"

    def check(phone):
        return inv(lambda ctx: {"reason": sms.check_phone_publish(ctx, phone)})["reason"]

    assert "not a verified destination" in check(number)
    inv(sns.create_sms_sandbox_phone_number, PhoneNumber=number)
    otp = inv.sql("SELECT otp FROM sns_sandbox_numbers")[0][0]
    inv(sns.verify_sms_sandbox_phone_number, PhoneNumber=number, OneTimePassword=otp)
    assert check(number) is None
    _opt_out(inv, number)
    assert check(number) == "Phone number is opted out"
    inv(lambda ctx: sns.set_sms_sandbox(ctx, False) or {})
    assert inv(sns.get_sms_sandbox_account_status) == {"IsInSandbox": False}
    assert check("+15555550199") is None


# -- the SMS sandbox ----------------------------------------------------------------------------


def _outbox(inv):
    return inv.sql("SELECT protocol, endpoint, status, payload FROM sns_deliveries ORDER BY seq")


def test_sandbox_add_verify_list_delete(inv):
    number = "+15555550100"
    assert inv(sns.get_sms_sandbox_account_status) == {"IsInSandbox": True}
    assert inv(sns.create_sms_sandbox_phone_number, PhoneNumber=number,
               LanguageCode="en-US") == {}
    [(protocol, endpoint, status, payload)] = _outbox(inv)
    assert (protocol, endpoint, status) == ("sms", number, "outbox")
    otp = re.search(r"\d{6}", payload).group(0)
    assert inv(sns.list_sms_sandbox_phone_numbers) == {
        "PhoneNumbers": [{"PhoneNumber": number, "Status": "Pending"}]}
    wrong = "000000" if otp != "000000" else "111111"
    e = _error(inv, sns.verify_sms_sandbox_phone_number, PhoneNumber=number,
               OneTimePassword=wrong)
    assert e.code == "VerificationException"
    assert e.fields == {"Status": "Pending"}
    inv(sns.verify_sms_sandbox_phone_number, PhoneNumber=number, OneTimePassword=otp)
    assert inv(sns.list_sms_sandbox_phone_numbers)["PhoneNumbers"] == [
        {"PhoneNumber": number, "Status": "Verified"}]
    e = _error(inv, sns.delete_sms_sandbox_phone_number, PhoneNumber=number)
    assert e.code == "UserError"
    inv.advance(days=1)
    assert inv(sns.delete_sms_sandbox_phone_number, PhoneNumber=number) == {}
    assert inv(sns.list_sms_sandbox_phone_numbers) == {"PhoneNumbers": []}
    e = _error(inv, sns.delete_sms_sandbox_phone_number, PhoneNumber=number)
    assert e.code == "ResourceNotFound"


def test_sandbox_failed_attempt_is_kept(inv):
    number = "+15555550100"
    inv(sns.create_sms_sandbox_phone_number, PhoneNumber=number)
    otp = inv.sql("SELECT otp FROM sns_sandbox_numbers")[0][0]
    inv.advance(days=1)
    with pytest.raises(AwsError) as exc:
        inv(sns.verify_sms_sandbox_phone_number, PhoneNumber=number,
            OneTimePassword=str((int(otp) + 1) % 10**6).zfill(6))
    assert exc.value.code == "VerificationException"
    # The failed attempt restarts the 24 hours.
    assert _error(inv, sns.delete_sms_sandbox_phone_number, PhoneNumber=number).code == (
        "UserError")


def test_sandbox_resend_limits_and_errors(inv):
    number = "+15555550100"
    for _ in range(5):
        inv(sns.create_sms_sandbox_phone_number, PhoneNumber=number)
    assert len(_outbox(inv)) == 5
    assert _error(inv, sns.create_sms_sandbox_phone_number, PhoneNumber=number).code == (
        "Throttled")
    inv.advance(days=1)
    inv(sns.create_sms_sandbox_phone_number, PhoneNumber=number)
    otps = [re.search(r"\d{6}", row[3]).group(0) for row in _outbox(inv)]
    # Only the last password verifies (unless an earlier one happens to be the same).
    stale = next((o for o in otps[:-1] if o != otps[-1]), None)
    if stale is not None:
        assert _error(inv, sns.verify_sms_sandbox_phone_number, PhoneNumber=number,
                      OneTimePassword=stale).code == "VerificationException"
    inv(sns.verify_sms_sandbox_phone_number, PhoneNumber=number, OneTimePassword=otps[-1])
    assert _error(inv, sns.verify_sms_sandbox_phone_number, PhoneNumber="+15555550199",
                  OneTimePassword="123456").code == "ResourceNotFound"
    assert _error(inv, sns.create_sms_sandbox_phone_number, PhoneNumber="555-0100").code == (
        "InvalidParameter")
    assert _error(inv, sns.create_sms_sandbox_phone_number, PhoneNumber="+15555550101",
                  LanguageCode="xx-XX").code == "InvalidParameter"
    _opt_out(inv, "+15555550102")
    assert _error(inv, sns.create_sms_sandbox_phone_number,
                  PhoneNumber="+15555550102").code == "OptedOut"


def test_sandbox_holds_ten_numbers_and_paginates(inv):
    for i in range(10):
        inv(sns.create_sms_sandbox_phone_number, PhoneNumber=f"+1555555010{i}")
    assert _error(inv, sns.create_sms_sandbox_phone_number,
                  PhoneNumber="+15555550110").code == "UserError"
    page = inv(sns.list_sms_sandbox_phone_numbers, MaxResults=4)
    assert len(page["PhoneNumbers"]) == 4
    rest = inv(sns.list_sms_sandbox_phone_numbers, MaxResults=100, NextToken=page["NextToken"])
    assert len(rest["PhoneNumbers"]) == 6 and "NextToken" not in rest
    assert _error(inv, sns.list_sms_sandbox_phone_numbers, MaxResults=101).code == (
        "InvalidParameter")


# -- origination numbers ------------------------------------------------------------------------


def test_origination_numbers(inv):
    assert inv(sns.list_origination_numbers) == {"PhoneNumbers": []}
    assert inv(sns.list_origination_numbers, MaxResults=30) == {"PhoneNumbers": []}
    e = _error(inv, sns.list_origination_numbers, MaxResults=31)
    assert e.code == "ValidationException"
    assert "less than or equal to 30" in e.message
    assert _error(inv, sns.list_origination_numbers, NextToken="abc").code == "InvalidParameter"


# -- data protection policies -------------------------------------------------------------------


POLICY = {
    "Name": "data_protection_policy", "Description": "Test Policy", "Version": "2021-06-01",
    "Statement": [{
        "Sid": "test-statement", "DataDirection": "Inbound", "Principal": ["*"],
        "DataIdentifier": ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"],
        "Operation": {"Deny": {}}}],
}


def test_data_protection_policy_round_trip(inv):
    topic = inv(sns.create_topic, Name="t")["TopicArn"]
    assert inv(sns.get_data_protection_policy, ResourceArn=topic) == {"DataProtectionPolicy": ""}
    text = json.dumps(POLICY)
    assert inv(sns.put_data_protection_policy, ResourceArn=topic,
               DataProtectionPolicy=text) == {}
    assert inv(sns.get_data_protection_policy, ResourceArn=topic) == {
        "DataProtectionPolicy": text}
    # Kept with the topic (where CreateTopic's DataProtectionPolicy goes), not listed in its
    # attributes.
    assert "DataProtectionPolicy" not in inv(sns.get_topic_attributes,
                                             TopicArn=topic)["Attributes"]
    inv(sns.put_data_protection_policy, ResourceArn=topic, DataProtectionPolicy="")
    assert inv(sns.get_data_protection_policy, ResourceArn=topic) == {"DataProtectionPolicy": ""}
    created = inv(sns.create_topic, Name="t2", DataProtectionPolicy=text)["TopicArn"]
    assert inv(sns.get_data_protection_policy, ResourceArn=created) == {
        "DataProtectionPolicy": text}


@pytest.mark.parametrize("change", [
    {"Version": "2012-10-17"},
    {"Statement": []},
    {"Name": ""},
    {"Extra": 1},
    {"Statement": [{**POLICY["Statement"][0], "DataDirection": "Sideways"}]},
    {"Statement": [{**POLICY["Statement"][0], "DataIdentifier": ["EmailAddress"]}]},
    {"Statement": [{**POLICY["Statement"][0], "Operation": {"Deny": {}, "Audit": {}}}]},
])
def test_data_protection_policy_validation(inv, change):
    topic = inv(sns.create_topic, Name="t")["TopicArn"]
    e = _error(inv, sns.put_data_protection_policy, ResourceArn=topic,
               DataProtectionPolicy=json.dumps({**POLICY, **change}))
    assert e.code == "InvalidParameter"
    assert e.message.startswith("Invalid parameter: DataProtectionPolicy Reason: ")


def test_data_protection_policy_errors(inv):
    e = _error(inv, sns.get_data_protection_policy, ResourceArn=PREFIX + "missing")
    assert (e.code, e.message) == ("NotFound", "Topic does not exist")
    e = _error(inv, sns.put_data_protection_policy, ResourceArn="nope",
               DataProtectionPolicy=json.dumps(POLICY))
    assert e.message == ("Invalid parameter: ResourceArn Reason: An ARN must have at least 6 "
                         "elements, not 1")
    topic = inv(sns.create_topic, Name="t")["TopicArn"]
    assert _error(inv, sns.put_data_protection_policy, ResourceArn=topic,
                  DataProtectionPolicy="{not json").code == "InvalidParameter"
    custom = {**POLICY, "Configuration": {"CustomDataIdentifier": [
        {"Name": "Ticket", "Regex": "TKT-[0-9]+"}]},
        "Statement": [{**POLICY["Statement"][0], "DataIdentifier": ["Ticket"]}]}
    assert inv(sns.put_data_protection_policy, ResourceArn=topic,
               DataProtectionPolicy=json.dumps(custom)) == {}


def test_platform_credentials_are_wrapped_at_rest(inv):
    import sqlite3

    arn = inv(sns.create_platform_application, Name="wrapped", Platform="GCM",
              Attributes={"PlatformCredential": "very-secret-api-key"})["PlatformApplicationArn"]
    inv(sns.set_platform_application_attributes, PlatformApplicationArn=arn,
        Attributes={"EventEndpointCreated": "arn:aws:sns:us-east-1:123456789012:events"})
    db = sqlite3.connect(inv.state_dir / "state.db")
    dump = "\n".join(db.iterdump())
    db.close()
    assert "very-secret-api-key" not in dump
    attrs = inv(sns.get_platform_application_attributes, PlatformApplicationArn=arn)[
        "Attributes"]
    assert "PlatformCredential" not in attrs
    assert attrs["AuthenticationMethod"] == "Key"
