"""Render a response as AWS CLI v2 prints it: json, text, table, yaml, yaml-stream or off.

The behaviour follows the v2 branch of aws-cli (awscli/formatter.py, text.py, table.py,
utils.json_encoder, customizations/globalargs.py for --query errors); the goldens in
tests/golden/output were checked against those formatters. jmespath and yaml are imported only
by the formats and options that need them; importing this module costs json, sys, base64 and
datetime.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing and collections cost start-up time; annotations only
    from collections.abc import Callable
    from typing import Any, TextIO

__all__ = [
    "COLORS",
    "FORMATS",
    "QueryError",
    "compile_query",
    "dumps_json",
    "normalise",
    "render",
    "render_pages",
]

FORMATS = ("json", "text", "table", "yaml", "yaml-stream", "off")
COLORS = ("on", "off", "auto")


class QueryError(ValueError):
    """A --query expression that JMESPath cannot parse (the CLI exits 252 for it)."""


# -- values ------------------------------------------------------------------------------------


def normalise(value: Any, timestamp_format: str = "iso8601") -> Any:
    """Return `value` with blobs as base64 text and timestamps as ISO 8601 text, recursively.

    This is what the AWS CLI v2 parser hands its formatters: blobs stay base64 (scalarparse
    customization) and timestamps go through `datetime.isoformat()` (cli_timestamp_format
    iso8601, the v2 default). With cli_timestamp_format wire a timestamp is what the JSON
    protocols send, epoch seconds as a number (awslocal does so for every service; SNS's query
    protocol would send ISO text). Containers are copied, so the result shares nothing with
    `value`.
    """
    if isinstance(value, dict):
        return {key: normalise(item, timestamp_format) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalise(item, timestamp_format) for item in value]
    if isinstance(value, (bytes, bytearray, memoryview)):
        import base64

        return base64.b64encode(bytes(value)).decode("ascii")
    # No datetime can exist unless the datetime module was imported; not importing it here
    # keeps it off the start-up path of commands that return no timestamps.
    dt = sys.modules.get("datetime")
    if dt is not None and isinstance(value, dt.datetime):
        # AWS's wire carries milliseconds (epoch seconds with three decimals, or ISO 8601 with
        # .mmm), so the AWS CLI never prints finer than .mmm000; neither do we.
        value = value.replace(microsecond=value.microsecond - value.microsecond % 1000)
        return value.timestamp() if timestamp_format == "wire" else value.isoformat()
    if dt is not None and isinstance(value, dt.date):
        return value.isoformat()
    return value


def dumps_json(value: Any) -> str:
    """`value` as the AWS CLI prints JSON: 4-space indent, UTF-8 kept, no trailing newline.

    Byte for byte what `json.dumps(value, indent=4, ensure_ascii=False)` gives (a property test
    checks it), written without the json package, whose import (it pulls in `re` and `enum`)
    is a fifth of a command's start-up.
    """
    return _dumps(normalise(value), "")


def _dumps(value: Any, pad: str) -> str:
    from _json import encode_basestring

    if isinstance(value, str):
        return encode_basestring(value)  # type: ignore[no-any-return]
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value in (float("inf"), float("-inf")):
            return "Infinity" if value > 0 else "-Infinity"
        return float.__repr__(value)
    inner = pad + "    "
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{encode_basestring(_json_key(k))}: {_dumps(v, inner)}"
                 for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(inner + _dumps(v, inner) for v in value) + "\n" + pad + "]"
    import json  # anything else: let json raise its own TypeError

    return json.dumps(value, indent=4, ensure_ascii=False)


def _json_key(key: Any) -> str:
    """Dict keys as json.dumps writes them."""
    if isinstance(key, str):
        return key
    if key is True or key is False or key is None:
        return {True: "true", False: "false", None: "null"}[key]
    if isinstance(key, (int, float)):
        return _dumps(key, "")
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def compile_query(expression: str) -> Any:
    """Compile a --query expression, raising QueryError with the AWS CLI's wording.

    The AWS CLI compiles --query while it parses its arguments, before it calls the service
    (customizations/globalargs.py), so a caller that wants the same order can call this first.
    """
    import jmespath

    try:
        return jmespath.compile(expression)
    except Exception as exc:  # jmespath raises ParseError, LexerError, and others
        raise QueryError(f"Bad value for --query {expression}: {exc}") from exc


# -- entry point -------------------------------------------------------------------------------


def render(
    response: dict[str, Any] | None,
    *,
    output: str = "json",
    query: str | None = None,
    operation_name: str = "",
    stream: TextIO | None = None,
    color: str = "auto",
    timestamp_format: str = "iso8601",
) -> None:
    """Print `response` to `stream` (sys.stdout by default) in the `output` format."""
    if output not in FORMATS:
        raise ValueError(f"Unknown output type: {output}")
    # A bad expression fails even with --output off: the CLI compiles it up front.
    compiled = compile_query(query) if query is not None else None
    if output == "off":
        return
    if stream is None:
        stream = sys.stdout
    data: Any = normalise(response if response is not None else {}, timestamp_format)
    if isinstance(data, dict):
        data.pop("ResponseMetadata", None)
    if compiled is not None:
        data = compiled.search(data)

    if output == "json":
        # formatter.JSONFormatter: only an empty dict (an operation with no output) prints
        # nothing; null, [], "" and false from a query are printed.
        text = "" if data == {} else dumps_json(data) + "\n"
    elif output == "text":
        parts: list[str] = []
        _text(data, parts.append)
        text = "".join(parts)
    elif output == "table":
        text = _table(data, operation_name, _use_color(color, stream))
    elif output == "yaml":
        text = "" if data == {} else _yaml(data)
    else:  # yaml-stream: one list item per page; a response is a single page
        text = "" if data == {} else _yaml([data])
    _write(stream, text)


def render_pages(
    pages: list[dict[str, Any]],
    result_keys: list[str],
    resume_token: str | None,
    *,
    output: str,
    query: str | None = None,
    stream: TextIO | None = None,
    timestamp_format: str = "iso8601",
) -> None:
    """Print a paginated response page by page, as the AWS CLI's text and yaml-stream do.

    text (formatter.TextFormatter): each page's result keys alone (a key the page lacks is
    None, so an empty SQS listing prints `None`), then `NEXTTOKEN<TAB><token>` when
    --max-items stopped early; --query applies to each page and to {"NextToken": {"NextToken":
    token}}. yaml-stream (StreamedYAMLFormatter): each whole page as a one-item list, --query
    applied per page; no NextToken.
    """
    if output not in ("text", "yaml-stream"):
        raise ValueError(f"Not a page-by-page output: {output}")
    compiled = compile_query(query) if query is not None else None
    if stream is None:
        stream = sys.stdout
    parts: list[str] = []
    for page in pages:
        data: Any = normalise(page, timestamp_format)
        if output == "text":
            data = {key: data.get(key) for key in result_keys}
        else:
            data.pop("ResponseMetadata", None)
        if compiled is not None:
            data = compiled.search(data)
        if output == "text":
            _text(data, parts.append)
        else:
            parts.append(_yaml([data]))
    if output == "text" and resume_token is not None:
        data = {"NextToken": {"NextToken": resume_token}}
        if compiled is not None:
            data = compiled.search(data)
        _text(data, parts.append)
    _write(stream, "".join(parts))


def _write(stream: TextIO, text: str) -> None:
    # The CLI ignores OSError on its output stream (a closed pipe: `aws ... | head -1`).
    try:
        if text:
            stream.write(text)
        stream.flush()
    except OSError:
        pass


def _is_container(value: Any) -> bool:
    return isinstance(value, (dict, list))


# -- text --------------------------------------------------------------------------------------
# Rules of awscli/text.py, the format the user guide describes as "tab-delimited lines":
#  * a scalar prints as str(value) on its own line (so None -> "None", true -> "True");
#  * a dict prints its scalar values on one line, tab-separated, in sorted key order, prefixed
#    by the upper-cased key it was found under (if any); then each nested value, in sorted key
#    order, with that key as its identifier;
#  * a list of dicts prints one line per dict, using the sorted union of the scalar keys of all
#    its dicts as the columns ("" where a dict lacks one);
#  * a list of scalars prints on one tab-separated line, or as "IDENTIFIER\tvalue" lines when it
#    was found under a key; in a list mixing scalars and lists, the scalars come first on one
#    line, then each inner list.


def _text(
    item: Any,
    emit: Callable[[str], Any],
    identifier: str | None = None,
    columns: list[str] | None = None,
) -> None:
    if isinstance(item, dict):
        _text_dict(item, emit, identifier, columns)
    elif isinstance(item, list):
        _text_list(item, emit, identifier)
    else:
        emit(f"{item}\n")


def _text_dict(
    item: dict[str, Any],
    emit: Callable[[str], Any],
    identifier: str | None,
    columns: list[str] | None,
) -> None:
    if columns is None:
        keys = sorted(item)
        cells = [str(item[key]) for key in keys if not _is_container(item[key])]
        nested = [key for key in keys if _is_container(item[key])]
    else:
        # Columns shared with the other dicts of a list: a key that is a container here but a
        # scalar elsewhere is printed with str(), as the CLI does.
        cells = [str(item.get(key, "")) for key in columns]
        nested = sorted(set(item) - set(columns))
    if cells:
        if identifier is not None:
            cells.insert(0, identifier.upper())
        emit("\t".join(cells) + "\n")
    for key in nested:
        _text(item[key], emit, key)


def _text_list(items: list[Any], emit: Callable[[str], Any], identifier: str | None) -> None:
    if not items:
        return
    if any(isinstance(element, dict) for element in items):
        # Departure: the CLI crashes (AttributeError) on a list mixing dicts and non-dicts;
        # here the non-dicts just do not contribute columns.
        columns = sorted(
            {
                key
                for element in items
                if isinstance(element, dict)
                for key, value in element.items()
                if not _is_container(value)
            }
        )
        for element in items:
            _text(element, emit, identifier, columns)
        return
    scalars = [element for element in items if not _is_container(element)]
    if scalars:
        if identifier is None:
            emit("\t".join(str(element) for element in scalars) + "\n")
        else:
            label = identifier.upper()
            for element in scalars:
                emit(f"{label}\t{element}\n")
    for element in items:
        if _is_container(element):
            _text(element, emit, identifier)


# -- table -------------------------------------------------------------------------------------
# The boxed layout of awscli/table.py (MultiTable) as driven by formatter.TableFormatter:
#  * the response is a section titled with the operation name; each nested dict or list becomes
#    its own section, titled with its key and indented one level (drawn as "|" on both sides);
#  * a dict's scalar members form one row under a header of their sorted key names (a single
#    scalar member prints as a "key | value" row instead); a list of dicts is a header of the
#    sorted union of their scalar keys and one row per dict ("" where missing);
#  * a scalar alone (e.g. `--query Account`) draws only the title box, as the CLI does;
#  * columns are as wide as their widest cell plus 4, then scaled to the widest section; titles
#    and headers are centred, cells left-aligned after two spaces; East Asian wide and ambiguous
#    characters count as two columns;
#  * when the table is wider than the terminal (80 when stdout is not a terminal), every
#    single-row section is turned into "header | value" rows.

_BRIGHT_BLUE = "\x1b[1m\x1b[34m"  # colorama Style.BRIGHT + Fore.BLUE: row cells
_DIM_YELLOW = "\x1b[2m\x1b[33m"  # colorama Style.DIM + Fore.YELLOW: indentation bars
_RESET = "\x1b[0m"


def _use_color(color: str, stream: TextIO) -> bool:
    if color == "on":
        return True
    if color == "off":
        return False
    if color == "auto":
        isatty = getattr(stream, "isatty", None)
        try:
            return bool(isatty and isatty())
        except (OSError, ValueError):
            return False
    raise ValueError(f"Unknown color option: {color}")


def _terminal_width() -> int:
    """Columns of the terminal on stdout, or 80 (table.determine_terminal_width)."""
    import os

    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return 80


def _display_width(text: Any) -> int:
    text = str(text)
    if text.isascii():
        return len(text)
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


class _Section:
    __slots__ = ("headers", "indent", "ncols", "rows", "title", "widths")

    def __init__(self, title: str | None, indent: int) -> None:
        self.title = title
        self.indent = indent
        self.headers: list[str] = []
        self.rows: list[list[str]] = []
        self.ncols: int | None = None
        self.widths: list[int] = []

    def set_headers(self, headers: list[str]) -> None:
        self._grow(headers)
        if self.ncols is None:
            self.ncols = len(headers)
        self.headers = headers

    def add_row(self, cells: list[Any]) -> None:
        if self.ncols is None:
            self.ncols = len(cells)
        if len(cells) != self.ncols:
            # The CLI's own failure (exit 255), e.g. `--query '[[`1`, `2`], [`3`]]'`.
            raise ValueError(f"Row should have {self.ncols} elements, instead it has {len(cells)}")
        row = [str(cell) for cell in cells]
        self.rows.append(row)
        self._grow(row)

    def _grow(self, cells: list[str]) -> None:
        if not self.widths:
            self.widths = [_display_width(cell) for cell in cells]
            return
        for index, cell in enumerate(cells):
            width = _display_width(cell)
            if index < len(self.widths):
                self.widths[index] = max(self.widths[index], width)
            else:  # only reachable where the CLI raises IndexError
                self.widths.append(width)

    def total_width(self) -> int:
        # Title or cells, plus the two borders and the indentation bars on both sides.
        outer = 2 + 2 * self.indent
        cells = sum(width + 4 for width in self.widths)
        return max(_display_width(self.title) + outer, cells + outer)


class _TableBuilder:
    def __init__(self) -> None:
        self.sections: list[_Section] = []

    def _new(self, title: str | None, indent: int) -> _Section:
        section = _Section(title, indent)
        self.sections.append(section)
        return section

    def build(self, title: str | None, value: Any, indent: int = 0) -> bool:
        if not value:
            return False
        if title is not None:
            self._new(title, indent)
        if isinstance(value, list):
            if isinstance(value[0], dict):
                self._dict_list(value, title, indent)
            else:
                for item in value:
                    # Rows go to the newest section, which a nested item may have changed.
                    if not _is_container(item):
                        self.sections[-1].add_row([item])
                    elif all(not _is_container(element) for element in item):
                        # For a dict this iterates (and prints) its keys, as the CLI does.
                        self.sections[-1].add_row(list(item))
                    else:
                        self.build(None, item)
        elif isinstance(value, dict):
            self._dict(value, indent)
        return True

    def _dict(self, value: dict[str, Any], indent: int) -> None:
        section = self.sections[-1]
        scalars = sorted(key for key, item in value.items() if not _is_container(item))
        nested = sorted(key for key, item in value.items() if _is_container(item))
        if len(scalars) == 1:
            section.add_row([scalars[0], value[scalars[0]]])
        elif scalars:
            section.set_headers(scalars)
            section.add_row([value[key] for key in scalars])
        for key in nested:
            self.build(key, value[key], indent + 1)

    def _dict_list(self, items: list[Any], title: str | None, indent: int) -> None:
        # Departure: where the CLI fails on a list whose first element is a dict but not all
        # are (it indexes the others like dicts), the non-dicts count as empty dicts here.
        dicts = [item if isinstance(item, dict) else {} for item in items]
        headers = sorted({k for d in dicts for k, v in d.items() if not _is_container(v)})
        nested = sorted({k for d in dicts for k, v in d.items() if _is_container(v)})
        self.sections[-1].set_headers(headers)
        for number, item in enumerate(dicts):
            if number and nested:
                # Each element after the first gets its own section (and header) when the
                # list has nested members.
                self._new(title, indent).set_headers(headers)
            self.sections[-1].add_row([item.get(key, "") for key in headers])
            for key in nested:
                if key in item:
                    self.build(key, item[key], indent + 1)


def _scale(widths: list[int], total: int) -> list[int]:
    """Column widths (cell + 4) stretched or shrunk proportionally to sum to `total`."""
    natural = [width + 4 for width in widths]
    if not natural:
        return []
    factor = total / float(sum(natural))
    scaled = [round(factor * width) for width in natural]
    excess = sum(scaled) - total
    while excess > 0:  # trim from the left
        for index in range(len(scaled)):
            scaled[index] -= 1
            excess -= 1
            if not excess:
                break
    while excess < 0:  # pad from the right
        for index in reversed(range(len(scaled))):
            scaled[index] += 1
            excess += 1
            if not excess:
                break
    return scaled


def _centre(text: str, width: int, left: str, length: int) -> str:
    """`text` centred in `width` columns between `left` and a "|" (table.center_text)."""
    start = width // 2 - length // 2 - 1
    used = len(left) + start + length
    return f"{left}{' ' * start}{text}{' ' * (width - 1 - used)}|"


def _left(text: str, width: int, left: str, length: int) -> str:
    """`text` after two spaces when it fits, padded to `width` (table.align_left)."""
    pad = 2 if width - (length + 2 + len(left) + 1) >= 0 else 0
    return f"{left}{' ' * pad}{text}{' ' * (width - len(left) - pad - length - 1)}|"


def _rule(widths: list[int]) -> str:
    return "+" + "+".join("-" * (w - 2 if i == 0 else w - 1) for i, w in enumerate(widths)) + "+"


def _render_section(section: _Section, width: int, color: bool, out: list[str]) -> None:
    bars = (f"{_DIM_YELLOW}|{_RESET}" if color else "|") * section.indent
    inner = width - 2 * section.indent

    def line(text: str) -> None:
        out.append(f"{bars}{text}{bars}\n")

    if section.title:
        line(_centre(section.title, inner, "|", _display_width(section.title)))
        if not section.headers and not section.rows:
            line("+" + "-" * (inner - 2) + "+")
    if section.headers:
        columns = _scale(section.widths, inner)
        line(_rule(columns))
        line(
            "".join(
                _centre(header, size, "|" if i == 0 else "", _display_width(header))
                for i, (size, header) in enumerate(zip(columns, section.headers, strict=False))
            )
        )
    if section.rows:
        columns = _scale(section.widths, inner)
        if not columns:
            return
        line(_rule(columns))
        for row in section.rows:
            line(
                "".join(
                    _left(
                        f"{_BRIGHT_BLUE}{cell}{_RESET}" if color else cell,
                        size,
                        "|" if i == 0 else "",
                        _display_width(cell),
                    )
                    for i, (size, cell) in enumerate(zip(columns, row, strict=False))
                )
            )
        line(_rule(columns))


def _go_vertical(sections: list[_Section]) -> None:
    # table.convert_to_vertical_table: a single-row section with headers becomes header|value rows.
    for index, section in enumerate(sections):
        if len(section.rows) == 1 and section.headers:
            vertical = _Section(section.title, section.indent)
            for header, cell in zip(section.headers, section.rows[0], strict=False):
                vertical.add_row([header, cell])
            sections[index] = vertical


def _table(data: Any, title: str, color: bool) -> str:
    builder = _TableBuilder()
    if not builder.build(title, data):
        return ""
    sections = builder.sections
    width = max(section.total_width() for section in sections)
    if width > _terminal_width():
        _go_vertical(sections)
        width = max(section.total_width() for section in sections)
    out = ["-" * width + "\n"]
    for section in sections:
        _render_section(section, width, color, out)
    return "".join(out)


# -- yaml --------------------------------------------------------------------------------------
# The CLI dumps with ruamel.yaml YAML(typ="safe"), block style. PyYAML reproduces it given:
# sorted keys (ruamel sorts plain dicts on output), unicode kept, and the YAML 1.2 core
# schema's idea of which plain scalars need quotes (ruamel defaults to 1.2, so "yes", "on" and
# "12:30" stay unquoted while "true", "0123" and ISO dates are quoted). Scalars at the top level
# are written as JSON, as formatter.YAMLDumper does, to avoid the "..." document-end marker.

_YAML12_IMPLICIT = (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    (
        "float",
        r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
                  |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
                  |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
                  |[-+]?\.(?:inf|Inf|INF)
                  |\.(?:nan|NaN|NAN))$""",
        "-+0123456789.",
    ),
    (
        "int",
        r"""^(?:[-+]?0b[0-1_]+
                |[-+]?0o?[0-7_]+
                |[-+]?[0-9_]+
                |[-+]?0x[0-9a-fA-F_]+)$""",
        "-+0123456789",
    ),
    ("merge", r"^(?:<<)$", "<"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    (
        "timestamp",
        r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
                      |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?
                       (?:[Tt]|[\ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?
                       (?:[\ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
        "0123456789",
    ),
    ("value", r"^(?:=)$", "="),
)

_yaml_dumper: Any = None


def _yaml_dumper_class() -> Any:
    global _yaml_dumper
    if _yaml_dumper is not None:
        return _yaml_dumper
    import re

    import yaml

    base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

    class Dumper(base):  # type: ignore[misc, valid-type]
        yaml_implicit_resolvers: dict[str, Any] = {}

        def represent_float(self, data: float) -> Any:
            # ruamel (YAML 1.2) writes repr() lower-cased: 1e+20, not PyYAML's 1.0e+20.
            if data != data:
                value = ".nan"
            elif data in (float("inf"), float("-inf")):
                value = ".inf" if data > 0 else "-.inf"
            else:
                value = repr(data).lower()
            return self.represent_scalar("tag:yaml.org,2002:float", value)

    for name, pattern, first in _YAML12_IMPLICIT:
        Dumper.add_implicit_resolver(
            f"tag:yaml.org,2002:{name}", re.compile(pattern, re.X), list(first)
        )
    Dumper.add_representer(float, Dumper.represent_float)
    _yaml_dumper = Dumper
    return Dumper


def _yaml(data: Any) -> str:
    if data is None or isinstance(data, (str, int, float, bool)):
        return _dumps(data, "") + "\n"
    import yaml

    text: str = yaml.dump(
        data,
        Dumper=_yaml_dumper_class(),
        default_flow_style=False,
        allow_unicode=True,
        sort_keys=True,
    )
    return text
