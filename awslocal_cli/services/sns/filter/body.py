"""SNS filter policies evaluated against a JSON object: the message body (FilterPolicyScope
MessageBody), or the object made of the message attributes (attributes.py).

Keys may nest ("a.b" reaches {"a": {"b": ...}}); scalars in an array are all values of their path
at once; the conditions met in an array of objects must be met by one element (event-ruler's
array consistency).
"""

from __future__ import annotations

from awslocal_cli.services.sns.filter.compiler import _Compiled
from awslocal_cli.services.sns.filter.conditions import _condition_holds
from awslocal_cli.services.sns.filter.constraints import _MAX_ROWS

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; annotations only
    from collections.abc import Iterator
    from typing import Any


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
