"""SNS subscription filter policies: validation and matching.

A policy is a JSON object. Under FilterPolicyScope MessageAttributes its keys name message
attributes; under MessageBody they name properties of the JSON message body and may nest (a key
"a.b" also reaches {"a": {"b": ...}}). Each leaf holds a list of conditions, any of which may
match (OR); every key must match (AND): exact strings, numbers, true, false and null; `prefix`,
`suffix`, `equals-ignore-case`; `anything-but` (one string or number, a list of strings or of
numbers, or `{"prefix": ...}`); `numeric` (`=`, `<`, `<=`, `>`, `>=`, or a `>`/`>=` bound
followed by a `<`/`<=` bound); `exists`; `cidr`; and `$or`, a list of two or more alternative
sub-policies at any level (Amazon SNS Developer Guide: "Amazon SNS subscription filter
policies" and its pages on string, numeric and key matching, AND/OR logic, and filter policy
constraints). Strings never match numbers: a numeric condition ignores String attributes.

SNS validates a policy in two steps and we mirror both, message for message. It parses the JSON
(Jackson: "failed to parse JSON. ..." with a redacted source), writes the tree back compactly,
and compiles that text with its event matcher, an early release of aws/event-ruler, whose
reasons carry Jackson's location of the offending token in the compact text:
"\\n at [Source: (String)"..."; line: 1, column: 10]". The wording and columns are the ones AWS
returned in the recorded responses of LocalStack's AWS-validated tests
(tests/aws/services/sns/test_sns_filter_policy.snapshot.json and test_sns.snapshot.json); the
compile order follows event-ruler's JsonRuleCompiler, which reads the policy again with "$or"
as an ordinary key when it is not a valid OR (as the AND/OR logic page says SNS does).

Departures from AWS, on purpose:
- Jackson ignores content after the policy object; we reject it, because the stored policy is
  read back with json.loads.
- Undocumented event-ruler operators (`equals`, `wildcard`, `anything-but` with `suffix` or
  `equals-ignore-case`) are rejected as unrecognized; SNS documents none of them, and answered
  "Unsupported anything-but pattern: suffix" in 2024.
- The 256 KB size limit's message is ours; AWS's wording is not recorded anywhere we found.
- `anything-but` over an array in the body passes only if no element is excluded, as the guide
  now says of String.Array attributes; older editions said one element not excluded sufficed.
"""

from __future__ import annotations

import decimal
import functools
import ipaddress
import json
import math
import re

from awslocal_cli.errors import sns as err
from awslocal_cli.patterns import Pattern

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; annotations only
    from collections.abc import Iterator
    from typing import Any

# Filter policy constraints (Amazon SNS Developer Guide, "Filter policy constraints in Amazon
# SNS"): five keys (payload-based policies count top-level keys only), 150 combinations of
# values, 256 KB, numbers within -10^9..10^9 with five digits after the decimal point.
MAX_KEYS = 5
MAX_COMBINATIONS = 150
MAX_POLICY_BYTES = 256 * 1024
NUMERIC_LIMIT = 1e9
# "By default, you can have up to 200 filter policies per topic, and 10,000 filter policies per
# AWS account" (same page); past either, Subscribe and SetSubscriptionAttributes fail with
# FilterPolicyLimitExceeded.
MAX_POLICIES_PER_TOPIC = 200
MAX_POLICIES_PER_ACCOUNT = 10_000

MISSING: Any = object()

_NESTED = "Filter policy scope MessageAttributes does not support nested filter policy"
_TOO_MANY_KEYS = "Filter policy can not have more than 5 keys"
_TOO_COMPLEX = "Filter policy is too complex"
_TOO_LARGE = "Filter policy can not be larger than 256 KB"
_OUT_OF_RANGE = "Value must be between -1.0E9 and 1.0E9, inclusive"
_REDACTED = "REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)"
_VALUES = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
# Names that stop an object inside "$or" from being an OR branch (event-ruler Constants).
_RESERVED_IN_OR = frozenset({
    "equals", "equals-ignore-case", "prefix", "suffix", "anything-but", "exists", "wildcard",
    "numeric", "cidr", "=", "<", "<=", ">", ">=",
})
_MAX_NESTING = 1000  # Jackson StreamReadConstraints
_MAX_NUMBER_LENGTH = 1000
_MAX_ROWS = 4096  # array-element combinations tried before matching gives up consistency


class _Reason(Exception):
    """Why a policy is invalid: the text after "Invalid parameter: ".

    `fallback` is False for the matcher's IllegalArgumentExceptions (bad CIDR, a single
    anything-but number out of range): they escape the "$or" retry.
    """

    def __init__(self, reason: str, *, fallback: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.fallback = fallback


def parse(text: str, scope: str = "MessageAttributes", *,
          subscribe: bool = False) -> dict[str, Any]:
    """The policy as an object, or InvalidParameter with AWS's reason.

    Subscribe words its reasons "Attributes Reason: FilterPolicy: ...", SetSubscriptionAttributes
    "FilterPolicy: ..."; pass subscribe=True from Subscribe.
    """
    try:
        return _validate(str(text), scope)
    except _Reason as exc:
        prefix = "Attributes Reason: " if subscribe else ""
        raise err.InvalidParameterException(f"Invalid parameter: {prefix}{exc.reason}") from None


def matches(policy: dict[str, Any], attributes: dict[str, dict[str, Any]] | None = None, *,
            body: Any = MISSING, scope: str = "MessageAttributes") -> bool:
    """True when the message passes the policy (its attributes, or its JSON body by scope).

    Binary attributes are ignored, as AWS does. A message with no attributes (no body
    properties) matches no policy, not even `{"exists": false}`. In the body, conditions met in
    an array of objects must be met by one element (event-ruler's array consistency).
    """
    try:
        compiled = _compiled(_jackson(policy))
    except (_Reason, RecursionError):
        return False
    if scope == "MessageBody":
        if not isinstance(body, dict):
            return False
        event: dict[str, Any] = body
    else:
        event = _attribute_event(attributes)
    try:
        return _match(compiled, event)
    except RecursionError:
        return False


# -- validation -------------------------------------------------------------------------------


def _validate(text: str, scope: str) -> dict[str, Any]:
    if len(text.encode("utf-8", "surrogatepass")) > MAX_POLICY_BYTES:
        raise _Reason(f"FilterPolicy: {_TOO_LARGE}")
    policy = _read_json(text)
    try:
        # The matcher reads the policy as Jackson writes the parsed tree back: compact, numbers
        # normalized. AWS's columns count in that text, not in what was sent.
        compiled = _compile("" if policy is MISSING else _jackson(policy))
    except RecursionError:
        # Only hundreds of nested objects get here, and those break a limit either way.
        raise _Reason(_NESTED if scope != "MessageBody" else f"FilterPolicy: {_TOO_COMPLEX}"
                      ) from None
    if scope != "MessageBody" and compiled.nested:
        raise _Reason(_NESTED)
    if len(compiled.keys) > MAX_KEYS:
        raise _Reason(f"FilterPolicy: {_TOO_MANY_KEYS}")
    if compiled.combinations > MAX_COMBINATIONS:
        raise _Reason(f"FilterPolicy: {_TOO_COMPLEX}")
    assert isinstance(policy, dict)  # the compiler accepts nothing else
    return policy


def _utf16_len(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


class _Source:
    """A cursor over the policy text that counts lines and columns as Jackson does."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.row = 1
        self.row_start = 0

    def column(self, pos: int | None = None) -> int:
        end = self.pos if pos is None else pos
        return _utf16_len(self.text[self.row_start:end]) + 1

    def peek(self) -> str | None:
        return self.text[self.pos] if self.pos < len(self.text) else None

    def skip_ws(self) -> str | None:
        """Skips whitespace (LF, CR, CRLF start lines); the next character, not consumed."""
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch in " \t":
                self.pos += 1
            elif ch == "\n":
                self.pos += 1
                self.row, self.row_start = self.row + 1, self.pos
            elif ch == "\r":
                self.pos += 1
                if self.pos < len(text) and text[self.pos] == "\n":
                    self.pos += 1
                self.row, self.row_start = self.row + 1, self.pos
            else:
                return ch
        return None


# Step 1: the JSON itself, with Jackson's messages. -------------------------------------------


def _char_desc(ch: str) -> str:
    code = ord(ch)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return f"(CTRL-CHAR, code {code})"
    if code > 0xFFFF:  # Jackson reads a UTF-16 unit: the high surrogate
        code = 0xD800 + ((code - 0x10000) >> 10)
    if code > 255:
        return f"'{ch}' (code {code} / 0x{code:x})"
    return f"'{ch}' (code {code})"


def _ident_start(ch: str) -> bool:
    return ch.isalpha() or ch in "$_"


def _ident_part(ch: str) -> bool:
    return ch.isalnum() or ch in "$_"


class _JsonError(Exception):
    pass


class _JsonChecker:
    """Jackson's ReaderBasedJsonParser, reduced to the errors it reports for a policy."""

    def __init__(self, text: str) -> None:
        self.src = _Source(text)
        # open containers: (kind "Object"/"Array", line, column of the bracket)
        self.stack: list[tuple[str, int, int]] = []
        self.opened = False  # a container was just opened
        # the tree being read: open containers, the key each open object is reading, the root
        self.containers: list[Any] = []
        self.keys: list[str] = []
        self.root: Any = MISSING

    def add(self, value: Any) -> None:
        if not self.containers:
            self.root = value
        elif isinstance(self.containers[-1], list):
            self.containers[-1].append(value)
        else:
            self.containers[-1][self.keys[-1]] = value

    def fail(self, message: str, pos: int | None = None) -> _JsonError:
        src = self.src
        return _JsonError(f"{message}\n at [Source: {_REDACTED}; line: {src.row}, "
                          f"column: {src.column(pos)}]")

    def unexpected(self, ch: str, comment: str) -> _JsonError:
        # Jackson 2.17+ points at the offending character itself.
        return self.fail(f"Unexpected character ({_char_desc(ch)}): {comment}", self.src.pos - 1)

    def eof(self, message: str) -> _JsonError:
        return self.fail(f"Unexpected end-of-input{message}")

    def start_marker(self) -> str:
        _, row, col = self.stack[-1]
        return f"[Source: {_REDACTED}; line: {row}, column: {col}]"

    def eof_close(self) -> _JsonError:
        kind = self.stack[-1][0]
        return self.eof(f": expected close marker for {kind} (start marker at "
                        f"{self.start_marker()})")

    def check(self) -> Any:
        """The JSON value of the text (MISSING if there is none), or _JsonError."""
        src = self.src
        ch = src.skip_ws()
        if ch is None:
            return MISSING  # Jackson reads no value at all; the matcher reports it
        self.value(ch)
        while self.stack:  # a loop, not recursion: policies may nest deeply
            kind = self.stack[-1][0]
            ch = src.skip_ws()
            if ch is None:
                raise self.eof_close()
            if self.opened:  # first entry, or the end of an empty container
                self.opened = False
                if ch in "]}":
                    src.pos += 1
                    self.close(ch)
                elif kind == "Object":
                    self.member(ch)
                else:
                    self.value(ch)
                continue
            src.pos += 1
            if ch in "]}":
                self.close(ch)
                continue
            if ch != ",":
                raise self.unexpected(ch, f"was expecting comma to separate {kind} entries")
            ch = src.skip_ws()
            if ch is None:
                raise self.eof(f" within/between {kind} entries")
            if kind == "Object":
                self.member(ch)
            else:
                self.value(ch)
        ch = src.skip_ws()
        if ch is not None:
            # Jackson would stop here and ignore the rest; json.loads cannot.
            start = src.pos
            token = {"{": "START_OBJECT", "[": "START_ARRAY", '"': "VALUE_STRING",
                     "t": "VALUE_TRUE", "f": "VALUE_FALSE", "n": "VALUE_NULL",
                     "}": "END_OBJECT", "]": "END_ARRAY"}.get(ch)
            if token is None and (ch == "-" or ch.isdigit()):
                token = "VALUE_NUMBER_INT"
            if token is None:
                self.value(ch)  # not the start of a value: raises
            src.pos = start + 1
            raise self.fail(f"Trailing token (of type {token}) found after value (bound as "
                            "`com.fasterxml.jackson.databind.JsonNode`): not allowed as per "
                            "`DeserializationFeature.FAIL_ON_TRAILING_TOKENS`")
        return self.root

    def close(self, ch: str) -> None:
        kind = self.stack[-1][0]
        expected = "}" if kind == "Object" else "]"
        if ch != expected:
            raise self.fail(f"Unexpected close marker '{ch}': expected '{expected}' (for {kind} "
                            f"starting at {self.start_marker()})")
        self.stack.pop()
        if kind == "Object":
            self.keys.pop()
        self.add(self.containers.pop())

    def open(self, kind: str) -> None:
        src = self.src
        if len(self.stack) >= _MAX_NESTING:
            raise _JsonError(f"Document nesting depth ({len(self.stack) + 1}) exceeds the maximum "
                             f"allowed ({_MAX_NESTING}, from "
                             "`StreamReadConstraints.getMaxNestingDepth()`)")
        self.stack.append((kind, src.row, src.column(src.pos - 1)))
        self.opened = True
        self.containers.append({} if kind == "Object" else [])
        if kind == "Object":
            self.keys.append("")

    def member(self, ch: str) -> None:
        src = self.src
        src.pos += 1
        if ch != '"':
            raise self.unexpected(ch, "was expecting double-quote to start field name")
        self.keys[-1] = self.string("name")
        ch = src.skip_ws()
        if ch is None:
            raise self.eof(" within/between Object entries")
        src.pos += 1
        if ch != ":":
            raise self.unexpected(ch, "was expecting a colon to separate field name and value")
        ch = src.skip_ws()
        if ch is None:
            raise self.eof(" within/between Object entries")
        self.value(ch)

    def value(self, ch: str) -> None:
        src = self.src
        src.pos += 1
        if ch == "{":
            self.open("Object")
        elif ch == "[":
            self.open("Array")
        elif ch == '"':
            self.add(self.string("string value"))
        elif ch in "tfn":
            word = {"t": "true", "f": "false", "n": "null"}[ch]
            self.literal(word)
            self.add({"true": True, "false": False, "null": None}[word])
        elif ch == "-" or "0" <= ch <= "9":
            self.number(ch)
        elif ch in "NI":
            word = "NaN" if ch == "N" else "Infinity"
            self.literal(word)
            raise self.fail(f"Non-standard token '{word}': enable "
                            "`JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow")
        elif ch == "+":
            raise self.fail(f"Unexpected character ({_char_desc(ch)}) in numeric value: JSON spec "
                            "does not allow numbers to have plus signs: enable "
                            "`JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS` to allow")
        elif _ident_start(ch):
            raise self.invalid_token(ch)
        else:
            raise self.unexpected(ch, f"expected a valid value {_VALUES}")

    def invalid_token(self, matched: str) -> _JsonError:
        src, text = self.src, self.src.text
        token = matched
        while src.pos < len(text) and _ident_part(text[src.pos]):
            token += text[src.pos]
            src.pos += 1
            if len(token) >= 256:
                token += "..."
                break
        return self.fail(f"Unrecognized token '{token}': was expecting {_VALUES}")

    def literal(self, word: str) -> None:
        src, text = self.src, self.src.text
        for i in range(1, len(word)):
            if src.pos >= len(text) or text[src.pos] != word[i]:
                raise self.invalid_token(word[:i])
            src.pos += 1
        nxt = src.peek()
        if nxt is not None and nxt >= "0" and nxt not in "]}" and _ident_part(nxt):
            raise self.invalid_token(word)

    def number(self, first: str) -> None:
        src, text = self.src, self.src.text
        start = src.pos - 1

        def digits() -> int:
            count = 0
            while src.pos < len(text) and "0" <= text[src.pos] <= "9":
                src.pos += 1
                count += 1
            return count

        def bad(comment: str) -> _JsonError:
            if src.pos >= len(text):
                return self.eof(" in a Number value")
            ch = text[src.pos]
            src.pos += 1
            return self.fail(f"Unexpected character ({_char_desc(ch)}) in numeric value: "
                             f"{comment}")

        if first == "-":
            if src.pos >= len(text) or not "0" <= text[src.pos] <= "9":
                raise bad("expected digit (0-9) to follow minus sign, for valid numeric value")
            first = text[src.pos]
            src.pos += 1
        if first == "0" and src.pos < len(text) and "0" <= text[src.pos] <= "9":
            raise self.fail("Invalid numeric value: Leading zeroes not allowed")
        digits()
        if src.pos < len(text) and text[src.pos] == ".":
            src.pos += 1
            if not digits():
                raise bad("Decimal point not followed by a digit")
        if src.pos < len(text) and text[src.pos] in "eE":
            src.pos += 1
            if src.pos < len(text) and text[src.pos] in "+-":
                src.pos += 1
            if not digits():
                raise bad("Exponent indicator not followed by a digit")
        if src.pos - start > _MAX_NUMBER_LENGTH:
            raise _JsonError(f"Number value length ({src.pos - start}) exceeds the maximum allowed "
                             f"({_MAX_NUMBER_LENGTH}, from "
                             "`StreamReadConstraints.getMaxNumberLength()`)")
        literal = text[start:src.pos]
        self.add(float(literal) if any(c in literal for c in ".eE") else int(literal))

    def string(self, what: str) -> str:
        src, text = self.src, self.src.text
        start = src.pos - 1
        while True:
            if src.pos >= len(text):
                if what == "name":
                    raise self.eof(" in field name")
                raise self.eof(": was expecting closing quote for a string value")
            ch = text[src.pos]
            src.pos += 1
            if ch == '"':
                value: str = json.loads(text[start:src.pos])
                return value
            if ch == "\\":
                if src.pos >= len(text):
                    raise self.eof(" in character escape sequence")
                esc = text[src.pos]
                src.pos += 1
                if esc == "u":
                    for _ in range(4):
                        if src.pos >= len(text):
                            raise self.eof(" in character escape sequence")
                        hexch = text[src.pos]
                        src.pos += 1
                        if hexch not in "0123456789abcdefABCDEF":
                            raise self.fail(
                                f"Unexpected character ({_char_desc(hexch)}) in character escape "
                                "sequence: expected a hex-digit for character escape sequence")
                elif esc not in '"\\/bfnrt':
                    raise self.fail(f"Unrecognized character escape {_char_desc(esc)}")
            elif ord(ch) < 0x20:
                raise self.fail(f"Illegal unquoted character ({_char_desc(ch)}): has to be "
                                f"escaped using backslash to be included in {what}")


def _read_json(text: str) -> Any:
    try:
        return _JsonChecker(text).check()
    except _JsonError as exc:
        raise _Reason(f"FilterPolicy: failed to parse JSON. {exc}") from None


def _java_double(value: float) -> str:
    """Java's Double.toString: plain from 10^-3 to 10^7, else "d.dddE±n"."""
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    sign = "-" if value < 0 else ""
    digits_tuple, exponent = decimal.Decimal(repr(abs(value))).as_tuple()[1:]
    digits = "".join(map(str, digits_tuple)).rstrip("0") or "0"
    assert isinstance(exponent, int)
    point = exponent + len("".join(map(str, digits_tuple)))  # digits before the decimal point
    if 1e-3 <= abs(value) < 1e7:
        if point <= 0:
            return f"{sign}0.{'0' * -point}{digits}"
        whole = digits[:point].ljust(point, "0")
        return f"{sign}{whole}.{digits[point:] or '0'}"
    return f"{sign}{digits[0]}.{digits[1:] or '0'}E{point - 1}"


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f",
            "\r": "\\r"}


def _jackson_string(text: str) -> str:
    return '"' + "".join(
        _ESCAPES.get(ch) or (f"\\u{ord(ch):04X}" if ord(ch) < 0x20 else ch) for ch in text) + '"'


def _jackson(value: Any) -> str:
    """A JSON value as Jackson's JsonNode.toString() writes it (iterative: trees may be deep)."""
    out: list[str] = []
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, _Raw):
            out.append(item.text)
        elif isinstance(item, dict):
            parts: list[Any] = [_Raw("{")]
            for index, (key, child) in enumerate(item.items()):
                if index:
                    parts.append(_Raw(","))
                parts.extend((_Raw(_jackson_string(str(key)) + ":"), child))
            parts.append(_Raw("}"))
            stack.extend(reversed(parts))
        elif isinstance(item, (list, tuple)):
            parts = [_Raw("[")]
            for index, child in enumerate(item):
                if index:
                    parts.append(_Raw(","))
                parts.append(child)
            parts.append(_Raw("]"))
            stack.extend(reversed(parts))
        elif isinstance(item, str):
            out.append(_jackson_string(item))
        elif item is None or isinstance(item, bool):
            out.append({None: "null", True: "true", False: "false"}[item])
        elif isinstance(item, int):
            out.append(str(item))
        elif isinstance(item, float):
            # Non-finite doubles are written as strings (QUOTE_NON_NUMERIC_NUMBERS).
            special = "NaN" if item != item else "Infinity" if item > 0 else "-Infinity"
            out.append(_java_double(item) if math.isfinite(item) else f'"{special}"')
        else:
            out.append(_jackson_string(str(item)))
    return "".join(out)


class _Raw:
    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


# Step 2: the matcher's compiler, token by token as Jackson hands them over. -------------------

_START_OBJECT, _END_OBJECT, _START_ARRAY, _END_ARRAY = "{", "}", "[", "]"
_FIELD, _STRING, _INT, _FLOAT = "FIELD_NAME", "VALUE_STRING", "VALUE_NUMBER_INT", "VALUE_FLOAT"
_TRUE, _FALSE, _NULL = "true", "false", "null"
_NUMBERS = (_INT, _FLOAT)


class _Lexer:
    """Jackson's streaming tokens over JSON already known to be well formed.

    What matters is where the cursor stands when a reason is reported: after a field name
    Jackson has already read the start of its value, and a string value is read only up to its
    opening quote until someone asks for its text.
    """

    def __init__(self, text: str) -> None:
        self.src = _Source(text)
        self.containers: list[list[Any]] = []  # [kind, entries so far]
        self.token: str | None = None
        self.name = ""
        self.raw = ""  # text of a number or literal token
        self.pending: tuple[str, str] | None = None
        self.string_span = (0, 0)  # quotes included
        self.string_unread = False

    def next(self) -> str | None:
        src = self.src
        if self.token == _FIELD and self.pending is not None:
            self.token, self.raw = self.pending
            self.pending = None
            self._enter()
            return self.token
        if self.string_unread:
            src.pos, self.string_unread = self.string_span[1], False
        ch = src.skip_ws()
        if ch is None:
            self.token = None
            return None
        if ch in "]}":
            src.pos += 1
            self.containers.pop()
            self.token = self.raw = ch
            return ch
        top = self.containers[-1] if self.containers else None
        if top is not None:
            if top[1]:
                src.pos += 1  # the comma
                ch = src.skip_ws()
            top[1] += 1
            if top[0] == _START_OBJECT:
                start, end = src.pos, self._string_end(src.pos)
                self.name = json.loads(src.text[start:end])
                src.pos = end
                src.skip_ws()
                src.pos += 1  # the colon
                ch = src.skip_ws()
                self.pending = self._value_start(ch or "")
                self.token = _FIELD
                return _FIELD
        self.token, self.raw = self._value_start(ch or "")
        self._enter()
        return self.token

    def _enter(self) -> None:
        if self.token in (_START_OBJECT, _START_ARRAY):
            self.containers.append([self.token, 0])

    def _string_end(self, start: int) -> int:
        """Just past the closing quote of the string whose opening quote is at `start`."""
        text = self.src.text
        i = start + 1
        while text[i] != '"':
            i += 2 if text[i] == "\\" else 1
        return i + 1

    def _value_start(self, ch: str) -> tuple[str, str]:
        src = self.src
        start = src.pos
        if ch == '"':
            self.string_span = (start, self._string_end(start))
            self.string_unread = True
            src.pos = start + 1
            return _STRING, ""
        if ch in "[{":
            src.pos += 1
            return ch, ch
        if ch in "tfn":
            word = {"t": _TRUE, "f": _FALSE, "n": _NULL}[ch]
            src.pos += len(word)
            return word, word
        match = _NUMBER_RE.match(src.text, start)
        assert match is not None
        src.pos = match.end()
        kind = _FLOAT if any(c in match.group() for c in ".eE") else _INT
        return kind, match.group()

    def text(self) -> str:
        """The current token's text; reads a string value to its end."""
        if self.token == _STRING:
            start, end = self.string_span
            if self.string_unread:
                self.src.pos, self.string_unread = end, False
            value: str = json.loads(self.src.text[start:end])
            return value
        if self.token == _FIELD:
            return self.name
        return self.raw

    def location(self) -> str:
        text = self.src.text
        snippet = text
        if _utf16_len(text) > 500:
            snippet, units = "", 0
            for ch in text:
                units += 2 if ord(ch) > 0xFFFF else 1
                if units > 500:
                    break
                snippet += ch
        shown = "".join(
            ch if ch in "\r\n" or not (ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F)
            else f"\\u{ord(ch):04X}" for ch in snippet)
        truncated = _utf16_len(text) - _utf16_len(snippet)
        suffix = f"[truncated {truncated} chars]" if truncated > 0 else ""
        return (f'[Source: (String)"{shown}"{suffix}; line: {self.src.row}, '
                f"column: {self.src.column()}]")


_NUMBER_RE = Pattern(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")


class _Compiled:
    def __init__(self, branches: list[dict[str, list[tuple[Any, ...]]]], nested: bool,
                 keys: set[str], combinations: int) -> None:
        self.branches = branches
        self.nested = nested
        self.keys = keys
        self.combinations = combinations
        # Body paths that lead to a policy key ("a", "a.b" for "a.b.c"): the rest is skipped.
        self.prefixes = {path[:i] for branch in branches for path in branch
                         for i in [*(m.start() for m in re.finditer(r"\.", path)), len(path)]}


def _quantize(value: float) -> int | None:
    """The number as SNS compares it: six decimals, within the documented range."""
    if not -NUMERIC_LIMIT <= value <= NUMERIC_LIMIT:
        return None
    return int(1e6 * (NUMERIC_LIMIT + value))


class _Compiler:
    """event-ruler's JsonRuleCompiler (or_aware) and RuleCompiler, as far as SNS exposes them.

    The output is the policy in disjunctive form: one {path: conditions} map per alternative
    that "$or" opens, paths joined with dots.
    """

    def __init__(self, text: str, or_aware: bool) -> None:
        self.lexer = _Lexer(text)
        self.or_aware = or_aware
        self.nested = False
        self.keys: set[str] = set()

    def barf(self, message: str) -> _Reason:
        return _Reason(f"FilterPolicy: {message}\n at {self.lexer.location()}")

    def compile(self) -> _Compiled:
        if self.lexer.next() != _START_OBJECT:
            raise self.barf("Filter is not an object")
        rules: list[dict[str, list[tuple[Any, ...]]]] = []
        combinations = self.object(rules, "", 1, in_or=False, root=True)
        return _Compiled(rules, self.nested, self.keys, combinations)

    def object(self, rules: list[dict[str, list[tuple[Any, ...]]]], path: str, depth: int,
               *, in_or: bool, root: bool = False) -> int:
        # Combinations as the constraints page counts them: the product of the number of values
        # of each key, a nested key's count multiplied by its depth, "$or" adding its branches.
        lexer = self.lexer
        combinations = 1
        fields = False
        while lexer.next() != _END_OBJECT:
            fields = True
            name = lexer.name
            if root:
                self.keys.add(name)
            if self.or_aware and name == "$or":
                combinations *= self.or_relationship(rules, path, depth)
                continue
            if in_or and name in _RESERVED_IN_OR:
                raise self.barf(f"{name} is Ruler reserved fieldName which cannot be used inside "
                                "$or.")
            token = lexer.next()
            step = f"{path}.{name}" if path else name
            if token == _START_OBJECT:
                self.nested = True
                combinations *= self.object(rules, step, depth + 1, in_or=in_or)
            elif token == _START_ARRAY:
                combinations *= self.rules(rules, step) * depth
            else:
                raise self.barf(f'"{name}" must be an object or an array')
        if not fields:
            raise self.barf("Empty objects are not allowed")
        return combinations

    def or_relationship(self, rules: list[dict[str, list[tuple[Any, ...]]]], path: str,
                        depth: int) -> int:
        lexer = self.lexer
        if lexer.next() != _START_ARRAY:
            raise self.barf("It must be an Array followed with $or.")
        before = [dict(rule) for rule in rules]
        rules.clear()
        combinations = count = 0
        while (token := lexer.next()) != _END_ARRAY:
            count += 1
            if token != _START_OBJECT:
                raise self.barf("Only JSON object is allowed in array of $or relationship.")
            branch = [dict(rule) for rule in before] or [{}]
            combinations += self.object(branch, path, depth, in_or=True)
            rules.extend(branch)
        if count < 2:
            raise self.barf("There must have at least 2 Objects in $or relationship.")
        return combinations

    def rules(self, rules: list[dict[str, list[tuple[Any, ...]]]], path: str) -> int:
        lexer = self.lexer
        values: list[tuple[Any, ...]] = []
        while (token := lexer.next()) != _END_ARRAY:
            if token == _START_OBJECT:
                values.append(self.match_expression())
            elif token == _STRING:
                values.append(("=s", lexer.text()))
            elif token in _NUMBERS:
                number = float(lexer.text())
                values.append(("=n", _quantize(number), number))
            elif token in (_TRUE, _FALSE):
                values.append(("=b", token == _TRUE))
            elif token == _NULL:
                values.append(("=z",))
            else:
                raise self.barf("Match value must be String, number, true, false, or null")
        if not values:
            raise self.barf("Empty arrays are not allowed")
        if not rules:
            rules.append({})
        for rule in rules:
            rule[path] = values
        return len(values)

    def match_expression(self) -> tuple[Any, ...]:
        lexer = self.lexer
        if lexer.next() != _FIELD:
            raise self.barf("Match expression name not found")
        op = lexer.name
        if op in ("prefix", "suffix", "equals-ignore-case"):
            if lexer.next() != _STRING:
                raise self.barf(f"{op} match pattern must be a string")
            condition = (op, lexer.text())
            if lexer.next() != _END_OBJECT:
                raise self.barf("Only one key allowed in match expression")
            return condition
        if op == "numeric":
            if lexer.next() != _START_ARRAY:
                raise self.barf("Value of numeric must be an array.")
            condition = self.numeric()
            if lexer.next() != _END_OBJECT:
                raise self.barf("Too many elements in numeric expression")
            return condition
        if op == "anything-but":
            return self.anything_but()
        if op == "exists":
            token = lexer.next()
            if token not in (_TRUE, _FALSE):
                raise self.barf("exists match pattern must be either true or false.")
            if lexer.next() != _END_OBJECT:
                raise self.barf("Only one key allowed in match expression")
            return ("exists", token == _TRUE)
        if op == "cidr":
            if lexer.next() != _STRING:
                raise self.barf("prefix match pattern must be a string")
            condition = ("cidr", _cidr(lexer.text()))
            if lexer.next() != _END_OBJECT:
                raise self.barf("Only one key allowed in match expression")
            return condition
        raise self.barf(f"Unrecognized match type {op}")

    def anything_but(self) -> tuple[Any, ...]:
        lexer = self.lexer
        token = lexer.next()
        if token == _START_OBJECT:
            if lexer.next() != _FIELD:
                raise self.barf("Anything-But expression name not found")
            if lexer.name != "prefix":
                raise self.barf(f"Unsupported anything-but pattern: {lexer.name}")
            if lexer.next() != _STRING:
                raise self.barf("prefix match pattern must be a string")
            prefix = lexer.text()
            if not prefix:
                raise self.barf("Null prefix not allowed")
            for _ in range(2):
                if lexer.next() != _END_OBJECT:
                    raise self.barf("Only one key allowed in match expression")
            return ("!prefix", prefix)
        if token == _START_ARRAY:
            condition = self.anything_but_list()
        elif token == _STRING:
            condition = ("!s", frozenset([lexer.text()]))
        elif token in _NUMBERS:
            quantized = _quantize(float(lexer.text()))
            if quantized is None:  # thrown past the compiler, without a location
                raise _Reason(f"FilterPolicy: {_OUT_OF_RANGE}", fallback=False)
            condition = ("!n", frozenset([quantized]))
        else:
            raise self.barf("Value of anything-but must be an array or single string/number "
                            "value.")
        if lexer.next() != _END_OBJECT:
            raise self.barf("Too many elements in numeric expression")
        return condition

    def anything_but_list(self) -> tuple[Any, ...]:
        lexer = self.lexer
        strings: set[str] = set()
        numbers: set[int] = set()
        has_string = has_number = False
        while (token := lexer.next()) != _END_ARRAY:
            if token == _STRING:
                strings.add(lexer.text())
                has_string = True
            elif token in _NUMBERS:
                quantized = _quantize(float(lexer.text()))
                if quantized is None:
                    raise self.barf(_OUT_OF_RANGE)
                numbers.add(quantized)
                has_number = True
            else:
                # event-ruler catches its own parse error here and reports it again, so the
                # location appears twice.
                first = self.barf("Inside anything but list, start|null|boolean is not supported.")
                raise _Reason(f"{first.reason}\n at {lexer.location()}")
        if has_string == has_number:
            raise self.barf("Inside anything but list, either all values are number or string, "
                            "mixed type is not supported")
        return ("!s", frozenset(strings)) if has_string else ("!n", frozenset(numbers))

    def numeric(self) -> tuple[Any, ...]:
        lexer = self.lexer
        if lexer.next() != _STRING:
            raise self.barf(f"Invalid member in numeric match: {lexer.text()}")
        op = lexer.text()
        token = lexer.next()
        if op not in ("=", ">=", ">", "<=", "<"):
            raise self.barf(f"Unrecognized numeric range operator: {op}")
        if token not in _NUMBERS:
            raise self.barf(f"Value of {'equals' if op == '=' else op} must be numeric")
        value = float(lexer.text())
        if op == "=":
            if lexer.next() != _END_ARRAY:
                raise self.barf("Too many elements in numeric expression")
            return ("numeric", self.bound(value), False, self.bound(value), False)
        if op in ("<=", "<"):
            if lexer.next() != _END_ARRAY:
                raise self.barf("Too many elements in numeric expression")
            return self.range(-NUMERIC_LIMIT, False, value, op == "<")
        token = lexer.next()
        if token == _END_ARRAY:
            return self.range(value, op == ">", NUMERIC_LIMIT, False)
        if token != _STRING:
            raise self.barf(f"Bad value in numeric range: {lexer.text()}")
        top_op = lexer.text()
        if top_op not in ("<", "<="):
            raise self.barf(f"Bad numeric range operator: {top_op}")
        if lexer.next() not in _NUMBERS:
            raise self.barf(f"Value of {top_op} must be numeric")
        top = float(lexer.text())
        if lexer.next() != _END_ARRAY:
            raise self.barf("Too many terms in numeric range expression")
        return self.range(value, op == ">", top, top_op == "<")

    def bound(self, value: float) -> int:
        quantized = _quantize(value)
        if quantized is None:
            raise self.barf(_OUT_OF_RANGE)
        return quantized

    def range(self, bottom: float, open_bottom: bool, top: float,
              open_top: bool) -> tuple[Any, ...]:
        if bottom >= top:
            raise self.barf("Bottom must be less than top")
        return ("numeric", self.bound(bottom), open_bottom, self.bound(top), open_top)


_IPV4_RE = Pattern(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+")
_IPV6_RE = Pattern(r"[0-9a-fA-F:]*:[0-9a-fA-F:]*")


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if not (_IPV4_RE.fullmatch(text) or _IPV6_RE.fullmatch(text)):
        return None
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _cidr(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """event-ruler's CIDR.cidr, whose reasons carry no location."""

    def bad(message: str) -> _Reason:
        return _Reason(f"FilterPolicy: {message}", fallback=False)

    parts = text.split("/")
    while parts and parts[-1] == "":  # Java's String.split drops trailing empty strings
        parts.pop()
    if len(parts) != 2:
        raise bad("Malformed CIDR, one '/' required")
    address, mask = parts
    integer = re.fullmatch(r"([+-]?)0*([0-9]+)", mask)  # what Integer.parseInt reads
    bits = int(integer[1] + integer[2]) if integer and len(integer[2]) <= 10 else None
    if bits is None or not -2**31 <= bits < 2**31:
        raise bad("Malformed CIDR, mask bits must be an integer")
    if bits < 0:
        raise bad("Malformed CIDR, mask bits must not be negative")
    if not (_IPV4_RE.fullmatch(address) or _IPV6_RE.fullmatch(address)):
        raise bad(f"Nonstandard IP address: {address}")
    ip = _ip(address)
    if ip is None:
        raise bad(f"Invalid IP address: {address}")
    if ip.version == 4 and bits > 31:
        raise bad("IPv4 mask bits must be < 32")
    if ip.version == 6 and bits > 127:
        raise bad("IPv6 mask bits must be < 128")
    return ipaddress.ip_network(f"{ip}/{bits}", strict=False)


def _compile(text: str) -> _Compiled:
    try:
        return _Compiler(text, or_aware=True).compile()
    except _Reason as exc:
        if not exc.fallback:
            raise
    # Not a valid "$or": the policy is read again with "$or" as an ordinary key, and that
    # reading's reason is the one reported.
    return _Compiler(text, or_aware=False).compile()


@functools.lru_cache(maxsize=256)
def _compiled(text: str) -> _Compiled:
    return _compile(text)


# -- matching -------------------------------------------------------------------------------


def _number(text: str) -> Any:
    if not re.fullmatch(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", text):
        return text
    if re.fullmatch(r"[+-]?[0-9]{1,4000}", text):
        return int(text)
    return float(text)


def _attribute_event(attributes: Any) -> dict[str, Any]:
    """Publish's MessageAttributes as the JSON object SNS matches against."""
    event: dict[str, Any] = {}
    if not isinstance(attributes, dict):
        return event
    for name, attr in attributes.items():
        if not isinstance(name, str) or not isinstance(attr, dict):
            continue
        data_type, value = attr.get("DataType"), attr.get("StringValue")
        if not isinstance(data_type, str) or not isinstance(value, str):
            continue  # Binary attributes carry BinaryValue only; SNS ignores them
        if data_type == "String.Array":
            try:
                event[name] = json.loads(value)
            except (ValueError, RecursionError):
                continue
        elif data_type == "Number" or data_type.startswith("Number."):
            event[name] = _number(value)
        elif data_type == "String" or data_type.startswith("String."):
            event[name] = value
    return event


def _has_leaf(event: dict[str, Any]) -> bool:
    stack: list[Any] = [event]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        else:
            return True
    return False


def _flat(items: list[Any]) -> Iterator[Any]:
    stack = [iter(items)]
    while stack:
        for item in stack[-1]:
            if isinstance(item, list):
                stack.append(iter(item))
                break
            yield item
        else:
            stack.pop()


def _rows(node: Any, path: str, prefixes: set[str]) -> list[list[tuple[str, Any]]]:
    """The ways to read `node`: one per choice of element in each array of objects.

    Scalars in an array are all values of its path at once; objects in an array are
    alternatives. Past _MAX_ROWS the alternatives are merged into one reading.
    """
    if isinstance(node, dict):
        rows: list[list[tuple[str, Any]]] = [[]]
        for key, value in node.items():
            step = f"{path}.{key}" if path else str(key)
            if step not in prefixes:
                continue
            sub = _rows(value, step, prefixes)
            if len(rows) * len(sub) > _MAX_ROWS:
                rows = [[leaf for row in rows + sub for leaf in row]]
            else:
                rows = [row + extra for row in rows for extra in sub]
        return rows
    if isinstance(node, list):
        common: list[tuple[str, Any]] = []
        choices: list[list[tuple[str, Any]]] = []
        for item in _flat(node):
            if isinstance(item, dict):
                choices.extend(_rows(item, path, prefixes))
            else:
                common.append((path, item))
        if len(choices) > _MAX_ROWS:
            choices = [[leaf for row in choices for leaf in row]]
        return [common + choice for choice in choices] if choices else [common]
    return [[(path, node)]]


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return float(value)
    except OverflowError:
        return float("inf") if value > 0 else float("-inf")


def _fold(ch: str) -> tuple[str, str]:
    # Java's one-to-one case mappings: a character whose full mapping is longer keeps itself.
    upper, lower = ch.upper(), ch.lower()
    return (upper if len(upper) == 1 else ch, lower if len(lower) == 1 else ch)


def _equals_ignore_case(a: str, b: str) -> bool:
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if x != y:
            (ux, lx), (uy, ly) = _fold(x), _fold(y)
            if ux != uy and lx != ly:
                return False
    return True


def _leaf_matches(condition: tuple[Any, ...], value: Any) -> bool:
    kind = condition[0]
    if kind == "=s":
        if not isinstance(value, str):
            return False
        if value == condition[1]:
            return True
        # IP address literals compare as addresses (event-ruler turns both into ranges).
        ip = _ip(value)
        return ip is not None and ip == _ip(condition[1])
    if kind == "=n":
        number = _as_number(value)
        if number is None:
            return False
        quantized = _quantize(number)
        return (quantized is not None and quantized == condition[1]) or number == condition[2]
    if kind == "=b":
        return isinstance(value, bool) and value == condition[1]
    if kind == "=z":
        return value is None
    if kind == "numeric":
        number = _as_number(value)
        quantized = None if number is None else _quantize(number)
        if quantized is None:
            return False
        _, bottom, open_bottom, top, open_top = condition
        return ((bottom < quantized if open_bottom else bottom <= quantized)
                and (quantized < top if open_top else quantized <= top))
    if not isinstance(value, str):
        return False
    if kind == "prefix":
        return value.startswith(condition[1])
    if kind == "suffix":
        return value.endswith(condition[1])
    if kind == "equals-ignore-case":
        return _equals_ignore_case(value, condition[1])
    if kind == "cidr":
        ip = _ip(value)
        return ip is not None and ip.version == condition[1].version and ip in condition[1]
    return False


def _excluded(condition: tuple[Any, ...], value: Any) -> bool:
    kind = condition[0]
    if kind == "!s":
        return isinstance(value, str) and value in condition[1]
    if kind == "!prefix":
        return isinstance(value, str) and value.startswith(condition[1])
    number = _as_number(value)
    quantized = None if number is None else _quantize(number)
    return quantized is not None and quantized in condition[1]


def _condition_holds(condition: tuple[Any, ...], values: list[Any]) -> bool:
    kind = condition[0]
    present = [value for value in values if value is not None]
    if kind == "exists":
        # "The key must have a value that is not null and not empty" (Key matching).
        return bool(present) is condition[1]
    if kind in ("!s", "!n", "!prefix"):
        # A String.Array (or body array) passes only if none of its elements is excluded
        # ("String value matching", Anything-but matching); an absent key never passes.
        return bool(present) and not any(_excluded(condition, value) for value in present)
    return any(_leaf_matches(condition, value) for value in values)


def _match(compiled: _Compiled, event: dict[str, Any]) -> bool:
    # "exists": false "only matches if at least one attribute is present. An empty set of
    # attributes causes the filter not to match" (Key matching); no other condition can either.
    if not _has_leaf(event):
        return False
    for row in _rows(event, "", compiled.prefixes):
        values: dict[str, list[Any]] = {}
        for path, value in row:
            values.setdefault(path, []).append(value)
        for branch in compiled.branches:
            if all(any(_condition_holds(condition, values.get(path, []))
                       for condition in conditions)
                   for path, conditions in branch.items()):
                return True
    return False
