"""SNS filter policies, step 1: the JSON as Jackson reads and writes it.

`_read_json` checks the text as Jackson's ReaderBasedJsonParser does, failing with its messages
("failed to parse JSON. ..." with a redacted source); `_jackson` writes a parsed value back as
JsonNode.toString() does (compact, numbers as Java prints doubles): the text whose columns the
matcher's reasons count in (compiler.py).
"""

from __future__ import annotations

import decimal
import json
import math

from awslocal_cli.services.sns.filter.constraints import (
    _MAX_NESTING,
    _MAX_NUMBER_LENGTH,
    _REDACTED,
    _VALUES,
    MISSING,
    _Reason,
)

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; annotations only
    from typing import Any


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
