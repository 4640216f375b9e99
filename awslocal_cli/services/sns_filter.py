"""SNS subscription filter policies: validation and matching.

A policy is a JSON object whose keys name message attributes (FilterPolicyScope
MessageAttributes) or paths into a JSON message body (MessageBody, nested objects). Each leaf
is a list of conditions, any of which may match: exact strings and numbers, `prefix`, `suffix`,
`equals-ignore-case`, `anything-but` (a value, a list, or a prefix/suffix), `numeric` ranges
and equality, `exists`, `cidr`; `$or` holds alternative sub-policies (Amazon SNS Developer
Guide, "Amazon SNS subscription filter policies"). Every key of a policy must match.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any

from awslocal_cli.errors import sns as err

MAX_KEYS = 5  # attribute-scope policies: at most 5 keys
MAX_COMBINATIONS = 150
_OPERATORS = {"prefix", "suffix", "equals-ignore-case", "anything-but", "numeric", "exists",
              "cidr"}
_NUMERIC_OPS = {"<", "<=", "=", ">", ">="}

MISSING = object()


def _bad(reason: str) -> err.InvalidParameterException:
    return err.InvalidParameterException(f"Invalid parameter: FilterPolicy: {reason}")


def parse(text: str, scope: str = "MessageAttributes") -> dict[str, Any]:
    """The policy as an object, or InvalidParameter with AWS's reason."""
    try:
        policy = json.loads(text)
    except ValueError:
        raise _bad("failed to parse JSON.") from None
    if not isinstance(policy, dict):
        raise _bad("Filter policy must be a JSON object")
    combos = _check(policy, scope, top=True)
    if scope == "MessageAttributes" and len([k for k in policy if k != "$or"]) > MAX_KEYS:
        raise _bad("Filter policy can not have more than 5 keys")
    if combos > MAX_COMBINATIONS:
        raise _bad("Filter policy is too complex")
    return policy


def _check(policy: dict[str, Any], scope: str, top: bool) -> int:
    combos = 1
    for key, value in policy.items():
        if key == "$or":
            if not isinstance(value, list) or len(value) < 2 or \
                    not all(isinstance(v, dict) for v in value):
                raise _bad('"$or" must be an array of at least two objects')
            combos *= sum(_check(v, scope, top) for v in value)
        elif isinstance(value, dict):
            if scope == "MessageAttributes":
                raise _bad(f'"{key}" must be an array')
            combos *= _check(value, scope, False)
        elif isinstance(value, list):
            if not value:
                raise _bad("Empty arrays are not allowed")
            for condition in value:
                _check_condition(key, condition)
            combos *= len(value)
        else:
            raise _bad(f'"{key}" must be an object or an array')
    return combos


def _check_condition(key: str, condition: Any) -> None:
    if condition is None or isinstance(condition, (str, bool)):
        return
    if isinstance(condition, (int, float)):
        if abs(condition) > 1e9:
            raise _bad("Numeric values must be within -1,000,000,000 and 1,000,000,000")
        return
    if not isinstance(condition, dict) or len(condition) != 1:
        raise _bad(f'Match value must be String, number, true, false, or null for "{key}"')
    (op, arg), = condition.items()
    if op not in _OPERATORS:
        raise _bad(f"Unrecognized match type {op}")
    if op in ("prefix", "suffix", "equals-ignore-case"):
        if not isinstance(arg, str):
            raise _bad(f"{op} match pattern must be a string")
    elif op == "exists":
        if not isinstance(arg, bool):
            raise _bad("exists match pattern must be either true or false.")
    elif op == "cidr":
        try:
            ipaddress.ip_network(str(arg), strict=False)
        except ValueError:
            raise _bad(f"Malformed CIDR, one '/' required: {arg}") from None
    elif op == "numeric":
        _check_numeric(arg)
    elif op == "anything-but":
        if isinstance(arg, dict):
            if len(arg) != 1 or next(iter(arg)) not in ("prefix", "suffix") or \
                    not isinstance(next(iter(arg.values())), str):
                raise _bad("Unsupported anything-but pattern")
        elif isinstance(arg, list):
            if not arg or not all(isinstance(a, (str, int, float)) and not isinstance(a, bool)
                                  for a in arg):
                raise _bad("Inside anything but list, start|null|boolean is not supported.")
        elif not isinstance(arg, (str, int, float)) or isinstance(arg, bool):
            raise _bad("Inside anything but list, start|null|boolean is not supported.")


def _check_numeric(arg: Any) -> None:
    if not isinstance(arg, list) or not arg or len(arg) % 2 or len(arg) > 4:
        raise _bad("Value of numeric must be an array.")
    for i in range(0, len(arg), 2):
        op, value = arg[i], arg[i + 1]
        if op not in _NUMERIC_OPS:
            raise _bad(f"Unrecognized numeric range operator: {op}")
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise _bad(f"Value of {op} must be numeric")
    if len(arg) == 4:
        lower, upper = arg[0], arg[2]
        if lower not in (">", ">=") or upper not in ("<", "<=") or arg[1] >= arg[3]:
            raise _bad("Bottom must be less than top")


# -- matching -----------------------------------------------------------------------------------


def attribute_values(attributes: dict[str, dict[str, Any]]) -> dict[str, list[Any]]:
    """Message attributes as lists of comparable values (String.Array expands, Binary none)."""
    out: dict[str, list[Any]] = {}
    for name, attr in (attributes or {}).items():
        dtype = str(attr.get("DataType", "String"))
        if dtype.startswith("Binary"):
            out[name] = []
            continue
        value = attr.get("StringValue")
        if dtype.startswith("String.Array"):
            try:
                items = json.loads(value)
            except (TypeError, ValueError):
                items = []
            out[name] = items if isinstance(items, list) else []
        elif dtype.startswith("Number"):
            out[name] = [_num(value)]
        else:
            out[name] = [value]
    return out


def _num(value: Any) -> Any:
    try:
        n = float(value)
    except (TypeError, ValueError):
        return value
    return int(n) if n.is_integer() else n


def matches(policy: dict[str, Any], attributes: dict[str, dict[str, Any]] | None = None, *,
            body: Any = MISSING, scope: str = "MessageAttributes") -> bool:
    """True when the message passes the policy (attributes, or the JSON body by scope)."""
    if scope == "MessageBody":
        return _match_object(policy, body if isinstance(body, dict) else {})
    values = attribute_values(attributes or {})
    flat: dict[str, Any] = {k: v for k, v in values.items()}
    return _match_flat(policy, flat)


def _match_flat(policy: dict[str, Any], values: dict[str, list[Any]]) -> bool:
    for key, conditions in policy.items():
        if key == "$or":
            if not any(_match_flat(sub, values) for sub in conditions):
                return False
            continue
        present = key in values
        if not _any_condition(conditions, values.get(key, []), present):
            return False
    return True


def _match_object(policy: dict[str, Any], body: dict[str, Any]) -> bool:
    for key, conditions in policy.items():
        if key == "$or":
            if not any(_match_object(sub, body) for sub in conditions):
                return False
            continue
        value = body.get(key, MISSING) if isinstance(body, dict) else MISSING
        if isinstance(conditions, dict):
            if isinstance(value, list):
                if not any(_match_object(conditions, v) for v in value if isinstance(v, dict)):
                    return False
            elif not _match_object(conditions, value if isinstance(value, dict) else {}):
                return False
            continue
        present = value is not MISSING
        items = value if isinstance(value, list) else ([] if not present else [value])
        if not _any_condition(conditions, items, present):
            return False
    return True


def _any_condition(conditions: list[Any], values: list[Any], present: bool) -> bool:
    for condition in conditions:
        if isinstance(condition, dict) and "exists" in condition:
            if condition["exists"] == present:
                return True
            continue
        if isinstance(condition, dict) and "anything-but" in condition:
            if present and values and all(not _excluded(condition["anything-but"], v)
                                          for v in values):
                return True
            continue
        if any(_one(condition, v) for v in values):
            return True
    return False


def _excluded(arg: Any, value: Any) -> bool:
    if isinstance(arg, dict):
        (op, text), = arg.items()
        return _one({op: text}, value)
    return any(_one(a, value) for a in (arg if isinstance(arg, list) else [arg]))


def _one(condition: Any, value: Any) -> bool:
    if condition is None:
        return value is None
    if isinstance(condition, bool):
        return value is condition
    if isinstance(condition, (int, float)):
        number = _num(value) if isinstance(value, str) else value
        return isinstance(number, (int, float)) and not isinstance(number, bool) \
            and float(number) == float(condition)
    if isinstance(condition, str):
        return isinstance(value, str) and value == condition
    (op, arg), = condition.items()
    if op in ("prefix", "suffix", "equals-ignore-case", "cidr") and not isinstance(value, str):
        return False
    if op == "prefix":
        return bool(value.startswith(arg))
    if op == "suffix":
        return bool(value.endswith(arg))
    if op == "equals-ignore-case":
        return bool(value.lower() == arg.lower())
    if op == "cidr":
        try:
            return ipaddress.ip_address(value) in ipaddress.ip_network(arg, strict=False)
        except ValueError:
            return False
    if op == "numeric":
        number = _num(value) if isinstance(value, str) else value
        if not isinstance(number, (int, float)) or isinstance(number, bool):
            return False
        for i in range(0, len(arg), 2):
            o, bound = arg[i], arg[i + 1]
            ok = {"<": number < bound, "<=": number <= bound, "=": number == bound,
                  ">": number > bound, ">=": number >= bound}[o]
            if not ok:
                return False
        return True
    return False
