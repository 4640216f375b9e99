"""SNS mobile push: platform applications and endpoints, and the check Publish makes for them.

These operations keep faithful, validated records; nothing is ever sent to a push service.

Departures from AWS: platform credentials are never checked with the push service, so any
PlatformPrincipal / PlatformCredential pair is accepted (a GCM credential that starts like JSON
must parse), and no AppleCertificateExpiryDate is reported. Endpoint event topics
(EventEndpointCreated, ...) are stored and returned but no event is published to them.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from typing import TYPE_CHECKING, Any

from awslocal_cli.errors import sns as err
from awslocal_cli.services.sns.common import (
    PAGE,
    ROLE_ARN,
    arn_resource,
    boolean,
    invalid,
    null_attributes,
    page_token,
    percent,
    seq_after,
)
from awslocal_cli.store.sns import records as db

if TYPE_CHECKING:
    from awslocal_cli.context import Context

Row = dict[str, Any]

MAX_CUSTOM_USER_DATA = 2048

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
_APP_NAME = re.compile(r"^[A-Za-z0-9._-]+$")
_TOPIC_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]{1,256}$")


# -- platform applications ----------------------------------------------------------------------


def _application(ctx: Context, arn: Any) -> Row:
    arn_resource(arn, "PlatformApplicationArn", "app", 2)
    app = db.get_application(ctx.db, ctx.account, ctx.region, str(arn))
    if app is None:
        raise err.NotFoundException("PlatformApplication does not exist")
    return app


def _check_app_attribute(platform: str, name: str, value: str) -> str:
    if name not in _APP_SETTABLE:
        raise invalid(f"Attributes Reason: Invalid attribute name: {name}")
    if name in _EVENTS and value and not _TOPIC_ARN.match(value):
        raise invalid(f"Attributes Reason: Invalid value for attribute: {name}: must be a "
                      "topic ARN")
    if name.endswith("RoleArn") and value and not ROLE_ARN.match(value):
        raise invalid(f"Attributes Reason: Invalid value for attribute: {name}: must be an "
                      "IAM role ARN")
    if name == "SuccessFeedbackSampleRate" and value and not percent(value):
        raise invalid(f"Attributes Reason: Invalid value for attribute: {name}: must be an "
                      "integer from 0 to 100")
    if name == "Enabled":
        return boolean(name, value)
    if name.startswith("ApplePlatform") and platform not in _APPLE:
        raise invalid(f"Attributes Reason: {name} is only valid for Apple platforms")
    if name in _SECRETS and not value:
        raise invalid(f"Attributes Reason: {name} cannot be empty")
    return value


def _check_credentials(platform: str, merged: dict[str, str], given: dict[str, str]) -> None:
    """The credential rules of CreatePlatformApplication (and of changing them later)."""
    principal, credential = "PlatformPrincipal" in given, "PlatformCredential" in given
    if principal and not credential:
        raise invalid("Attributes Reason: PlatformPrincipal attribute provided without "
                      "PlatformCredential")
    # FCM (GCM) has no principal: the credential is an API key or a service account key file.
    if credential and not principal and platform != "GCM":
        raise invalid("Attributes Reason: PlatformCredential attribute provided without "
                      "PlatformPrincipal")
    if "PlatformCredential" not in merged:
        raise invalid("Attributes Reason: PlatformCredential attribute required")
    if platform == "GCM" and merged["PlatformCredential"].lstrip().startswith("{"):
        try:
            key = json.loads(merged["PlatformCredential"])
        except ValueError:
            key = None
        if not isinstance(key, dict):
            raise invalid("Attributes Reason: Platform credentials are invalid")
    if platform in _APPLE:
        team, bundle = bool(merged.get("ApplePlatformTeamID")), bool(
            merged.get("ApplePlatformBundleID"))
        if team != bundle:
            raise invalid("Attributes Reason: ApplePlatformTeamID and ApplePlatformBundleID "
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
                                Attributes: dict[str, str]) -> dict[str, Any]:
    """Create an application for a push service; its credentials are kept but never returned.

    Creating one again with the same name and platform returns its ARN and replaces its
    attributes and credentials (its endpoints are kept).
    """
    name = str(Name or "")
    if not name:
        raise invalid(f"{name} Reason: cannot be empty")
    if len(name) > 256:
        raise invalid(f"{name} Reason: must be at most 256 characters long")
    if not _APP_NAME.match(name):
        raise invalid(f"{name} Reason: must contain only characters 'a'-'z', 'A'-'Z', "
                      "'0'-'9', '_', '-', and '.'")
    if Platform not in PLATFORMS:
        raise invalid(f"Platform Reason: {Platform} is not supported")
    if not Attributes:
        raise null_attributes()
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
                                        Attributes: dict[str, str]) -> dict[str, Any]:
    """Change attributes of an application; an empty value removes an optional attribute.

    Enabled=false stands in for SNS disabling an application whose credentials the push
    service rejects: publishing to its endpoints then fails with PlatformApplicationDisabled.
    """
    arn_resource(PlatformApplicationArn, "PlatformApplicationArn", "app", 2)
    if not Attributes:
        raise null_attributes()
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
    arn_resource(PlatformApplicationArn, "PlatformApplicationArn", "app", 2)
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
    arn_resource(arn, "EndpointArn", "endpoint", 3)
    endpoint = db.get_endpoint(ctx.db, ctx.account, ctx.region, str(arn))
    if endpoint is None:
        raise err.NotFoundException("Endpoint does not exist")
    return endpoint


def _check_token(platform: str, token: Any) -> str:
    value = "" if token is None else str(token)
    if not value:
        raise invalid("Token Reason: cannot be empty")
    if platform in _APPLE:
        # APNs device tokens are hexadecimal; SNS keeps (and returns) them in lowercase.
        if len(value) > 400 or not re.fullmatch(r"[0-9A-Fa-f]+", value):
            raise invalid("Token Reason: iOS device tokens must be no more than 400 "
                          "hexadecimal characters")
        value = value.lower()
    return value


def _check_endpoint_attributes(platform: str, attributes: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, raw in attributes.items():
        value = "" if raw is None else str(raw)
        if name not in _ENDPOINT_ATTRIBUTES:
            raise invalid(f"Attributes Reason: Invalid attribute name: {name}")
        if name == "CustomUserData" and len(value.encode("utf-8")) > MAX_CUSTOM_USER_DATA:
            raise invalid("Attributes Reason: Invalid value for attribute: CustomUserData: must "
                          "be at most 2048 bytes long in UTF-8 encoding")
        if name == "Enabled":
            value = boolean(name, value)
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
            raise invalid(f"Token Reason: Endpoint {existing['arn']} already exists with the "
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
                            Attributes: dict[str, str]) -> dict[str, Any]:
    """Change CustomUserData, Enabled or Token of an endpoint (empty CustomUserData removes it)."""
    arn_resource(EndpointArn, "EndpointArn", "endpoint", 3)
    if not Attributes:
        raise null_attributes()
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
    arn_resource(EndpointArn, "EndpointArn", "endpoint", 3)
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
    arn_resource(target_arn, "TargetArn", "endpoint", 3)
    endpoint = db.get_endpoint(ctx.db, ctx.account, ctx.region, str(target_arn))
    app = None if endpoint is None else db.get_application(
        ctx.db, ctx.account, ctx.region, endpoint["application_arn"])
    if endpoint is None or app is None:
        raise invalid("TargetArn Reason: No endpoint found for the target arn specified")
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
            raise invalid(f"Message Reason: Invalid notification for protocol {platform}: "
                          "Notification is malformed")
    return payload
