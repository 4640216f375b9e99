"""SNS filter policies, step 2: the matcher's compiler (event-ruler's JsonRuleCompiler).

It reads the compact policy text token by token as Jackson hands the tokens over, and reports
AWS's reasons with Jackson's location of the offending token. A policy compiles to `_Compiled`:
its OR branches of {path: conditions}, the tuples conditions.py evaluates.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import re

from awslocal_cli.patterns import Pattern
from awslocal_cli.services.sns.filter.constraints import (
    _OUT_OF_RANGE,
    _RESERVED_IN_OR,
    NUMERIC_LIMIT,
    _Reason,
)
from awslocal_cli.services.sns.filter.jackson import _Source, _utf16_len

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; annotations only
    from typing import Any


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
