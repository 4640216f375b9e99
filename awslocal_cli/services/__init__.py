"""The behaviour of each service: plain Python in, API-shaped dicts out.

Conventions every service module follows (tests and a future server rely on them):

- One function per API operation, named as botocore names it in Python
  (`GetCallerIdentity` -> `get_caller_identity`), taking the Context first and then the
  request's members as keyword arguments with their API names: `encrypt(ctx, KeyId=...,
  Plaintext=b"...")`. Absent members are simply not passed.
- Values in and out are plain Python: str, int, float, bool, list, dict; `bytes` for blobs
  (already decoded from base64); timezone-aware `datetime` for timestamps. Responses are dicts
  with the members in the API's order; members AWS would omit are omitted.
- Every failure raises an `awslocal_cli.errors.AwsError` subclass with AWS's code and message.
  Validation happens here, not in the CLI, so every caller gets it.
- No click, no printing. Heavy imports (cryptography) are made inside the functions that need
  them, so a command that needs none starts fast.
- State goes through `ctx.db` (one write transaction per invocation, opened on first use) and
  the query modules in `awslocal_cli.store`; time comes from `ctx.now()` / `ctx.time()`.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any


def lazy_face(
    package: str, namespace: dict[str, Any], homes: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The `__getattr__` and `__dir__` of a service's face whose names live in the modules
    beside it, each module imported on first use of one of its names (start-up time is part
    of the interface: a command loads what it runs). `homes` maps a name to its module in
    `package`; once imported, the name is kept in the face's `namespace` (its globals()), so
    the next use is a plain lookup. In a face:

        __getattr__, __dir__ = lazy_face(__name__, globals(), _HOMES)
    """

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        import importlib

        value = getattr(importlib.import_module(f"{package}.{home}"), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(homes))

    return __getattr__, __dir__
