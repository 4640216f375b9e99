"""Data identifiers for SNS message data protection: find sensitive data in a message.

`find(names, text, custom)` returns the findings of the named data identifiers in a text, as
(identifier name, start, end) character spans. The managed data identifiers below follow the
SNS Developer Guide ("Sensitive data types: Credentials / Devices / Financial / PII"): the
detection rules it states (13-19 digits passing the Luhn check with a card prefix, the card
numbers issuers reserve for testing, keywords that must be near the data) and, where it states
none, the data's published format. A custom data identifier (the policy's
Configuration.CustomDataIdentifier) is its Regex.

Supported managed identifiers: EmailAddress, IpAddress, CreditCardNumber,
CreditCardSecurityCode, CreditCardExpiration, AwsSecretKey, OpenSshPrivateKey,
PgpPrivateKey, PkcsPrivateKey, PuttyPrivateKey, Ssn-US, ZipCode-US, PhoneNumber,
PhoneNumber-US, LatLong, DateOfBirth.

Departures from AWS: SNS detects with machine learning and pattern matching; awslocal only
matches patterns, so identifiers that need a model (Name, Address, the passport, driver's
licence, tax, bank, health and national id numbers, VehicleIdentificationNumber, ...) are
accepted in a policy but never find anything (`supported(name)` tells which). A required
keyword is looked for within 30 characters before the data (SNS does not document the
distance), ignoring case and matching its spelling with the spaces removed or replaced by
`_` or `-`, as the guide describes. The patterns are compiled on first use.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

Finding = tuple[str, int, int]

KEYWORD_DISTANCE = 30

_CARD_KEYWORDS = (
    "account number", "american express", "amex", "bank card", "card", "card num",
    "card number", "cc #", "ccn", "check card", "credit", "credit card#", "dankort", "debit",
    "debit card", "diners club", "discover", "electron", "elo verification code",
    "japanese card bureau", "jcb", "mastercard", "mc", "pan", "payment account number",
    "payment card number", "pcn", "union pay", "visa")
_SECURITY_CODE_KEYWORDS = (
    "card id", "card identification code", "card identification number",
    "card security code", "card validation code", "card validation number",
    "card verification data", "card verification value", "cvc", "cvc2", "cvv", "cvv2",
    "elo verification code")
_EXPIRATION_KEYWORDS = ("exp d", "exp m", "exp y", "expiration", "expiry")
_SECRET_KEY_KEYWORDS = ("aws_secret_access_key", "credentials", "secret access key",
                        "secret key", "set-awscredential")
_SSN_KEYWORDS = ("social security", "ss#", "ssn")
_ZIP_KEYWORDS = ("zip code", "zip+4")
_PHONE_KEYWORDS = ("cell", "contact", "fax", "fax number", "mobile", "phone", "phone number",
                   "tel", "telephone", "telephone number")
_LATLONG_KEYWORDS = ("coordinate", "coordinates", "lat long", "latitude longitude",
                     "location", "position")
_BIRTH_KEYWORDS = ("dob", "date of birth", "birthdate", "birth date", "birthday", "b-day",
                   "bday")

# Sequences card issuers reserve for public testing, which SNS does not report (SNS Developer
# Guide, "Sensitive data types: Financial", note 1).
_TEST_CARDS_TEXT = """
122000000000003 2222405343248877 2222990905257051 2223007648726984 2223577120017656
30569309025904 34343434343434 3528000700000000 3530111333300000 3566002020360505
36148900647913 36700102000000 371449635398431 378282246310005 378734493671000 38520000023237
4012888888881881 4111111111111111 4222222222222 4444333322221111 4462030000000000
4484070000000000 4911830000000 4917300800000000 4917610000000000 4917610000000000003
5019717010103742 5105105105105100 5111010030175156 5185540810000019 5200828282828210
5204230080000017 5204740009900014 5420923878724339 5454545454545454 5455330760000018
5506900490000436 5506900490000444 5506900510000234 5506920809243667 5506922400634930
5506927427317625 5553042241984105 5555553753048194 5555555555554444 5610591081018250
6011000990139424 6011000400000000 6011111111111117 630490017740292441 630495060000000000
6331101999990016 6759649826438453 6799990100000000019 76009244561
"""

# Card number prefixes of the networks the guide names (Amex 34/37, Diners 30/36/38/39,
# Discover 6011/64/65, JCB 35, Mastercard 51-55 and 2221-2720, UnionPay 62, Visa and Electron
# 4, Dankort 5019).
_CARD_PREFIX = r"3[0456789]|4|5[0-5]|2[2-7]|6(?:011|2|4|5)"


def _luhn(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        n = int(c)
        if i % 2:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


@cache
def _test_cards() -> frozenset[str]:
    return frozenset(_TEST_CARDS_TEXT.split())


def _card_ok(text: str) -> bool:
    digits = text.replace(" ", "").replace("-", "")
    return (13 <= len(digits) <= 19 and _luhn(digits) and digits not in _test_cards()
            and re.match(_CARD_PREFIX, digits) is not None)


def _ipv6_ok(text: str) -> bool:
    import ipaddress

    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def _ssn_ok(text: str) -> bool:
    digits = text.replace("-", "").replace(" ", "")
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def _date_ok(text: str) -> bool:
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    years = [n for n in numbers if n > 31]
    return len(years) <= 1 and all(1900 <= y <= 2100 for y in years if y > 99)


_MONTHS = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")

# name -> (pattern, keywords that must be near it or None, extra check or None)
_SPECS: dict[str, tuple[str, tuple[str, ...] | None, Callable[[str], bool] | None]] = {
    "EmailAddress": (
        r"(?<![\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
        r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,63}(?![\w-])",
        None, None),
    "IpAddress": (
        r"(?<![\w.:])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}"
        r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w.]*\d)(?![\w:])"
        r"|(?<![\w:.])(?=[0-9A-Fa-f:]*:[0-9A-Fa-f:]*:)[0-9A-Fa-f:]{2,39}(?![\w:])",
        None, lambda t: "." in t or _ipv6_ok(t)),
    "CreditCardNumber": (
        r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])", _CARD_KEYWORDS, _card_ok),
    "CreditCardSecurityCode": (r"(?<!\d)\d{3,4}(?!\d)", _SECURITY_CODE_KEYWORDS, None),
    "CreditCardExpiration": (
        r"(?<![\d/-])(?:0?[1-9]|1[0-2])\s?[/-]\s?(?:\d{4}|\d{2})(?![\d/-])",
        _EXPIRATION_KEYWORDS, None),
    "AwsSecretKey": (r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])",
                     _SECRET_KEY_KEYWORDS,
                     lambda t: any(c.isdigit() for c in t) and any(c.isalpha() for c in t)),
    "OpenSshPrivateKey": (r"-----BEGIN OPENSSH PRIVATE KEY-----[\s\S]*?"
                          r"-----END OPENSSH PRIVATE KEY-----", None, None),
    "PgpPrivateKey": (r"-----BEGIN PGP PRIVATE KEY BLOCK-----[\s\S]*?"
                      r"-----END PGP PRIVATE KEY BLOCK-----", None, None),
    "PkcsPrivateKey": (r"-----BEGIN (?:RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY-----[\s\S]*?"
                       r"-----END (?:RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY-----", None, None),
    "PuttyPrivateKey": (r"PuTTY-User-Key-File-[23]: [\s\S]*?Private-MAC: [0-9a-fA-F]+",
                        None, None),
    "Ssn-US": (r"(?<![\d-])\d{3}([- ]?)\d{2}\1\d{4}(?![\d-])", _SSN_KEYWORDS, _ssn_ok),
    "ZipCode-US": (r"(?<![\d-])\d{5}(?:-\d{4})?(?![\d-])", _ZIP_KEYWORDS, None),
    # With a keyword near it a US number needs no country code; without one it must carry +1.
    "PhoneNumber-US": (
        r"(?<![\w+])(?:\+1[ .-]?)?\(?[2-9]\d{2}\)?[ .-]?[2-9]\d{2}[ .-]?\d{4}(?!\d)",
        _PHONE_KEYWORDS, None),
    "LatLong": (r"(?<![\d.])[-+]?(?:[1-8]?\d(?:\.\d+)|90(?:\.0+)?)\s*,\s*"
                r"[-+]?(?:180(?:\.0+)?|(?:1[0-7]\d|[1-9]?\d)(?:\.\d+))(?![\d.])",
                _LATLONG_KEYWORDS, None),
    "DateOfBirth": (
        r"(?<![\w/-])(?:\d{4}[-/ ](?:0?[1-9]|1[0-2])[-/ ](?:0?[1-9]|[12]\d|3[01])"
        r"|(?:0?[1-9]|[12]\d|3[01])[-/ ](?:0?[1-9]|1[0-2])[-/ ]\d{2,4}"
        r"|(?:0?[1-9]|1[0-2])[-/ ](?:0?[1-9]|[12]\d|3[01])[-/ ]\d{2,4}"
        rf"|{_MONTHS}\.? (?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?,? \d{{4}}"
        rf"|(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)? {_MONTHS}\.?,? \d{{4}})(?![\w/-])",
        _BIRTH_KEYWORDS, _date_ok),
}
_PHONE_WITH_CODE = r"\+\d"


def identifier_name(arn_or_name: str) -> str:
    """`arn:aws:dataprotection::aws:data-identifier/EmailAddress` -> `EmailAddress`."""
    return arn_or_name.rsplit("/", 1)[-1] if ":data-identifier/" in arn_or_name else arn_or_name


def supported(name: str) -> bool:
    """Whether awslocal can find this managed data identifier at all."""
    return identifier_name(name) in _SPECS or identifier_name(name) == "PhoneNumber"


@cache
def _compiled(name: str) -> re.Pattern[str]:
    flags = re.IGNORECASE if name in ("DateOfBirth",) else 0
    return re.compile(_SPECS[name][0], flags)


@cache
def _keyword_pattern(keywords: tuple[str, ...]) -> re.Pattern[str]:
    variants: set[str] = set()
    for keyword in keywords:
        for sep in (" ", "", "_", "-"):
            variants.add(keyword.replace(" ", sep))
    alternatives = "|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True))
    # A keyword is a word of its own: "mc" is not found inside "mcdonald".
    return re.compile(rf"(?<![A-Za-z])(?:{alternatives})(?![A-Za-z])", re.IGNORECASE)


def _near_keyword(text: str, start: int, keywords: tuple[str, ...]) -> bool:
    window = text[max(0, start - KEYWORD_DISTANCE):start]
    return _keyword_pattern(keywords).search(window) is not None


def _managed(name: str, text: str) -> list[Finding]:
    if name == "PhoneNumber":
        return [(name, s, e) for _, s, e in _managed("PhoneNumber-US", text)]
    _, keywords, check = _SPECS[name]
    found: list[Finding] = []
    for match in _compiled(name).finditer(text):
        value = match.group(0)
        if check is not None and not check(value):
            continue
        keyword_missing = keywords is not None and not _near_keyword(text, match.start(),
                                                                     keywords)
        # A phone number carrying a country code needs no keyword (the guide, PhoneNumber).
        if keyword_missing and not (name == "PhoneNumber-US"
                                    and re.match(_PHONE_WITH_CODE, value)):
            continue
        found.append((name, match.start(), match.end()))
    return found


@lru_cache(maxsize=64)
def _custom_pattern(regex: str) -> re.Pattern[str] | None:
    try:
        return re.compile(regex)
    except re.error:
        return None


def find(names: Iterable[str], text: str,
         custom: dict[str, str] | None = None) -> list[Finding]:
    """Every finding of the named identifiers (ARNs or custom names) in text, by position."""
    found: list[Finding] = []
    for ref in names:
        name = identifier_name(ref)
        if custom and ref in custom:
            pattern = _custom_pattern(custom[ref])
            if pattern is not None:
                found.extend((ref, m.start(), m.end()) for m in pattern.finditer(text)
                             if m.end() > m.start())
        elif supported(name):
            found.extend(_managed(name, text))
    return sorted(set(found), key=lambda f: (f[1], f[2], f[0]))


def summary(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    """The `dataIdentifiers` of an audit record: name, count and detections of each."""
    by_name: dict[str, list[dict[str, int]]] = {}
    for name, start, end in findings:
        by_name.setdefault(name, []).append({"start": start, "end": end})
    return [{"name": name, "count": len(spans), "detections": spans}
            for name, spans in by_name.items()]
