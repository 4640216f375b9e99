"""The AWS CLI v2 shorthand syntax: `Key=value,List=a,b,Nested={A=1,B=[x,y]}`.

This is the purely syntactic half of the AWS CLI's shorthand handling (aws-cli v2,
awscli/shorthand.py `ShorthandParser`): every value comes back as a string, a list or a dict.
Typing the result against the service model (ints, booleans, one-element lists) is
awslocal_cli.cli.argconv's job, as it is BackCompatVisitor's in the AWS CLI.

The grammar, as the AWS CLI accepts it (user guide, "Using shorthand syntax"):

    parameter     = keyval *("," keyval)            ; a key may appear only once
    keyval        = key ["@"] "=" [values]          ; "@=" loads file:// and fileb:// values
    key           = *(ALPHA / DIGIT / "-" / "_" / "." / "#" / "/" / ":")
    values        = csv-list / explicit-list / hash-literal
    csv-list      = first-value *("," second-value) ; one item is a scalar, more are a list
    explicit-list = "[" [item *("," item)] [","] "]"
    hash-literal  = "{" [key ["@"] "=" item *("," key ["@"] "=" item)] [","] "}"
    item          = explicit-list / hash-literal / first-value

Unquoted values may contain spaces (trailing ones are dropped, leading ones are skipped with
the whitespace around "=" and ","); `\\,` is an escaped comma. Single- or double-quoted values
may contain anything but their own quote, which is escaped with a backslash (as is a
backslash). The character classes below are the AWS CLI's regular expressions spelled out,
quirks included: quotes can never appear unquoted, and characters beyond U+FFFF (emoji) only
inside quotes.

This module imports nothing at load time: it is on the path of every command with a
structure, map or list-of-structures option.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    ParamFileLoader = Callable[[str], "str | bytes | None"]

# What the parser skips around "=", "," and brackets: Python's string.whitespace (ASCII only).
_SKIPPED = " \t\n\r\x0b\x0c"
_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.#/:")


def _can_start(c: str) -> bool:
    """The first character of an unquoted value: printable, and not one of `"',=[{`."""
    return " " < c <= "\uffff" and c not in "\"',=[{"


def _can_follow_first(c: str) -> bool:
    """Later characters of a value after "=" or in brackets: no quotes, `,`, `]` or `}`."""
    return c.isspace() or (" " < c <= "\uffff" and c not in "\"',]}")


def _can_follow_second(c: str) -> bool:
    """Later characters of the second and further items of a csv list: no quotes, `,` or `=`."""
    return c.isspace() or (" " < c <= "\uffff" and c not in "\"',=")


class ShorthandParseError(ValueError):
    """Shorthand that does not parse. str() names the position, as the AWS CLI does.

    The caller adds the "Error parsing parameter '--name': " prefix.
    """

    def __init__(self, message: str, text: str = "", index: int = 0) -> None:
        super().__init__(message)
        self.text = text
        self.index = index


def _location(text: str, index: int) -> str:
    """The input with a caret under `index`, limited to the line it is on (the AWS CLI's)."""
    consumed, remaining, spaces = text, "", index
    before = text[:index]
    if "\n" in before:
        spaces = index - before.rindex("\n") - 1
    if "\n" in text[index:]:
        cut = index + text[index:].index("\n")
        consumed, remaining = text[:cut], text[cut:]
    return f"{consumed}\n{' ' * spaces}^{remaining}"


class ShorthandSyntaxError(ShorthandParseError):
    """A character other than the one the grammar needs."""

    def __init__(self, text: str, expected: str, actual: str, index: int) -> None:
        self.expected = expected
        self.actual = actual
        # The AWS CLI v2 puts one space before the input (so its caret sits one column left).
        super().__init__(
            f"Expected: '{expected}', received: '{actual}' for input:\n {_location(text, index)}",
            text,
            index,
        )


class DuplicateKeyError(ShorthandParseError):
    """The same top-level key twice: usually a "," typed where a space was meant."""

    def __init__(self, key: str, text: str, index: int) -> None:
        self.key = key
        super().__init__(
            f'Second instance of key "{key}" encountered for input:\n'
            f"{_location(text, index)}\n"
            'This is often because there is a preceding "," instead of a space.',
            text,
            index,
        )


def parse(text: str, *, load_paramfile: ParamFileLoader | None = None) -> dict[str, Any]:
    """`A=1,B=x,y,C={D=[e]}` -> {'A': '1', 'B': ['x', 'y'], 'C': {'D': ['e']}}.

    Values after `@=` that start with file:// or fileb:// are replaced by what
    `load_paramfile` returns for them (by default paramfile.load_param_file: text or bytes).
    Raises ShorthandParseError.
    """
    return _Parser(text, load_paramfile).parameter()


def looks_like_json(value: str | bytes | list[Any] | None) -> bool:
    """Whether the AWS CLI takes an option's value as JSON rather than shorthand.

    It looks at the value (the first one, for an option that takes several) with surrounding
    whitespace removed: JSON if it starts with `{` or `[`, otherwise shorthand. So
    `--tags Key=a,Value=b Key=c,Value=d` is shorthand and `--tags '[{"Key": "a"}]'` JSON,
    while `[{Key=a}]` is (invalid) JSON rather than shorthand.
    """
    check = value[0] if isinstance(value, list) and value else value
    return isinstance(check, str) and check.strip().startswith(("[", "{"))


class _Parser:
    def __init__(self, text: str, load_paramfile: ParamFileLoader | None) -> None:
        self.text = text
        self.i = 0
        self.n = len(text)
        self._loader = load_paramfile
        # Set by "@=" for the values of that key; a nested key resets it, as in the AWS CLI.
        self.resolve = False

    # -- the grammar ---------------------------------------------------------------------------

    def parameter(self) -> dict[str, Any]:
        params: dict[str, Any] = {}
        key, value = self._keyval()
        params[key] = value
        end_of_previous = self.i
        while self.i < self.n:
            self._expect(",", skip=True)
            key, value = self._keyval()
            if key in params:
                raise DuplicateKeyError(key, self.text, end_of_previous + 1)
            params[key] = value
            end_of_previous = self.i
        return params

    def _assignment(self) -> str:
        """A key and its "=" (or "@="); sets whether its values name parameter files."""
        key = self._key()
        self.resolve = False
        if self._peek_after_whitespace() == "@":
            self._expect("@", skip=True)
            self.resolve = True
        self._expect("=", skip=True)
        return key

    def _keyval(self) -> tuple[str, Any]:
        key = self._assignment()
        if self.i >= self.n:
            return key, ""
        c = self.text[self.i]
        if c == "[":
            return key, self._explicit_list()
        if c == "{":
            return key, self._hash_literal()
        return key, self._csv_value()

    def _key(self) -> str:
        start = self.i
        while self.i < self.n and self.text[self.i] in _KEY_CHARS:
            self.i += 1
        return self.text[start : self.i]

    def _csv_value(self) -> Any:
        """`a` -> 'a'; `a,b` -> ['a', 'b']; in `a,b,c=d` the list stops before `c`."""
        first = self._first_value()
        self._skip_whitespace()
        if self.i >= self.n or self.text[self.i] != ",":
            return first
        self._expect(",", skip=True)
        items = [first]
        while True:
            try:
                item = self._second_value()
                self._skip_whitespace()
                if self.i >= self.n:
                    items.append(item)
                    break
                self._expect(",", skip=True)
                items.append(item)
            except ShorthandSyntaxError:
                # `foo=a,b,c=d`: `c` turned out to be the next key. Give back everything
                # after the last comma; at the end of the input there is nothing to give back
                # (`foo=a,` is an error).
                if self.i >= self.n:
                    raise
                while self.i >= 0 and self.text[self.i] != ",":
                    self.i -= 1
                break
        return first if len(items) == 1 else items

    def _explicit_list(self) -> list[Any]:
        self._expect("[", skip=True)
        items: list[Any] = []
        while self._current() != "]":
            items.append(self._item())
            self._skip_whitespace()
            if self._current() != "]":
                self._expect(",")
                self._skip_whitespace()
        self._expect("]")
        return items

    def _hash_literal(self) -> dict[str, Any]:
        self._expect("{", skip=True)
        members: dict[str, Any] = {}
        while self._current() != "}":
            key = self._assignment()
            value = self._item()
            self._skip_whitespace()
            if self._current() != "}":
                self._expect(",")
                self._skip_whitespace()
            members[key] = value  # a repeated key inside braces silently wins, as in the AWS CLI
        self._expect("}")
        return members

    def _item(self) -> Any:
        c = self._current()
        if c == "[":
            return self._explicit_list()
        if c == "{":
            return self._hash_literal()
        return self._first_value()

    def _first_value(self) -> Any:
        c = self._current()
        if c in ("'", '"'):
            return self._resolved(self._quoted(c))
        word = self._word(_can_follow_first)
        # An empty value (`a=,b=c`, `[,x]`) is allowed here, unlike in later csv items.
        return "" if word is None else self._resolved(word)

    def _second_value(self) -> Any:
        c = self._current()
        if c in ("'", '"'):
            return self._resolved(self._quoted(c))
        word = self._word(_can_follow_second)
        if word is None:
            raise ShorthandSyntaxError(self.text, "<second>", "<none>", self.i)
        return self._resolved(word)

    # -- lexing --------------------------------------------------------------------------------

    def _word(self, can_follow: Callable[[str], bool]) -> str | None:
        """An unquoted value, `\\,` unescaped and trailing whitespace dropped; None if none."""
        text, i, n = self.text, self.i, self.n
        if text.startswith("\\,", i):
            i += 2
        elif i < n and _can_start(text[i]):
            i += 1
        else:
            return None
        while i < n:
            if text.startswith("\\,", i):
                i += 2
            elif can_follow(text[i]):
                i += 1
            else:
                break
        word = text[self.i : i]
        self.i = i
        return word.replace("\\,", ",").rstrip()

    def _quoted(self, quote: str) -> str:
        """A quoted value. `\\<quote>` is an escaped quote, `\\\\` an escaped backslash.

        Where no unescaped closing quote follows, the last escaped one closes the value
        (`'a\\'` is `a\\`), which is what the AWS CLI's backtracking regular expression does.
        """
        text, n = self.text, self.n
        j = self.i + 1
        last_escaped = -1
        end = -1
        while j < n:
            c = text[j]
            if c == "\\" and j + 1 < n and text[j + 1] == quote:
                last_escaped = j + 1
                j += 2
            elif c == quote:
                end = j
                break
            else:
                j += 1
        if end < 0:
            end = last_escaped
        if end < 0:
            name = "singled quoted" if quote == "'" else "double quoted"  # sic, the AWS CLI's
            raise ShorthandSyntaxError(self.text, f"<{name}>", "<none>", self.i)
        inner = text[self.i + 1 : end]
        self.i = end + 1
        return inner.replace("\\" + quote, quote).replace("\\\\", "\\")

    def _resolved(self, value: str) -> Any:
        if not self.resolve or not value.startswith(("file://", "fileb://")):
            return value
        loader = self._loader
        if loader is None:
            from awslocal_cli.cli.paramfile import load_param_file

            loader = load_param_file
        content = loader(value)
        return value if content is None else content

    def _current(self) -> str | None:
        return self.text[self.i] if self.i < self.n else None

    def _peek_after_whitespace(self) -> str | None:
        j = self.i
        while j < self.n and self.text[j] in _SKIPPED:
            j += 1
        return self.text[j] if j < self.n else None

    def _skip_whitespace(self) -> None:
        while self.i < self.n and self.text[self.i] in _SKIPPED:
            self.i += 1

    def _expect(self, char: str, skip: bool = False) -> None:
        if skip:
            self._skip_whitespace()
        if self.i >= self.n:
            raise ShorthandSyntaxError(self.text, char, "EOF", self.i)
        actual = self.text[self.i]
        if actual != char:
            raise ShorthandSyntaxError(self.text, char, actual, self.i)
        self.i += 1
        if skip:
            self._skip_whitespace()
