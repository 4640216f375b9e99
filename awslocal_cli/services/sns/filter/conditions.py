"""SNS filter policies: one compiled condition (compiler.py) held against the values of its
key: exact strings and numbers (numbers as SNS quantizes them), prefix, suffix,
equals-ignore-case (Java's case folding), anything-but, numeric ranges, exists and cidr."""

from __future__ import annotations

from awslocal_cli.services.sns.filter.compiler import _ip, _quantize

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; annotations only
    from typing import Any


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
