"""The trimmed AWS service models in awslocal_cli/models/ (generated from botocore).

They name operations, members, shapes, errors and paginators. botocore itself is never
imported at run time; tools/gen_models.py regenerates these files. This module sits on the
start-up path of every command, so it imports nothing else (the models are Python
literals, loaded from their compiled form without json).
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SERVICES = ("kms", "sqs", "sns", "sts", "cloudtrail")
_loaded: dict[str, dict[str, Any]] = {}


def load(service: str) -> dict[str, Any]:
    """The model of one service, read once per process."""
    model = _loaded.get(service)
    if model is None:
        model = _loaded[service] = importlib.import_module(f"awslocal_cli.models.{service}").MODEL
    return model


_snake: dict[str, str] = {}


def snake_case(name: str) -> str:
    """`GetCallerIdentity` -> `get_caller_identity` (botocore's xform_name); remembered, since
    a server asks for every request's operation."""
    known = _snake.get(name)
    if known is None:
        known = kebab_case(name).replace("-", "_")
        if len(_snake) < 4096:
            _snake[name] = known
    return known


def _is_upper(c: str) -> bool:
    return "A" <= c <= "Z"


def _is_lower(c: str) -> bool:
    return "a" <= c <= "z"


def kebab_case(member_name: str) -> str:
    """`QueueUrl` -> `queue-url`, `SSEKMSKeyId` -> `ssekms-key-id`: the AWS CLI's names.

    Commands and options are named this way; `re` is not used because it costs start-up time.

    botocore's xform_name(name, '-'), step by step, without regular expressions:
    1. a name that already holds `-` is returned unchanged;
    2. a trailing run of two or more capitals plus `s` splits off whole (`ARNs` -> `-arns`);
    3. a capital followed by lower-case letters starts a word, unless the character before
       it was itself taken by the previous such word (the regex `(.)([A-Z][a-z]+)`);
    4. a capital after a lower-case letter or digit starts a word (`([a-z0-9])([A-Z])`);
    5. everything is lower-cased.
    """
    sep = "-"
    if sep in member_name:
        return member_name
    name = member_name
    n = len(name)
    if n >= 3 and name[-1] == "s":
        start = n - 1
        while start > 0 and _is_upper(name[start - 1]):
            start -= 1
        if n - 1 - start >= 2:
            name = f"{name[:start]}{sep}{name[start:].lower()}"
    # Step 3: non-overlapping matches of (.)([A-Z][a-z]+), left to right.
    out: list[str] = []
    i, n = 0, len(name)
    while i < n:
        if name[i] != "\n" and i + 2 < n and _is_upper(name[i + 1]) and _is_lower(name[i + 2]):
            j = i + 3
            while j < n and _is_lower(name[j]):
                j += 1
            out.append(f"{name[i]}{sep}{name[i + 1 : j]}")
            i = j
        else:
            out.append(name[i])
            i += 1
    step3 = "".join(out)
    # Step 4: ([a-z0-9])([A-Z]); matches cannot overlap, so every such pair splits.
    out = []
    for k, c in enumerate(step3):
        if k and _is_upper(c) and (_is_lower(step3[k - 1]) or "0" <= step3[k - 1] <= "9"):
            out.append(sep)
        out.append(c)
    return "".join(out).lower()


def operation_names(service: str) -> dict[str, str]:
    """CLI command name -> API operation name."""
    return {kebab_case(op): op for op in load(service)["operations"]}
