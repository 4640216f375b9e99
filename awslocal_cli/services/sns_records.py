"""SNS records: mobile push applications and endpoints, SMS settings, the SMS sandbox, opt-outs,
and topic data protection policies.

These operations keep faithful, validated records; nothing is ever sent to a push service or
a phone. The one-time password CreateSMSSandboxPhoneNumber "texts" is written to the
`sns_deliveries` log (status `outbox`, protocol `sms`) and kept in `sns_sandbox_numbers`, so a
user can read it back and verify the number. `publish_to_endpoint` and `check_phone_publish`
are the checks Publish makes for a TargetArn naming an endpoint and for a PhoneNumber.
`opt_out_phone_number` and `set_sms_sandbox` stand in for what only happens outside the API in
AWS (a recipient replying STOP, a support case moving the account out of the sandbox).

Departures from AWS: platform credentials are never checked with the push service, so any
PlatformPrincipal / PlatformCredential pair is accepted (a GCM credential that starts like JSON
must parse), and no AppleCertificateExpiryDate is reported. Endpoint event topics
(EventEndpointCreated, ...) are stored and returned but no event is published to them. The
sandbox one-time password text is always English whatever the LanguageCode. IAM is not
modelled.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import uuid
from typing import TYPE_CHECKING, Any

from awslocal_cli.errors import sns as err
from awslocal_cli.services.sns import page_after, page_token, seq_after
from awslocal_cli.store import sns as sns_db
from awslocal_cli.store import sns_records as db

if TYPE_CHECKING:
    from awslocal_cli.context import Context

Row = dict[str, Any]

PAGE = 100
DAY = 86400
OPT_IN_INTERVAL = 30 * DAY  # "You can opt in a phone number only once every 30 days."
SANDBOX_MAX_NUMBERS = 10  # SMS sandbox: up to 10 destination phone numbers
SANDBOX_MAX_SENDS = 5  # the one-time password can be sent up to five times every 24 hours
SANDBOX_DELETE_WAIT = DAY  # delete only 24 hours after verification or the last attempt
SMS_SPEND_QUOTA = 1  # USD: the monthly SMS spending quota of a new account
MAX_CUSTOM_USER_DATA = 2048
MAX_DATA_PROTECTION_POLICY = 30720

# CreatePlatformApplication's Platform values (the keys of a MessageStructure=json message).
PLATFORMS = ("ADM", "APNS", "APNS_SANDBOX", "APNS_VOIP", "APNS_VOIP_SANDBOX", "MACOS",
             "MACOS_SANDBOX", "BAIDU", "GCM", "MPNS", "WNS")
_APPLE = frozenset({"APNS", "APNS_SANDBOX", "APNS_VOIP", "APNS_VOIP_SANDBOX", "MACOS",
                    "MACOS_SANDBOX"})
# Platforms whose push services take a JSON payload.
_JSON_PAYLOAD = _APPLE | {"GCM", "ADM", "BAIDU"}
_SECRETS = ("PlatformPrincipal", "PlatformCredential")
_EVENTS = ("EventEndpointCreated", "EventEndpointDeleted", "EventEndpointUpdated",
           "EventDeliveryFailure")
_APP_SETTABLE = frozenset({*_SECRETS, *_EVENTS, "SuccessFeedbackRoleArn",
                           "FailureFeedbackRoleArn", "SuccessFeedbackSampleRate",
                           "ApplePlatformTeamID", "ApplePlatformBundleID", "Enabled"})
_ENDPOINT_ATTRIBUTES = ("CustomUserData", "Enabled", "Token")
_SMS_ATTRIBUTES = ("MonthlySpendLimit", "DeliveryStatusIAMRole",
                   "DeliveryStatusSuccessSamplingRate", "DefaultSenderID", "DefaultSMSType",
                   "UsageReportS3Bucket")
_LANGUAGES = ("en-US", "en-GB", "es-419", "es-ES", "de-DE", "fr-CA", "fr-FR", "it-IT", "ja-JP",
              "pt-BR", "kr-KR", "zh-CN", "zh-TW")

_APP_NAME = re.compile(r"^[A-Za-z0-9._-]+$")
_TOPIC_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]{1,256}$")
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")
_E164 = re.compile(r"^\+?[1-9]\d{1,14}$")
_SANDBOX_NUMBER = re.compile(r"^(\+[0-9]{8,}|[0-9]{0,9})$")
_SENDER_ID = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_DATA_IDENTIFIER = re.compile(
    r"^arn:aws[a-z-]*:dataprotection:[a-z0-9-]*:(aws)?:data-identifier/[A-Za-z0-9_-]+$")


# -- shared checks ------------------------------------------------------------------------------


def _invalid(what: str) -> err.InvalidParameterException:
    return err.InvalidParameterException(f"Invalid parameter: {what}")


def _null_attributes() -> err.ValidationException:
    # An empty map is not serialized by the query protocol, so AWS sees no attributes at all
    # and answers with its generic validation error (code ValidationError, not the modeled
    # ValidationException).
    return err.ValidationException(
        "1 validation error detected: Value null at 'attributes' failed to satisfy constraint: "
        "Member must not be null", code="ValidationError")


def _arn_resource(arn: Any, what: str, kind: str, slashes: int) -> list[str]:
    """The `/`-separated pieces of an `arn:aws:sns:...:<kind>/...` ARN, or InvalidParameter."""
    parts = str(arn or "").split(":")
    if len(parts) < 6:
        raise _invalid(f"{what} Reason: An ARN must have at least 6 elements, not {len(parts)}")
    pieces = ":".join(parts[5:]).split("/")
    if len(pieces) != slashes + 1:
        raise _invalid(f"{what} Reason: Wrong number of slashes in relative portion of the ARN.")
    if parts[0] != "arn" or parts[2] != "sns" or pieces[0] != kind or not all(pieces):
        raise _invalid(what)
    return pieces


def _boolean(name: str, value: str) -> str:
    if value.lower() not in ("true", "false"):
        raise _invalid(f"Attributes Reason: Invalid value for attribute: {name}: must be true "
                       "or false")
    return value.lower()


def _percent(value: str) -> bool:
    return value.isdigit() and 0 <= int(value) <= 100


# -- platform applications ----------------------------------------------------------------------


def _application(ctx: Context, arn: Any) -> Row:
    _arn_resource(arn, "PlatformApplicationArn", "app", 2)
    app = db.get_application(ctx.db, ctx.account, ctx.region, str(arn))
    if app is None:
        raise err.NotFoundException("PlatformApplication does not exist")
    return app


def _check_app_attribute(platform: str, name: str, value: str) -> str:
    if name not in _APP_SETTABLE:
        raise _invalid(f"Attributes Reason: Invalid attribute name: {name}")
    if name in _EVENTS and value and not _TOPIC_ARN.match(value):
        raise _invalid(f"Attributes Reason: Invalid value for attribute: {name}: must be a "
                       "topic ARN")
    if name.endswith("RoleArn") and value and not _ROLE_ARN.match(value):
        raise _invalid(f"Attributes Reason: Invalid value for attribute: {name}: must be an "
                       "IAM role ARN")
    if name == "SuccessFeedbackSampleRate" and value and not _percent(value):
        raise _invalid(f"Attributes Reason: Invalid value for attribute: {name}: must be an "
                       "integer from 0 to 100")
    if name == "Enabled":
        return _boolean(name, value)
    if name.startswith("ApplePlatform") and platform not in _APPLE:
        raise _invalid(f"Attributes Reason: {name} is only valid for Apple platforms")
    if name in _SECRETS and not value:
        raise _invalid(f"Attributes Reason: {name} cannot be empty")
    return value


def _check_credentials(platform: str, merged: dict[str, str], given: dict[str, str]) -> None:
    """The credential rules of CreatePlatformApplication (and of changing them later)."""
    principal, credential = "PlatformPrincipal" in given, "PlatformCredential" in given
    if principal and not credential:
        raise _invalid("Attributes Reason: PlatformPrincipal attribute provided without "
                       "PlatformCredential")
    # FCM (GCM) has no principal: the credential is an API key or a service account key file.
    if credential and not principal and platform != "GCM":
        raise _invalid("Attributes Reason: PlatformCredential attribute provided without "
                       "PlatformPrincipal")
    if "PlatformCredential" not in merged:
        raise _invalid("Attributes Reason: PlatformCredential attribute required")
    if platform == "GCM" and merged["PlatformCredential"].lstrip().startswith("{"):
        try:
            key = json.loads(merged["PlatformCredential"])
        except ValueError:
            key = None
        if not isinstance(key, dict):
            raise _invalid("Attributes Reason: Platform credentials are invalid")
    if platform in _APPLE:
        team, bundle = bool(merged.get("ApplePlatformTeamID")), bool(
            merged.get("ApplePlatformBundleID"))
        if team != bundle:
            raise _invalid("Attributes Reason: ApplePlatformTeamID and ApplePlatformBundleID "
                           "are both required for token-based authentication")


def _authentication_method(platform: str, attributes: dict[str, str],
                           credentials: dict[str, str]) -> str | None:
    if platform in _APPLE:
        return "Token" if "ApplePlatformTeamID" in attributes else "Certificate"
    if platform == "GCM":
        key = credentials.get("PlatformCredential", "").lstrip()
        return "Token" if key.startswith("{") else "Key"
    return None


def _split(platform: str, attributes: dict[str, str],
           credentials: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Stored attributes (with AuthenticationMethod) and the secrets kept apart from them."""
    public = {k: v for k, v in attributes.items() if k not in _SECRETS and v != ""}
    public.setdefault("Enabled", "true")
    method = _authentication_method(platform, public, credentials)
    public.pop("AuthenticationMethod", None)
    if method is not None:
        public["AuthenticationMethod"] = method
    secret = {k: v for k, v in credentials.items() if k in _SECRETS}
    if platform == "GCM":
        secret.pop("PlatformPrincipal", None)
    return public, secret


def _sealed(ctx: Context, arn: str, secret: dict[str, str]) -> dict[str, str]:
    """Credentials as stored: wrapped by root.key, so state.db alone does not reveal them."""
    from awslocal_cli import crypto

    blob = crypto.wrap_material(ctx.store.root_key(), "sns-platform-credentials", arn,
                                json.dumps(secret).encode())
    return {"sealed": base64.b64encode(blob).decode()}


def _opened(ctx: Context, app: Row) -> dict[str, str]:
    """An application's credentials, unwrapped."""
    from awslocal_cli import crypto

    sealed = app["credentials"].get("sealed")
    if sealed is None:
        return {}
    plain = crypto.unwrap_material(ctx.store.root_key(), "sns-platform-credentials",
                                   app["arn"], base64.b64decode(sealed))
    return dict(json.loads(plain))


def create_platform_application(ctx: Context, *, Name: str, Platform: str,
                                Attributes: dict[str, str] | None = None) -> dict[str, Any]:
    """Create an application for a push service; its credentials are kept but never returned.

    Creating one again with the same name and platform returns its ARN and replaces its
    attributes and credentials (its endpoints are kept).
    """
    name = str(Name or "")
    if not name:
        raise _invalid(f"{name} Reason: cannot be empty")
    if len(name) > 256:
        raise _invalid(f"{name} Reason: must be at most 256 characters long")
    if not _APP_NAME.match(name):
        raise _invalid(f"{name} Reason: must contain only characters 'a'-'z', 'A'-'Z', "
                       "'0'-'9', '_', '-', and '.'")
    if Platform not in PLATFORMS:
        raise _invalid(f"Platform Reason: {Platform} is not supported")
    if not Attributes:
        raise _null_attributes()
    given = {k: _check_app_attribute(Platform, k, "" if v is None else str(v))
             for k, v in Attributes.items()}
    _check_credentials(Platform, given, given)
    public, secret = _split(Platform, given, given)
    arn = f"arn:aws:sns:{ctx.region}:{ctx.account}:app/{Platform}/{name}"
    if db.get_application(ctx.db, ctx.account, ctx.region, arn) is not None:
        db.update_application(ctx.db, arn, attributes=public,
                              credentials=_sealed(ctx, arn, secret))
    else:
        db.insert_application(ctx.db, {
            "account": ctx.account, "region": ctx.region, "platform": Platform, "name": name,
            "arn": arn, "attributes": public, "credentials": _sealed(ctx, arn, secret),
            "created": ctx.time()})
    return {"PlatformApplicationArn": arn}


def get_platform_application_attributes(ctx: Context, *,
                                        PlatformApplicationArn: str) -> dict[str, Any]:
    """The attributes of an application, without its PlatformPrincipal and PlatformCredential."""
    app = _application(ctx, PlatformApplicationArn)
    return {"Attributes": dict(app["attributes"])}


def set_platform_application_attributes(ctx: Context, *, PlatformApplicationArn: str,
                                        Attributes: dict[str, str] | None = None
                                        ) -> dict[str, Any]:
    """Change attributes of an application; an empty value removes an optional attribute.

    Enabled=false stands in for SNS disabling an application whose credentials the push
    service rejects: publishing to its endpoints then fails with PlatformApplicationDisabled.
    """
    _arn_resource(PlatformApplicationArn, "PlatformApplicationArn", "app", 2)
    if not Attributes:
        raise _null_attributes()
    app = _application(ctx, PlatformApplicationArn)
    platform = app["platform"]
    given = {k: _check_app_attribute(platform, k, "" if v is None else str(v))
             for k, v in Attributes.items()}
    credentials = _opened(ctx, app)
    merged = {**app["attributes"], **credentials, **given}
    if given.keys() & {*_SECRETS, "ApplePlatformTeamID", "ApplePlatformBundleID"}:
        _check_credentials(platform, merged, given)
    public, secret = _split(platform, merged, {**credentials, **given})
    db.update_application(ctx.db, app["arn"], attributes=public,
                          credentials=_sealed(ctx, app["arn"], secret))
    return {}


def delete_platform_application(ctx: Context, *, PlatformApplicationArn: str) -> dict[str, Any]:
    """Delete an application and its endpoints; deleting a missing one succeeds."""
    _arn_resource(PlatformApplicationArn, "PlatformApplicationArn", "app", 2)
    app = db.get_application(ctx.db, ctx.account, ctx.region, str(PlatformApplicationArn))
    if app is not None:
        db.delete_application(ctx.db, app["arn"])
    return {}


def list_platform_applications(ctx: Context, *, NextToken: str | None = None) -> dict[str, Any]:
    """The applications of the region, 100 per page."""
    rows = db.list_applications(ctx.db, ctx.account, ctx.region, seq_after(NextToken, "app"),
                                PAGE + 1)
    out: dict[str, Any] = {"PlatformApplications": [
        {"PlatformApplicationArn": r["arn"], "Attributes": dict(r["attributes"])}
        for r in rows[:PAGE]]}
    if len(rows) > PAGE:
        out["NextToken"] = page_token("app", rows[PAGE - 1]["seq"])
    return out


# -- platform endpoints -------------------------------------------------------------------------


def _endpoint(ctx: Context, arn: Any) -> Row:
    _arn_resource(arn, "EndpointArn", "endpoint", 3)
    endpoint = db.get_endpoint(ctx.db, ctx.account, ctx.region, str(arn))
    if endpoint is None:
        raise err.NotFoundException("Endpoint does not exist")
    return endpoint


def _check_token(platform: str, token: Any) -> str:
    value = "" if token is None else str(token)
    if not value:
        raise _invalid("Token Reason: cannot be empty")
    if platform in _APPLE:
        # APNs device tokens are hexadecimal; SNS keeps (and returns) them in lowercase.
        if len(value) > 400 or not re.fullmatch(r"[0-9A-Fa-f]+", value):
            raise _invalid("Token Reason: iOS device tokens must be no more than 400 "
                           "hexadecimal characters")
        value = value.lower()
    return value


def _check_endpoint_attributes(platform: str, attributes: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, raw in attributes.items():
        value = "" if raw is None else str(raw)
        if name not in _ENDPOINT_ATTRIBUTES:
            raise _invalid(f"Attributes Reason: Invalid attribute name: {name}")
        if name == "CustomUserData" and len(value.encode("utf-8")) > MAX_CUSTOM_USER_DATA:
            raise _invalid("Attributes Reason: Invalid value for attribute: CustomUserData: must "
                           "be at most 2048 bytes long in UTF-8 encoding")
        if name == "Enabled":
            value = _boolean(name, value)
        if name == "Token":
            value = _check_token(platform, value)
        out[name] = value
    return out


def _ordered(attributes: dict[str, str]) -> dict[str, str]:
    return {k: attributes[k] for k in _ENDPOINT_ATTRIBUTES if k in attributes}


def create_platform_endpoint(ctx: Context, *, PlatformApplicationArn: str, Token: str,
                             CustomUserData: str | None = None,
                             Attributes: dict[str, str] | None = None) -> dict[str, Any]:
    """Register a device token; the same token with the same attributes returns the same ARN."""
    app = _application(ctx, PlatformApplicationArn)
    platform = app["platform"]
    given = _check_endpoint_attributes(platform, Attributes or {})
    token = _check_token(platform, Token)
    attributes = {"Enabled": "true"}
    if CustomUserData:
        # CustomUserData may come both as a member and as an attribute; the attribute wins.
        attributes.update(_check_endpoint_attributes(platform, {"CustomUserData": CustomUserData}))
    attributes.update(given)
    attributes["Token"] = token
    attributes = _ordered(attributes)
    existing = db.endpoint_by_token(ctx.db, app["arn"], token)
    if existing is not None:
        if existing["attributes"] != attributes:
            raise _invalid(f"Token Reason: Endpoint {existing['arn']} already exists with the "
                           "same Token, but different attributes.")
        return {"EndpointArn": existing["arn"]}
    arn = (f"arn:aws:sns:{app['region']}:{app['account']}:endpoint/{platform}/{app['name']}/"
           f"{uuid.uuid4()}")
    db.insert_endpoint(ctx.db, {
        "account": app["account"], "region": app["region"], "arn": arn,
        "application_arn": app["arn"], "token": token, "attributes": attributes,
        "created": ctx.time()})
    return {"EndpointArn": arn}


def get_endpoint_attributes(ctx: Context, *, EndpointArn: str) -> dict[str, Any]:
    """CustomUserData, Enabled and Token of an endpoint."""
    endpoint = _endpoint(ctx, EndpointArn)
    return {"Attributes": dict(endpoint["attributes"])}


def set_endpoint_attributes(ctx: Context, *, EndpointArn: str,
                            Attributes: dict[str, str] | None = None) -> dict[str, Any]:
    """Change CustomUserData, Enabled or Token of an endpoint (empty CustomUserData removes it)."""
    _arn_resource(EndpointArn, "EndpointArn", "endpoint", 3)
    if not Attributes:
        raise _null_attributes()
    endpoint = _endpoint(ctx, EndpointArn)
    platform = endpoint["arn"].split(":", 5)[5].split("/")[1]
    given = _check_endpoint_attributes(platform, Attributes)
    attributes = {**endpoint["attributes"], **given}
    if attributes.get("CustomUserData") == "":
        del attributes["CustomUserData"]
    db.update_endpoint(ctx.db, endpoint["arn"], attributes=_ordered(attributes),
                       token=attributes["Token"])
    return {}


def delete_endpoint(ctx: Context, *, EndpointArn: str) -> dict[str, Any]:
    """Delete an endpoint; deleting a missing one succeeds. Subscriptions to it are kept."""
    _arn_resource(EndpointArn, "EndpointArn", "endpoint", 3)
    endpoint = db.get_endpoint(ctx.db, ctx.account, ctx.region, str(EndpointArn))
    if endpoint is not None:
        db.delete_endpoint(ctx.db, endpoint["arn"])
    return {}


def list_endpoints_by_platform_application(ctx: Context, *, PlatformApplicationArn: str,
                                           NextToken: str | None = None) -> dict[str, Any]:
    """The endpoints of an application, 100 per page."""
    app = _application(ctx, PlatformApplicationArn)
    rows = db.list_endpoints(ctx.db, app["arn"], seq_after(NextToken, "endpoint"), PAGE + 1)
    out: dict[str, Any] = {"Endpoints": [
        {"EndpointArn": r["arn"], "Attributes": dict(r["attributes"])} for r in rows[:PAGE]]}
    if len(rows) > PAGE:
        out["NextToken"] = page_token("endpoint", rows[PAGE - 1]["seq"])
    return out


def publish_to_endpoint(ctx: Context, target_arn: str, message: str,
                        structure: dict[str, str] | None = None) -> str:
    """Check a Publish to a platform endpoint; the payload SNS would hand to the push service.

    For Publish with a TargetArn naming an endpoint (the caller logs the delivery). Raises as
    AWS does: InvalidParameter "No endpoint found for the target arn specified" for a missing
    endpoint (also after its application was deleted), PlatformApplicationDisabled when the
    application is disabled, EndpointDisabled when the endpoint's Enabled is false. With
    MessageStructure=json (`structure` parsed, with its "default"), the payload is the
    platform's own entry ("GCM", "APNS", "APNS_SANDBOX", ...), which must be JSON for the
    services that take JSON, falling back to "default". Departure: a plain message is returned
    as is, not wrapped in the push service's format.
    """
    _arn_resource(target_arn, "TargetArn", "endpoint", 3)
    endpoint = db.get_endpoint(ctx.db, ctx.account, ctx.region, str(target_arn))
    app = None if endpoint is None else db.get_application(
        ctx.db, ctx.account, ctx.region, endpoint["application_arn"])
    if endpoint is None or app is None:
        raise _invalid("TargetArn Reason: No endpoint found for the target arn specified")
    if app["attributes"].get("Enabled", "true") != "true":
        raise err.PlatformApplicationDisabledException("Platform application is disabled")
    if endpoint["attributes"].get("Enabled", "true") != "true":
        raise err.EndpointDisabledException("Endpoint is disabled")
    if structure is None:
        return message
    platform = app["platform"]
    if platform not in structure:
        return str(structure.get("default", message))
    payload = str(structure[platform])
    if platform in _JSON_PAYLOAD:
        try:
            parsed = json.loads(payload)
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            raise _invalid(f"Message Reason: Invalid notification for protocol {platform}: "
                           "Notification is malformed")
    return payload


# -- SMS attributes -----------------------------------------------------------------------------


def _sms_settings(ctx: Context) -> Row:
    row = db.get_sms_settings(ctx.db, ctx.account, ctx.region)
    return row if row is not None else {"attributes": {}, "in_sandbox": 1}


def _check_sms_attribute(name: str, value: str) -> None:
    if name not in _SMS_ATTRIBUTES:
        raise err.InvalidParameterException(f"{name} is not a valid attribute")
    if value == "":
        return
    if name == "MonthlySpendLimit":
        if not value.isdigit():
            raise err.InvalidParameterException("MonthlySpendLimit is invalid")
        if int(value) > SMS_SPEND_QUOTA:
            raise _invalid(f"MonthlySpendLimit Reason: cannot be greater than the account's "
                           f"monthly SMS spending quota of {SMS_SPEND_QUOTA} USD")
    valid = {
        "MonthlySpendLimit": True,
        "DeliveryStatusIAMRole": bool(_ROLE_ARN.match(value)),
        "DeliveryStatusSuccessSamplingRate": _percent(value),
        "DefaultSenderID": bool(_SENDER_ID.match(value)),
        "DefaultSMSType": value in ("Promotional", "Transactional"),
        "UsageReportS3Bucket": bool(_BUCKET.match(value)) and ".." not in value,
    }[name]
    if not valid:
        raise err.InvalidParameterException(f"{name} is invalid")


def set_sms_attributes(ctx: Context, *, attributes: dict[str, str] | None = None
                       ) -> dict[str, Any]:
    """Set the account's default SMS settings in the region; an empty value resets one."""
    if not attributes:
        raise _null_attributes()
    given = {k: "" if v is None else str(v) for k, v in attributes.items()}
    for name, value in given.items():
        _check_sms_attribute(name, value)
    current = dict(_sms_settings(ctx)["attributes"])
    for name, value in given.items():
        if value == "":
            current.pop(name, None)
        else:
            current[name] = value
    db.put_sms_settings(ctx.db, ctx.account, ctx.region, attributes=current)
    return {}


def get_sms_attributes(ctx: Context, *, attributes: list[str] | None = None) -> dict[str, Any]:
    """The SMS settings (MonthlySpendLimit defaults to the quota); `attributes` picks some."""
    stored = {"MonthlySpendLimit": str(SMS_SPEND_QUOTA), **_sms_settings(ctx)["attributes"]}
    wanted = set(attributes) if attributes else set(_SMS_ATTRIBUTES)
    return {"attributes": {k: stored[k] for k in _SMS_ATTRIBUTES if k in stored and k in wanted}}


# -- phone numbers and opt-outs -----------------------------------------------------------------


def _phone(value: Any) -> str:
    text = str(value or "").strip()
    if not _E164.match(text):
        raise _invalid("PhoneNumber Reason: input incorrectly formatted")
    return text if text.startswith("+") else f"+{text}"


def opt_out_phone_number(ctx: Context, phone_number: str) -> None:
    """Opt a phone number out of SMS from this account, as a STOP reply does in AWS."""
    db.opt_out(ctx.db, ctx.account, ctx.region, _phone(phone_number), ctx.time())


def check_if_phone_number_is_opted_out(ctx: Context, *, phoneNumber: str) -> dict[str, Any]:
    """Whether a phone number opted out of SMS from this account."""
    row = db.get_phone(ctx.db, ctx.account, ctx.region, _phone(phoneNumber))
    return {"isOptedOut": bool(row and row["opted_out"])}


def list_phone_numbers_opted_out(ctx: Context, *, nextToken: str | None = None
                                 ) -> dict[str, Any]:
    """The opted-out phone numbers, 100 per page."""
    after = page_after(nextToken, "phone", "nextToken") or ""
    numbers = db.list_opted_out(ctx.db, ctx.account, ctx.region, after, PAGE + 1)
    out: dict[str, Any] = {"phoneNumbers": numbers[:PAGE]}
    if len(numbers) > PAGE:
        out["nextToken"] = page_token("phone", numbers[PAGE - 1])
    return out


def opt_in_phone_number(ctx: Context, *, phoneNumber: str) -> dict[str, Any]:
    """Opt a number back in; at most once every 30 days (a number not opted out is a no-op)."""
    phone = _phone(phoneNumber)
    row = db.get_phone(ctx.db, ctx.account, ctx.region, phone)
    if row is None or not row["opted_out"]:
        return {}
    now = ctx.time()
    if row["opted_in_at"] is not None and now - row["opted_in_at"] < OPT_IN_INTERVAL:
        raise _invalid("PhoneNumber Reason: a phone number can be opted in only once every 30 "
                       "days")
    db.opt_in(ctx.db, ctx.account, ctx.region, phone, now)
    return {}


def check_phone_publish(ctx: Context, phone_number: str) -> str | None:
    """Why an SMS to this number would not be delivered, or None when it would be.

    For Publish with a PhoneNumber (or an sms subscription). AWS accepts such a Publish and
    answers with a MessageId either way (the model lists no OptedOut error for Publish); the
    message then fails to deliver, with the reason in the SMS delivery logs. So this raises
    nothing and returns the reason for the delivery log: an opted-out number, or, while the
    account is in the SMS sandbox, a number that is not a verified sandbox destination.
    """
    text = str(phone_number or "").strip()
    phone = text if text.startswith("+") else f"+{text}"
    row = db.get_phone(ctx.db, ctx.account, ctx.region, phone)
    if row is not None and row["opted_out"]:
        return "Phone number is opted out"
    if _sms_settings(ctx)["in_sandbox"]:
        number = db.get_sandbox_number(ctx.db, ctx.account, ctx.region, phone)
        if number is None or number["status"] != "Verified":
            return (f"The account is in the SMS sandbox and {phone} is not a verified "
                    "destination phone number")
    return None


def list_origination_numbers(ctx: Context, *, NextToken: str | None = None,
                             MaxResults: int | None = None) -> dict[str, Any]:
    """The account's origination numbers: none, as for a new account (none can be bought here)."""
    if MaxResults is not None and not 1 <= MaxResults <= 30:
        bound = "greater than or equal to 1" if MaxResults < 1 else "less than or equal to 30"
        raise err.ValidationException(
            f"1 validation error detected: Value '{MaxResults}' at 'maxResults' failed to "
            f"satisfy constraint: Member must have value {bound}")
    if NextToken is not None:
        raise _invalid("NextToken")
    return {"PhoneNumbers": []}


# -- the SMS sandbox ----------------------------------------------------------------------------


def set_sms_sandbox(ctx: Context, in_sandbox: bool) -> None:
    """Move the account into or out of the SMS sandbox (a support case in AWS)."""
    db.put_sms_settings(ctx.db, ctx.account, ctx.region, in_sandbox=in_sandbox)


def get_sms_sandbox_account_status(ctx: Context) -> dict[str, Any]:
    """Whether the account is in the SMS sandbox of the region (new accounts are)."""
    return {"IsInSandbox": bool(_sms_settings(ctx)["in_sandbox"])}


def _sandbox_phone(value: Any) -> str:
    text = str(value or "")
    if not text or len(text) > 20 or not _SANDBOX_NUMBER.match(text):
        raise _invalid("PhoneNumber Reason: input incorrectly formatted")
    return text


def _sandbox_number(ctx: Context, phone: str) -> Row:
    row = db.get_sandbox_number(ctx.db, ctx.account, ctx.region, phone)
    if row is None:
        raise err.ResourceNotFoundException(
            f"Phone number {phone} does not exist in the SMS sandbox")
    return row


def _send_otp(ctx: Context, phone: str, sends: list[float]) -> tuple[str, list[float]]:
    now = ctx.time()
    recent = [t for t in sends if now - t < DAY]
    if len(recent) >= SANDBOX_MAX_SENDS:
        raise err.ThrottledException(
            f"The one-time password can be sent to a phone number at most {SANDBOX_MAX_SENDS} "
            "times every 24 hours")
    otp = f"{secrets.randbelow(10**6):06d}"
    from awslocal_cli.services import sns_delivery

    sns_delivery.record_outbox(ctx, sns_delivery.no_topic(ctx), None, "sms", phone,
                               str(uuid.uuid4()), f"Your Amazon SNS verification code is: {otp}")
    return otp, [*recent, now]


def create_sms_sandbox_phone_number(ctx: Context, *, PhoneNumber: str,
                                    LanguageCode: str | None = None) -> dict[str, Any]:
    """Add a destination number to the SMS sandbox and "text" it a one-time password.

    The password is written to the delivery log (protocol sms, status outbox) and kept with
    the number. Adding a pending number again sends a new password (at most 5 in 24 hours);
    adding a verified number again does nothing.
    """
    phone = _sandbox_phone(PhoneNumber)
    language = LanguageCode or "en-US"
    if language not in _LANGUAGES:
        raise _invalid(f"LanguageCode Reason: {language} is not a supported language code")
    opted = db.get_phone(ctx.db, ctx.account, ctx.region, phone)
    if opted is not None and opted["opted_out"]:
        raise err.OptedOutException(f"Phone number {phone} is opted out")
    row = db.get_sandbox_number(ctx.db, ctx.account, ctx.region, phone)
    if row is not None:
        if row["status"] == "Verified":
            return {}
        otp, sends = _send_otp(ctx, phone, row["sends"])
        db.update_sandbox_number(ctx.db, row["seq"], otp=otp, sends=sends, language_code=language,
                                 last_attempt=ctx.time())
        return {}
    if db.count_sandbox_numbers(ctx.db, ctx.account, ctx.region) >= SANDBOX_MAX_NUMBERS:
        raise err.UserErrorException(
            f"The SMS sandbox can hold at most {SANDBOX_MAX_NUMBERS} destination phone numbers")
    otp, sends = _send_otp(ctx, phone, [])
    db.insert_sandbox_number(ctx.db, {
        "account": ctx.account, "region": ctx.region, "phone_number": phone,
        "status": "Pending", "language_code": language, "otp": otp, "sends": sends,
        "last_attempt": ctx.time(), "verified_at": None})
    return {}


def verify_sms_sandbox_phone_number(ctx: Context, *, PhoneNumber: str,
                                    OneTimePassword: str) -> dict[str, Any]:
    """Verify a pending sandbox number with the password sent to it."""
    phone = _sandbox_phone(PhoneNumber)
    code = str(OneTimePassword or "")
    if not re.fullmatch(r"[0-9]{5,8}", code):
        raise _invalid("OneTimePassword Reason: must be 5 to 8 digits")
    row = _sandbox_number(ctx, phone)
    if row["status"] == "Verified":
        return {}
    now = ctx.time()
    if not row["otp"] or not secrets.compare_digest(code, row["otp"]):
        db.update_sandbox_number(ctx.db, row["seq"], last_attempt=now)
        # The failed attempt is kept: it restarts the 24 hours before the number can be deleted.
        ctx.session.checkpoint()
        raise err.VerificationException("Invalid one-time password", Status="Pending")
    db.update_sandbox_number(ctx.db, row["seq"], status="Verified", otp=None, verified_at=now,
                             last_attempt=now)
    return {}


def list_sms_sandbox_phone_numbers(ctx: Context, *, NextToken: str | None = None,
                                   MaxResults: int | None = None) -> dict[str, Any]:
    """The sandbox destination numbers and their status, MaxResults (at most 100) per page."""
    limit = PAGE if MaxResults is None else MaxResults
    if not 1 <= limit <= PAGE:
        raise _invalid(f"MaxResults Reason: must be between 1 and {PAGE}")
    rows = db.list_sandbox_numbers(ctx.db, ctx.account, ctx.region,
                                   seq_after(NextToken, "sandbox"), limit + 1)
    out: dict[str, Any] = {"PhoneNumbers": [
        {"PhoneNumber": r["phone_number"], "Status": r["status"]} for r in rows[:limit]]}
    if len(rows) > limit:
        out["NextToken"] = page_token("sandbox", rows[limit - 1]["seq"])
    return out


def delete_sms_sandbox_phone_number(ctx: Context, *, PhoneNumber: str) -> dict[str, Any]:
    """Remove a sandbox number, once 24 hours have passed since its verification or last try."""
    phone = _sandbox_phone(PhoneNumber)
    row = _sandbox_number(ctx, phone)
    if ctx.time() - row["last_attempt"] < SANDBOX_DELETE_WAIT:
        raise err.UserErrorException(
            "A destination phone number can be deleted only 24 hours after its verification "
            "or its last verification attempt")
    db.delete_sandbox_number(ctx.db, row["seq"])
    return {}


# -- data protection policies -------------------------------------------------------------------


def _policy_topic(ctx: Context, arn: Any) -> Row:
    parts = str(arn or "").split(":")
    if len(parts) < 6:
        raise _invalid(f"ResourceArn Reason: An ARN must have at least 6 elements, not "
                       f"{len(parts)}")
    if parts[0] != "arn" or parts[2] != "sns" or not parts[5]:
        raise _invalid("ResourceArn")
    topic = sns_db.get_topic(ctx.db, str(arn))
    if topic is None:
        raise err.NotFoundException("Topic does not exist")
    return topic


def _policy_error(reason: str) -> err.InvalidParameterException:
    return _invalid(f"DataProtectionPolicy Reason: {reason}")


def _check_data_protection_policy(text: str) -> None:
    if len(text) > MAX_DATA_PROTECTION_POLICY:
        raise _policy_error(f"must be at most {MAX_DATA_PROTECTION_POLICY} characters long")
    try:
        doc = json.loads(text)
    except ValueError:
        raise _policy_error("failed to parse JSON") from None
    if not isinstance(doc, dict):
        raise _policy_error("must be a JSON object")
    unknown = set(doc) - {"Name", "Description", "Version", "Statement", "Configuration"}
    if unknown:
        raise _policy_error(f"unknown field {sorted(unknown)[0]}")
    if not isinstance(doc.get("Name"), str) or not doc["Name"]:
        raise _policy_error("Name is required")
    if doc.get("Version") != "2021-06-01":
        raise _policy_error("Version must be 2021-06-01")
    custom = set()
    config = doc.get("Configuration", {})
    if not isinstance(config, dict):
        raise _policy_error("Configuration must be an object")
    for item in config.get("CustomDataIdentifier", []) or []:
        if not isinstance(item, dict) or not item.get("Name") or not item.get("Regex"):
            raise _policy_error("each CustomDataIdentifier needs a Name and a Regex")
        custom.add(item["Name"])
    statements = doc.get("Statement")
    if not isinstance(statements, list) or not statements:
        raise _policy_error("Statement must be a non-empty list")
    for st in statements:
        if not isinstance(st, dict):
            raise _policy_error("each Statement must be an object")
        if st.get("DataDirection") not in ("Inbound", "Outbound"):
            raise _policy_error("DataDirection must be Inbound or Outbound")
        principal = st.get("Principal")
        if not isinstance(principal, list) or not principal or not all(
                isinstance(p, str) and p for p in principal):
            raise _policy_error("Principal must be a non-empty list of strings")
        identifiers = st.get("DataIdentifier")
        if not isinstance(identifiers, list) or not identifiers:
            raise _policy_error("DataIdentifier must be a non-empty list")
        for ident in identifiers:
            if not isinstance(ident, str) or not (_DATA_IDENTIFIER.match(ident)
                                                  or ident in custom):
                raise _policy_error(f"invalid DataIdentifier {ident}")
        operation = st.get("Operation")
        if not isinstance(operation, dict) or len(operation) != 1 or not set(operation) <= {
                "Audit", "Deny", "Deidentify"} or not isinstance(
                next(iter(operation.values())), dict):
            raise _policy_error("Operation must hold exactly one of Audit, Deny or Deidentify")


def put_data_protection_policy(ctx: Context, *, ResourceArn: str,
                               DataProtectionPolicy: str) -> dict[str, Any]:
    """Set (or, with an empty policy, remove) the data protection policy of a topic."""
    topic = _policy_topic(ctx, ResourceArn)
    text = str(DataProtectionPolicy or "")
    attrs = dict(topic["attributes"])
    if text:
        _check_data_protection_policy(text)
        attrs["DataProtectionPolicy"] = text
    else:
        attrs.pop("DataProtectionPolicy", None)
    sns_db.update_topic(ctx.db, topic["arn"], attributes=attrs)
    return {}


def get_data_protection_policy(ctx: Context, *, ResourceArn: str) -> dict[str, Any]:
    """The data protection policy of a topic, "" when it has none."""
    topic = _policy_topic(ctx, ResourceArn)
    return {"DataProtectionPolicy": topic["attributes"].get("DataProtectionPolicy", "")}
