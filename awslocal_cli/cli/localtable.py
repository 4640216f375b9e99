"""`--output table` for awslocal's own commands (`local deliveries`, `local outbox`, `local info`).

Their rows hold long cells (ARNs, payloads, reasons) that the AWS CLI's table style, made for
API responses, lets run past the terminal's edge. Here each list of records is one table with
a column per member, laid out by tabulate and fitted to the terminal's width: the widest
columns give way first; a long cell wraps onto up to three lines, and one still too long ends
with `…`, so nothing looks whole that is not.
The full values are in `--output json` (or yaml, text). tabulate is imported only here.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO, Any

MARK = "…"
MIN_COLUMN = 6
READABLE = 12  # narrower than this (when the cell is longer), records go one per table
MAX_LINES = 3  # a cell wraps onto this many lines, then is cut


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    text = str(value)
    return " ".join(text.split()) if "\n" in text or "\t" in text else text


def _flatten(prefix: str, value: Any, out: dict[str, Any]) -> None:
    if isinstance(value, dict) and value:
        for key, inner in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), inner, out)
    else:
        out[prefix] = value


def fit(widths: list[int], budget: int) -> list[int]:
    """Column widths that fit `budget` characters of cell text: shrink the widest first."""
    widths = list(widths)
    while sum(widths) > budget:
        widest = max(range(len(widths)), key=lambda i: widths[i])
        if widths[widest] <= MIN_COLUMN:
            break
        widths[widest] -= 1
    return widths


def _cut(text: str, width: int) -> str:
    """`text` wrapped to `width`, at most MAX_LINES lines; a cut one ends with the marker."""
    if len(text) <= width:
        return text
    import textwrap

    lines = textwrap.wrap(text, width=width, break_long_words=True, break_on_hyphens=False)
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES]
        lines[-1] = lines[-1][: max(0, width - 1)] + MARK
    return "\n".join(lines)


def table(title: str, rows: list[dict[str, Any]], width: int) -> str:
    """One titled table of records, no wider than `width` (when it can be)."""
    from tabulate import tabulate

    headers: list[str] = []
    flat_rows = []
    for row in rows:
        flat: dict[str, Any] = {}
        _flatten("", row, flat)
        flat_rows.append(flat)
        for key in flat:
            if key not in headers:
                headers.append(key)
    cells = [[_cell(r.get(h)) for h in headers] for r in flat_rows]
    natural = [max([len(h)] + [len(c[i]) for c in cells]) for i, h in enumerate(headers)]
    # psql layout: "| " + cell + " " per column, and a closing "|".
    widths = fit(natural, width - 3 * len(headers) - 1)
    cramped = any(w < min(n, READABLE) for w, n in zip(widths, natural, strict=True))
    if len(headers) > 2 and cramped:
        # Too many columns for this terminal: one Name/Value table per record instead.
        return "\n".join(
            table(f"{title}[{i}]", [{"Name": h, "Value": flat.get(h)} for h in headers
                                    if h in flat], width)
            for i, flat in enumerate(flat_rows)
        )
    body = [[_cut(c, widths[i]) for i, c in enumerate(row)] for row in cells]
    heads = [_cut(h, widths[i]) for i, h in enumerate(headers)]
    import tabulate as tabulate_module

    padding, tabulate_module.MIN_PADDING = tabulate_module.MIN_PADDING, 0  # widths are ours
    try:
        text = tabulate(body, headers=heads, tablefmt="psql", disable_numparse=True)
    finally:
        tabulate_module.MIN_PADDING = padding
    return f"{title}\n{text}\n"


def render(result: dict[str, Any], title: str, stream: IO[str], width: int | None = None) -> None:
    """Print `result` as tables: one per list of records, one for the scalar members."""
    import shutil

    width = width or shutil.get_terminal_size((100, 24)).columns
    scalars: dict[str, Any] = {}
    parts: list[str] = []
    for key, value in result.items():
        if isinstance(value, list) and all(isinstance(v, dict) for v in value):
            parts.append(table(key, value, width) if value else f"{key}\n(none)\n")
        elif isinstance(value, list):
            scalars[key] = ", ".join(_cell(v) for v in value)
        else:
            _flatten(key, value, scalars)
    if scalars:
        rows = [{"Name": k, "Value": v} for k, v in scalars.items()]
        parts.insert(0, table(title, rows, width))
    stream.write("\n".join(parts))
