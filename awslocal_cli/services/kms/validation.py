"""Request validation: the botocore model's constraints in AWS's words, and the checks of
members every operation shares (grant tokens, DryRun, Recipient)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping

from awslocal_cli.errors import kms as err
from awslocal_cli.services.kms.names import _camel

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; annotations only
    from typing import Any

_REDACTED = "*** Sensitive Data Redacted ***"
_SECRET_PATHS = {"keyStorePassword", "rawSecretAccessKey", "plaintext", "trustAnchorCertificate"}


@functools.cache
def _model() -> dict[str, Any]:
    from awslocal_cli import model

    return model.load("kms")


# Shape type -> (the Python types a value of it may have, the noun of AWS's "Member must be ...").
_KINDS: dict[str, tuple[tuple[type, ...], str]] = {
    "string": ((str,), "a string"),
    "integer": ((int,), "an integer"),
    "long": ((int,), "an integer"),
    "blob": ((bytes, bytearray), "binary"),
    "boolean": ((bool,), "a boolean"),
    "list": ((list, tuple), "a list"),
    "map": ((Mapping,), "a map"),
    "structure": ((Mapping,), "a structure"),
}


def _check_value(shape_name: str, value: Any, path: str, problems: list[str]) -> None:
    """Append AWS's wording for each model constraint the value (and what it holds) breaks."""
    shape = _model()["shapes"][shape_name]
    kind = shape["type"]
    if kind not in _KINDS:
        return
    shown = _shown(shape, kind, value, path)
    types, noun = _KINDS[kind]
    if not isinstance(value, types) or (kind in ("integer", "long") and isinstance(value, bool)):
        problems.append(_violation(shown, path, f"must be {noun}"))
        return
    rule = _constraint_broken(shape, kind, value)
    if rule is not None:
        problems.append(_violation(shown, path, rule))
    _check_contents(shape_name, kind, value, path, problems)


def _shown(shape: Mapping[str, Any], kind: str, value: Any, path: str) -> Any:
    """How an error message echoes a value: never a blob (it may be plaintext), nor a secret."""
    if kind == "blob":
        return None
    if kind == "string" and (shape.get("sensitive")
                             or path.rsplit(".", 1)[-1] in _SECRET_PATHS):
        return _REDACTED
    return value


def _violation(shown: Any, path: str, rule: str) -> str:
    value = "Value" if shown is None else f"Value '{shown}'"
    return f"{value} at '{path}' failed to satisfy constraint: Member {rule}"


def _constraint_broken(shape: Mapping[str, Any], kind: str, value: Any) -> str | None:
    """The first of the shape's min/max/enum/pattern constraints that the value breaks."""
    if kind in ("integer", "long"):
        return _bound_broken(shape, value, "value")
    if kind in ("blob", "list"):
        return _bound_broken(shape, len(value), "length")
    if kind != "string":
        return None
    rule = _bound_broken(shape, len(value), "length")
    if rule is None and "enum" in shape and value not in shape["enum"]:
        rule = f"must satisfy enum value set: [{', '.join(shape['enum'])}]"
    if rule is None and "pattern" in shape and not _matches(shape["pattern"], value):
        rule = f"must satisfy regular expression pattern: {shape['pattern']}"
    return rule


def _bound_broken(shape: Mapping[str, Any], measure: int, what: str) -> str | None:
    if "min" in shape and measure < shape["min"]:
        return f"must have {what} greater than or equal to {shape['min']}"
    if "max" in shape and measure > shape["max"]:
        return f"must have {what} less than or equal to {shape['max']}"
    return None


def _matches(pattern: str, value: str) -> bool:
    try:
        return re.fullmatch(pattern, value) is not None
    except re.error:  # pragma: no cover - a pattern Python cannot read
        return True


def _check_contents(shape_name: str, kind: str, value: Any, path: str,
                    problems: list[str]) -> None:
    """Check the members of a list, map or structure against their own shapes."""
    shape = _model()["shapes"][shape_name]
    if kind == "list":
        for i, item in enumerate(value):
            _check_value(shape["member"]["shape"], item, f"{path}.{i + 1}.member", problems)
    elif kind == "map":
        for k, v in value.items():
            _check_value(shape["key"]["shape"], k, f"{path}.key", problems)
            _check_value(shape["value"]["shape"], v, f"{path}.value", problems)
    elif kind == "structure":
        _check_structure(shape_name, value, path + ".", problems)


def _check_structure(shape_name: str, value: Mapping[str, Any], prefix: str,
                     problems: list[str]) -> None:
    shape = _model()["shapes"][shape_name]
    members = shape.get("members", {})
    for name in value:
        if name not in members:
            problems.append(f"Unknown parameter '{prefix}{name}'")
    for name in shape.get("required", []):
        if value.get(name) is None:
            problems.append(f"Value null at '{prefix}{_camel(name)}' failed to satisfy "
                            "constraint: Member must not be null")
    for name, member in members.items():
        if value.get(name) is not None:
            _check_value(member["shape"], value[name], f"{prefix}{_camel(name)}", problems)


def _validate(operation: str, request: Mapping[str, Any]) -> None:
    """ValidationException in AWS's words for what the model's constraints reject."""
    op = _model()["operations"][operation]
    problems: list[str] = []
    if "input" in op:
        _check_structure(op["input"]["shape"], request, "", problems)
    elif request:
        problems.extend(f"Unknown parameter '{k}'" for k in request)
    if problems:
        n = len(problems)
        raise err.ValidationException(
            f"{n} validation error{'s' if n > 1 else ''} detected: " + "; ".join(problems))


def _check_grant_tokens(tokens: Iterable[str] | None) -> None:
    for token in tokens or ():
        if not token or len(token) > 8192:
            raise err.InvalidGrantTokenException("Grant token is not valid.")


def _dry_run(flag: bool | None) -> None:
    if flag:
        raise err.DryRunOperationException(
            "The request would have succeeded, but the DryRun option is set.")


def _no_recipient(recipient: Any) -> None:
    if recipient:
        raise err.UnsupportedOperationException(
            "Recipient (AWS Nitro Enclaves attestation) is not supported by awslocal.")
