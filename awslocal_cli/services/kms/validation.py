"""Request validation: the botocore model's constraints in AWS's words, and the checks of
members every operation shares (grant tokens, DryRun, Recipient)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any

from awslocal_cli.errors import kms as err
from awslocal_cli.services.kms.names import _camel

_REDACTED = "*** Sensitive Data Redacted ***"
_SECRET_PATHS = {"keyStorePassword", "rawSecretAccessKey", "plaintext", "trustAnchorCertificate"}


@functools.cache
def _model() -> dict[str, Any]:
    from awslocal_cli import model

    return model.load("kms")


def _check_value(shape_name: str, value: Any, path: str, problems: list[str]) -> None:
    shapes = _model()["shapes"]
    shape = shapes[shape_name]
    kind = shape["type"]
    shown = _REDACTED if shape.get("sensitive") or path.rsplit(".", 1)[-1] in _SECRET_PATHS \
        else value
    if kind == "string":
        if not isinstance(value, str):
            problems.append(f"Value '{shown}' at '{path}' failed to satisfy constraint: "
                            "Member must be a string")
            return
        if "min" in shape and len(value) < shape["min"]:
            problems.append(f"Value '{shown}' at '{path}' failed to satisfy constraint: Member "
                            f"must have length greater than or equal to {shape['min']}")
        elif "max" in shape and len(value) > shape["max"]:
            problems.append(f"Value '{shown}' at '{path}' failed to satisfy constraint: Member "
                            f"must have length less than or equal to {shape['max']}")
        elif "enum" in shape and value not in shape["enum"]:
            problems.append(f"Value '{shown}' at '{path}' failed to satisfy constraint: Member "
                            f"must satisfy enum value set: [{', '.join(shape['enum'])}]")
        elif "pattern" in shape:
            try:
                ok = re.fullmatch(shape["pattern"], value) is not None
            except re.error:  # pragma: no cover - a pattern Python cannot read
                ok = True
            if not ok:
                problems.append(f"Value '{shown}' at '{path}' failed to satisfy constraint: "
                                f"Member must satisfy regular expression pattern: "
                                f"{shape['pattern']}")
    elif kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"Value '{value}' at '{path}' failed to satisfy constraint: "
                            "Member must be an integer")
            return
        if "min" in shape and value < shape["min"]:
            problems.append(f"Value '{value}' at '{path}' failed to satisfy constraint: Member "
                            f"must have value greater than or equal to {shape['min']}")
        elif "max" in shape and value > shape["max"]:
            problems.append(f"Value '{value}' at '{path}' failed to satisfy constraint: Member "
                            f"must have value less than or equal to {shape['max']}")
    elif kind == "blob":
        if not isinstance(value, (bytes, bytearray)):
            problems.append(f"Value at '{path}' failed to satisfy constraint: Member must be "
                            "binary")
            return
        # Blob values are never echoed: they may be plaintext.
        if "min" in shape and len(value) < shape["min"]:
            problems.append(f"Value at '{path}' failed to satisfy constraint: Member must have "
                            f"length greater than or equal to {shape['min']}")
        elif "max" in shape and len(value) > shape["max"]:
            problems.append(f"Value at '{path}' failed to satisfy constraint: Member must have "
                            f"length less than or equal to {shape['max']}")
    elif kind == "boolean":
        if not isinstance(value, bool):
            problems.append(f"Value '{value}' at '{path}' failed to satisfy constraint: "
                            "Member must be a boolean")
    elif kind == "list":
        if not isinstance(value, (list, tuple)):
            problems.append(f"Value '{value}' at '{path}' failed to satisfy constraint: "
                            "Member must be a list")
            return
        if "min" in shape and len(value) < shape["min"]:
            problems.append(f"Value '{value}' at '{path}' failed to satisfy constraint: Member "
                            f"must have length greater than or equal to {shape['min']}")
        elif "max" in shape and len(value) > shape["max"]:
            problems.append(f"Value '{value}' at '{path}' failed to satisfy constraint: Member "
                            f"must have length less than or equal to {shape['max']}")
        for i, item in enumerate(value):
            _check_value(shape["member"]["shape"], item, f"{path}.{i + 1}.member", problems)
    elif kind == "map":
        if not isinstance(value, Mapping):
            problems.append(f"Value '{value}' at '{path}' failed to satisfy constraint: "
                            "Member must be a map")
            return
        for k, v in value.items():
            _check_value(shape["key"]["shape"], k, f"{path}.key", problems)
            _check_value(shape["value"]["shape"], v, f"{path}.value", problems)
    elif kind == "structure":
        if not isinstance(value, Mapping):
            problems.append(f"Value '{value}' at '{path}' failed to satisfy constraint: "
                            "Member must be a structure")
            return
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
