"""The model's constraints in the words of AWS's endpoints: "1 validation error detected: ...".

AWS's service frameworks check a request against the model before the service sees it and
answer every violation at once, in one sentence each, joined by "; ":

    2 validation errors detected: Value '0' at 'numberOfBytes' failed to satisfy constraint:
    Member must have value greater than or equal to 1; Value null at 'keyId' failed to satisfy
    constraint: Member must not be null

Member paths are camelCase (the member name with its first letter lowered), list elements are
`<list>.<n>.member` (from 1), a structure held in a map is `<map>.<key>.member`. Blobs are never
echoed (they may be plaintext) and sensitive strings are redacted.

Shared by the services that validate themselves (KMS) and the wire layer (awslocal_cli.wire
.validation), which answers for the others in each service's dialect. This module knows no
front door and raises nothing: it lists the violations.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; annotations only
    from collections.abc import Mapping
    from typing import Any

REDACTED = "*** Sensitive Data Redacted ***"

# Shape type -> (the Python types a value of it may have, the noun of AWS's "Member must be ...").
_KINDS: dict[str, tuple[tuple[type, ...], str]] = {
    "string": ((str,), "a string"),
    "integer": ((int,), "an integer"),
    "long": ((int,), "an integer"),
    "float": ((float, int), "a number"),
    "double": ((float, int), "a number"),
    "blob": ((bytes, bytearray), "binary"),
    "boolean": ((bool,), "a boolean"),
    "list": ((list, tuple), "a list"),
    "map": ((dict,), "a map"),
    "structure": ((dict,), "a structure"),
}
_NUMBERS = ("integer", "long", "float", "double")


class Rules:
    """What a service's framework checks; every field defaults to all of it.

    `required`: required members that are absent ("Member must not be null"); `top_scalars`:
    whether that includes scalar members of the request itself (SNS answers those itself);
    `limits`: min/max of values and lengths; `enums` and `patterns`; `unknown`: members the
    shape does not have ("Unknown parameter"); `secret_paths`: member paths whose values are
    redacted besides the model's sensitive shapes.
    """

    __slots__ = ("enums", "limits", "patterns", "required", "secret_paths", "top_scalars",
                 "unknown")

    def __init__(self, *, required: bool = True, top_scalars: bool = True, limits: bool = True,
                 enums: bool = True, patterns: bool = True, unknown: bool = False,
                 secret_paths: frozenset[str] = frozenset()) -> None:
        self.required = required
        self.top_scalars = top_scalars
        self.limits = limits
        self.enums = enums
        self.patterns = patterns
        self.unknown = unknown
        self.secret_paths = secret_paths


ALL = Rules()


def camel(name: str) -> str:
    """A member name as AWS writes it in a message: `NumberOfBytes` -> `numberOfBytes`."""
    return name[:1].lower() + name[1:]


def summary(problems: list[str]) -> str:
    """The one message of all the violations."""
    n = len(problems)
    return f"{n} validation error{'s' if n > 1 else ''} detected: " + "; ".join(problems)


def check_request(model: Mapping[str, Any], shape_name: str | None, request: Mapping[str, Any],
                  rules: Rules = ALL) -> list[str]:
    """The violations of an operation's input (shape_name None: the operation takes none)."""
    problems: list[str] = []
    if shape_name is None:
        if rules.unknown:
            problems.extend(f"Unknown parameter '{k}'" for k in request)
        return problems
    _structure(model, shape_name, request, "", problems, rules, top=True)
    return problems


def check_value(model: Mapping[str, Any], shape_name: str, value: Any, path: str,
                problems: list[str], rules: Rules = ALL) -> None:
    """Append the violations of one value (and what it holds) at a member path."""
    shape = model["shapes"][shape_name]
    kind = shape["type"]
    if kind not in _KINDS:
        return
    shown = _shown(shape, kind, value, path, rules)
    types, noun = _KINDS[kind]
    if not isinstance(value, types) or (kind in _NUMBERS and isinstance(value, bool)):
        problems.append(violation(shown, path, f"must be {noun}"))
        return
    rule = _constraint_broken(shape, kind, value, rules)
    if rule is not None:
        problems.append(violation(shown, path, rule))
    if kind == "list":
        for i, item in enumerate(value):
            check_value(model, shape["member"]["shape"], item, f"{path}.{i + 1}.member",
                        problems, rules)
    elif kind == "map":
        value_shape = shape["value"]["shape"]
        nested = model["shapes"][value_shape]["type"] == "structure"
        for k, v in value.items():
            check_value(model, shape["key"]["shape"], k, f"{path}.key", problems, rules)
            check_value(model, value_shape, v, f"{path}.{k}.member" if nested else
                        f"{path}.value", problems, rules)
    elif kind == "structure":
        _structure(model, shape_name, value, path + ".", problems, rules, top=False)


def violation(shown: Any, path: str, rule: str) -> str:
    """One sentence: `Value 'x' at 'path' failed to satisfy constraint: Member <rule>`."""
    if shown is _NULL:
        value = "Value null"
    elif shown is None:
        value = "Value"
    else:
        value = f"Value '{shown}'"
    return f"{value} at '{path}' failed to satisfy constraint: Member {rule}"


_NULL = object()


def _structure(model: Mapping[str, Any], shape_name: str, value: Mapping[str, Any],
               prefix: str, problems: list[str], rules: Rules, *, top: bool) -> None:
    shape = model["shapes"][shape_name]
    members = shape.get("members", {})
    if rules.unknown:
        problems.extend(f"Unknown parameter '{prefix}{name}'" for name in value
                        if name not in members)
    if rules.required:
        for name in shape.get("required", []):
            if value.get(name) is not None or name not in members:
                continue
            scalar = model["shapes"][members[name]["shape"]]["type"] not in (
                "structure", "list", "map")
            if top and scalar and not rules.top_scalars:
                continue
            problems.append(violation(_NULL, f"{prefix}{camel(name)}", "must not be null"))
    for name, member in members.items():
        if value.get(name) is not None:
            check_value(model, member["shape"], value[name], f"{prefix}{camel(name)}",
                        problems, rules)


def _shown(shape: Mapping[str, Any], kind: str, value: Any, path: str, rules: Rules) -> Any:
    """How a message echoes a value: never a blob (it may be plaintext), nor a secret."""
    if kind in ("blob", "structure"):
        return None
    if kind == "list":  # as the service's Java writes them: [a, b]
        return "[" + ", ".join(str(v) for v in value) + "]" if isinstance(value, list) else None
    if kind == "map":
        return ("{" + ", ".join(f"{k}={v}" for k, v in value.items()) + "}"
                if isinstance(value, dict) else None)
    if kind == "string" and (shape.get("sensitive")
                             or path.rsplit(".", 1)[-1] in rules.secret_paths):
        return REDACTED
    return value


def _constraint_broken(shape: Mapping[str, Any], kind: str, value: Any,
                       rules: Rules) -> str | None:
    """The first of the shape's min/max/enum/pattern constraints that the value breaks."""
    if kind in _NUMBERS:
        return _bound_broken(shape, value, "value") if rules.limits else None
    if kind in ("blob", "list", "map"):
        return _bound_broken(shape, len(value), "length") if rules.limits else None
    if kind != "string":
        return None
    rule = _bound_broken(shape, len(value), "length") if rules.limits else None
    if rule is None and rules.enums and "enum" in shape and value not in shape["enum"]:
        rule = f"must satisfy enum value set: [{', '.join(shape['enum'])}]"
    if (rule is None and rules.patterns and "pattern" in shape
            and not _matches(shape["pattern"], value)):
        rule = f"must satisfy regular expression pattern: {shape['pattern']}"
    return rule


def _bound_broken(shape: Mapping[str, Any], measure: int | float, what: str) -> str | None:
    if "min" in shape and measure < shape["min"]:
        return f"must have {what} greater than or equal to {shape['min']}"
    if "max" in shape and measure > shape["max"]:
        return f"must have {what} less than or equal to {shape['max']}"
    return None


_compiled: dict[str, re.Pattern[str] | None] = {}


def _matches(pattern: str, value: str) -> bool:
    if pattern not in _compiled:
        try:
            _compiled[pattern] = re.compile(pattern)
        except re.error:  # a pattern Python cannot read (\p{L}, \u10000): not checked
            _compiled[pattern] = None
    compiled = _compiled[pattern]
    return compiled is None or compiled.fullmatch(value) is not None
