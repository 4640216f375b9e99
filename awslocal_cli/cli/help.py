"""`awslocal <service> <operation> --help` without click: the page click would print.

Importing click costs about as much as starting the interpreter, and an operation's help page
is a fixed layout (click's HelpFormatter: the usage line, the help text, the options as a
definition list). This module lays it out the same way from the same Operation, and
tests/cli/test_help_page.py holds it to click's own page for every operation at several
terminal widths. The help of groups, of `local` and completion still go through click
(awslocal_cli.cli.tree).
"""

from __future__ import annotations

import os
import sys

from awslocal_cli.cli.options import PROG

TYPE_CHECKING = False
if TYPE_CHECKING:
    import textwrap

    from awslocal_cli.cli.operation import Operation, Param

_HELP_OPTION = ("--help", "Show this message and exit.")
_COL_MAX = 30  # click's write_dl defaults
_COL_SPACING = 2
_INDENT = 2
_MAX_WIDTH = 80


def operation_help(operation: Operation) -> str:
    """The help page of one operation command, as click's Command.get_help renders it."""
    width = max(min(_columns(), _MAX_WIDTH) - 2, 50)
    out: list[str] = []
    prefix = f"Usage: {PROG} {operation.service} {operation.name} "
    if width >= len(prefix) + 20:
        out.append(_wrap("[OPTIONS]", width, prefix, " " * len(prefix)))
    else:
        indent = " " * (len("Usage: ") + 4)
        out.append(prefix + "\n" + _wrap("[OPTIONS]", width, indent, indent))
    out.append("\n")
    text = _cleandoc(operation.help_text()).partition("\f")[0]
    if text:
        out.append("\n")
        pad = " " * _INDENT
        out.append(_wrap(text, width, pad, pad, paragraphs=True) + "\n")
    rows = [_record(operation, spec) for spec in operation.specs.values()]
    rows.append(_HELP_OPTION)
    out.append("\nOptions:\n")
    out.append(_definition_list(rows, width, _INDENT))
    return "".join(out).rstrip("\n")


def _record(operation: Operation, spec: Param) -> tuple[str, str]:
    """An option's two columns, as tree.OperationCommand declares it to click."""
    if spec.kind == "flag":
        left = f"--{spec.option} / --no-{spec.option}"
    else:
        left = f"--{spec.option} {operation.metavar(spec)}"
    return left, operation.option_help(spec)


def _columns() -> int:
    """shutil.get_terminal_size().columns (without importing shutil)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    try:
        lines = int(os.environ["LINES"])
    except (KeyError, ValueError):
        lines = 0
    if columns <= 0 or lines <= 0:
        try:
            size = os.get_terminal_size(sys.__stdout__.fileno())  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            size = os.terminal_size((80, 24))
        if columns <= 0:
            columns = size.columns or 80
    return columns


def _cleandoc(doc: str) -> str:
    """inspect.cleandoc (inspect is a heavy import)."""
    lines = doc.expandtabs().split("\n")
    margin = min((len(ln) - len(ln.lstrip()) for ln in lines[1:] if ln.lstrip()), default=0)
    lines[0] = lines[0].lstrip()
    lines[1:] = [ln[margin:] for ln in lines[1:]]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines)


def _definition_list(rows: list[tuple[str, str]], width: int, indent: int) -> str:
    """click's HelpFormatter.write_dl."""
    first_col = min(max(len(first) for first, _ in rows), _COL_MAX) + _COL_SPACING
    out: list[str] = []
    for first, second in rows:
        out.append(" " * indent + first)
        if not second:
            out.append("\n")
            continue
        if len(first) <= first_col - _COL_SPACING:
            out.append(" " * (first_col - len(first)))
        else:
            out.append("\n" + " " * (first_col + indent))
        lines = _wrap(second, max(width - first_col - 2, 10), paragraphs=True).splitlines()
        if lines:
            out.append(lines[0] + "\n")
            out.extend(" " * (first_col + indent) + line + "\n" for line in lines[1:])
        else:
            out.append("\n")
    return "".join(out)


def _wrap(text: str, width: int, initial: str = "", subsequent: str = "",
          paragraphs: bool = False) -> str:
    """click.formatting.wrap_text."""
    wrapper = _wrapper(width, initial, subsequent)
    text = text.expandtabs()
    if not paragraphs:
        return wrapper.fill(text)
    pars: list[tuple[int, bool, str]] = []
    buf: list[str] = []
    indent: int | None = None

    def flush() -> None:
        if buf:
            if buf[0].strip() == "\b":
                pars.append((indent or 0, True, "\n".join(buf[1:])))
            else:
                pars.append((indent or 0, False, " ".join(buf)))
            buf.clear()

    for line in text.splitlines():
        if not line:
            flush()
            indent = None
        else:
            if indent is None:
                stripped = line.lstrip()
                indent = len(line) - len(stripped)
                line = stripped
            buf.append(line)
    flush()
    out = []
    for extra, raw, par in pars:
        wrapper.initial_indent = initial + " " * extra
        wrapper.subsequent_indent = subsequent + " " * extra
        if raw:
            out.append("\n".join((wrapper.subsequent_indent if i else wrapper.initial_indent) + ln
                                  for i, ln in enumerate(par.splitlines())))
        else:
            out.append(wrapper.fill(par))
    return "\n\n".join(out)


def _wrapper(width: int, initial: str, subsequent: str) -> textwrap.TextWrapper:
    import textwrap

    class Wrapper(textwrap.TextWrapper):
        def _handle_long_word(self, reversed_chunks: list[str], cur_line: list[str],
                              cur_len: int, width: int) -> None:
            # click's: a word longer than the line is cut at the margin, not at a hyphen.
            space_left = max(width - cur_len, 1)
            if self.break_long_words:
                last = reversed_chunks[-1]
                cur_line.append(last[:space_left])
                reversed_chunks[-1] = last[space_left:]
            elif not cur_line:
                cur_line.append(reversed_chunks.pop())

    return Wrapper(width, initial_indent=initial, subsequent_indent=subsequent,
                   replace_whitespace=False)
