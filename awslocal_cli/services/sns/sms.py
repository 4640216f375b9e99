"""SNS SMS: account SMS attributes, opted-out numbers, origination numbers, the SMS sandbox.

Nothing is ever sent to a phone. The one-time password CreateSMSSandboxPhoneNumber "texts" is
written to the `sns_deliveries` log (status `outbox`, protocol `sms`) and kept in
`sns_sandbox_numbers`, so a user can read it back and verify the number. `check_phone_publish`
is the check Publish makes for a PhoneNumber. `opt_out_phone_number` and `set_sms_sandbox` stand
in for what only happens outside the API in AWS (a recipient replying STOP, a support case
moving the account out of the sandbox).

Departures from AWS: the sandbox one-time password text is always English whatever the
LanguageCode.
"""

from __future__ import annotations

import re
import secrets
import uuid
from typing import TYPE_CHECKING, Any

from awslocal_cli.errors import sns as err
from awslocal_cli.services.sns.common import (
    DAY,
    PAGE,
    ROLE_ARN,
    invalid,
    null_attributes,
    page_after,
    page_token,
    percent,
    seq_after,
)
from awslocal_cli.store.sns import records as db

if TYPE_CHECKING:
    from awslocal_cli.context import Context

Row = dict[str, Any]

OPT_IN_INTERVAL = 30 * DAY  # "You can opt in a phone number only once every 30 days."
SANDBOX_MAX_NUMBERS = 10  # SMS sandbox: up to 10 destination phone numbers
SANDBOX_MAX_SENDS = 5  # the one-time password can be sent up to five times every 24 hours
SANDBOX_DELETE_WAIT = DAY  # delete only 24 hours after verification or the last attempt
SMS_SPEND_QUOTA = 1  # USD: the monthly SMS spending quota of a new account

_SMS_ATTRIBUTES = ("MonthlySpendLimit", "DeliveryStatusIAMRole",
                   "DeliveryStatusSuccessSamplingRate", "DefaultSenderID", "DefaultSMSType",
                   "UsageReportS3Bucket")
_LANGUAGES = ("en-US", "en-GB", "es-419", "es-ES", "de-DE", "fr-CA", "fr-FR", "it-IT", "ja-JP",
              "pt-BR", "kr-KR", "zh-CN", "zh-TW")

_E164 = re.compile(r"^\+?[1-9]\d{1,14}$")
_SANDBOX_NUMBER = re.compile(r"^(\+[0-9]{8,}|[0-9]{0,9})$")
_SENDER_ID = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


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
            raise invalid(f"MonthlySpendLimit Reason: cannot be greater than the account's "
                          f"monthly SMS spending quota of {SMS_SPEND_QUOTA} USD")
    valid = {
        "MonthlySpendLimit": True,
        "DeliveryStatusIAMRole": bool(ROLE_ARN.match(value)),
        "DeliveryStatusSuccessSamplingRate": percent(value),
        "DefaultSenderID": bool(_SENDER_ID.match(value)),
        "DefaultSMSType": value in ("Promotional", "Transactional"),
        "UsageReportS3Bucket": bool(_BUCKET.match(value)) and ".." not in value,
    }[name]
    if not valid:
        raise err.InvalidParameterException(f"{name} is invalid")


def set_sms_attributes(ctx: Context, *, attributes: dict[str, str]) -> dict[str, Any]:
    """Set the account's default SMS settings in the region; an empty value resets one."""
    if not attributes:
        raise null_attributes()
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
        raise invalid("PhoneNumber Reason: input incorrectly formatted")
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
        raise invalid("PhoneNumber Reason: a phone number can be opted in only once every 30 "
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
        raise invalid("NextToken")
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
        raise invalid("PhoneNumber Reason: input incorrectly formatted")
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
    from awslocal_cli.services.sns import delivery_log

    delivery_log.record_outbox(ctx, delivery_log.no_topic(ctx), None, "sms", phone,
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
        raise invalid(f"LanguageCode Reason: {language} is not a supported language code")
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
        raise invalid("OneTimePassword Reason: must be 5 to 8 digits")
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
        raise invalid(f"MaxResults Reason: must be between 1 and {PAGE}")
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
