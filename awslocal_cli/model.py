"""The trimmed AWS service models in awslocal_cli/models/ (generated from botocore).

They name operations, members, shapes, errors and paginators. botocore itself is never
imported at run time; tools/gen_models.py regenerates these files.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

MODELS = Path(__file__).resolve().parent / "models"
SERVICES = ("kms", "sqs", "sns", "sts", "cloudtrail")


@functools.lru_cache(maxsize=None)
def load(service: str) -> dict[str, Any]:
    with open(MODELS / f"{service}.json", encoding="utf-8") as f:
        return json.load(f)


def snake_case(operation: str) -> str:
    """`GetCallerIdentity` -> `get_caller_identity` (botocore's xform_name)."""
    return kebab_case(operation).replace("-", "_")


_FIRST = re.compile(r"(.)([A-Z][a-z]+)")
_END = re.compile(r"([a-z0-9])([A-Z])")
_SPECIAL = re.compile(r"[A-Z]{3,}s$")


def kebab_case(name: str) -> str:
    """`GetCallerIdentity` -> `get-caller-identity`, as the AWS CLI names commands and options."""
    if "-" in name:
        return name.lower()
    special = _SPECIAL.search(name)
    if special:
        # Plural acronyms (ARNs, ACLs) become -arns, -acls (botocore's rule).
        name = f"{name[: -len(special.group())]}-{special.group().lower()}"
    s1 = _FIRST.sub(r"\1-\2", name)
    return _END.sub(r"\1-\2", s1).lower()


def operation_names(service: str) -> dict[str, str]:
    """CLI command name -> API operation name."""
    return {kebab_case(op): op for op in load(service)["operations"]}


def error_shape(service: str, name: str) -> dict[str, Any] | None:
    shape = load(service)["shapes"].get(name)
    return shape if shape and shape.get("exception") else None
