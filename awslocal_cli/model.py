"""The trimmed AWS service models in awslocal_cli/models/ (generated from botocore).

They name operations, members, shapes, errors and paginators. botocore itself is never
imported at run time; tools/gen_models.py regenerates these files. This module sits on the
start-up path of every command, so it imports only json and os.
"""

from __future__ import annotations

import json
import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MODELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models")
SERVICES = ("kms", "sqs", "sns", "sts", "cloudtrail")
_loaded: dict[str, dict[str, Any]] = {}


def load(service: str) -> dict[str, Any]:
    """The model of one service, read once per process."""
    model = _loaded.get(service)
    if model is None:
        with open(os.path.join(MODELS, f"{service}.json"), encoding="utf-8") as f:
            model = _loaded[service] = json.load(f)
    return model


def snake_case(name: str) -> str:
    """`GetCallerIdentity` -> `get_caller_identity` (botocore's xform_name)."""
    return kebab_case(name).replace("-", "_")


def _is_upper(c: str) -> bool:
    return "A" <= c <= "Z"


def _is_lower_or_digit(c: str) -> bool:
    return "a" <= c <= "z" or "0" <= c <= "9"


def kebab_case(name: str) -> str:
    """`GetCallerIdentity` -> `get-caller-identity`, as the AWS CLI names commands and options.

    The rules of botocore's xform_name, written without regular expressions (importing `re`
    costs start-up time): a trailing plural acronym (`...ARNs`) splits off whole; a capital
    followed by lower-case letters starts a word; a capital after a lower-case letter or digit
    starts a word.
    """
    if "-" in name:
        return name
    # Special case: two or more capitals then a final `s` (ARNs, ACLs).
    n = len(name)
    if n >= 3 and name[-1] == "s":
        j = n - 1
        while j > 0 and _is_upper(name[j - 1]):
            j -= 1
        if n - 1 - j >= 2:
            name = f"{name[:j]}-{name[j:].lower()}"
    # (.)([A-Z][a-z]+) -> \1-\2, scanning left to right without overlaps.
    out: list[str] = []
    i = 0
    n = len(name)
    while i < n:
        c = name[i]
        if i > 0 and _is_upper(c) and i + 1 < n and "a" <= name[i + 1] <= "z" and (
            not out or out[-1] != "-"
        ):
            out.append("-")
        out.append(c)
        i += 1
    s1 = "".join(out)
    # ([a-z0-9])([A-Z]) -> \1-\2
    out = []
    for i, c in enumerate(s1):
        if i > 0 and _is_upper(c) and _is_lower_or_digit(s1[i - 1]):
            out.append("-")
        out.append(c)
    return "".join(out).lower()


def operation_names(service: str) -> dict[str, str]:
    """CLI command name -> API operation name."""
    return {kebab_case(op): op for op in load(service)["operations"]}


def error_shape(service: str, name: str) -> dict[str, Any] | None:
    shape = load(service)["shapes"].get(name)
    return shape if shape and shape.get("exception") else None
