"""The one way a request reaches a service, whichever front door it came through.

The CLI, the wire layer (`awslocal serve`, the in-process boto3 route) and the tests all run a
request the same way: the service function inside one transaction of the invocation's Session
(commit on success, roll back on an AwsError, audit events kept either way), then the service's
`after_operation` hook in that same transaction (SNS attempts the HTTP requests that fell due),
and, once the front door has answered, the deferred work (`finish`), each piece committed on
its own.

This module knows no front door: no click, no HTTP, no botocore.
"""

from __future__ import annotations

import importlib
import os

from awslocal_cli.errors import AwsError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from types import ModuleType
    from typing import Any

    from awslocal_cli.clock import Clock
    from awslocal_cli.context import Context, Session
    from awslocal_cli.store import StorePool

    Runner = Callable[[Callable[..., dict[str, Any]], Context, dict[str, Any]], dict[str, Any]]

SERVICES_PACKAGE = "awslocal_cli.services"


def open_context(
    *,
    region: str | None = None,
    profile: str | None = None,
    state_dir: str | None = None,
    environ: Mapping[str, str] | None = None,
    clock: Clock | None = None,
    stores: StorePool | None = None,
) -> Context:
    """The Context a front door opens for one invocation (`Context.from_options`), with
    AWSLOCAL_SEED handed in to the session's store-creation step: the seed is applied, in a
    transaction of its own, by whichever invocation creates the state (state/README.md)."""
    from awslocal_cli.context import Context

    context = Context.from_options(
        region=region, profile=profile, state_dir=state_dir, environ=environ, clock=clock,
        stores=stores,
    )
    seed = (os.environ if environ is None else environ).get("AWSLOCAL_SEED")
    if seed:
        context.session.on_create = _first_seed(str(seed), context.region, context.account)
    return context


def _first_seed(path: str, region: str, account: str) -> Callable[[Session], None]:
    """Apply the seed at `path` to a session's new state, in the invocation's region and
    account (awslocal_cli/portable/seed.py)."""

    def apply(session: Session) -> None:
        from awslocal_cli.context import Context
        from awslocal_cli.portable.seed import apply_first_seed

        apply_first_seed(Context(session, region=region, account=account), path)

    return apply


def service_module(service: str) -> ModuleType | None:
    """`awslocal_cli.services.<service>`, the service's face, or None if there is none."""
    name = f"{SERVICES_PACKAGE}.{service}"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return None
        raise


def operation_function(service: str, operation: str) -> Callable[..., dict[str, Any]] | None:
    """The service function for an API operation (`SendMessage` -> `sqs.send_message`)."""
    from awslocal_cli.model import snake_case

    module = service_module(service)
    function = getattr(module, snake_case(operation), None) if module is not None else None
    return function if callable(function) else None


def call(
    context: Context,
    service: str,
    operation: str,
    request: dict[str, Any],
    *,
    runner: Runner | None = None,
) -> dict[str, Any]:
    """Run one operation as one invocation and return its response (the transaction is over).

    `runner(function, context, request)` replaces the single call, for a front door that makes
    several calls in the one transaction (the CLI's automatic pagination). An AwsError carries
    the operation name out (`exc.operation`), for the front door's error line. The caller runs
    `finish(context)` once it has answered.
    """
    module = service_module(service)
    function = operation_function(service, operation)
    if module is None or function is None:
        raise LookupError(f"{service} has no operation {operation}")
    return _run(context, module, function, request, operation, runner)


def invoke(
    context: Context, function: Callable[..., dict[str, Any]], /, **request: Any
) -> dict[str, Any]:
    """`call` for a service function given directly (tests, benchmarks), deferred work included.

    The service is the package the function lives in (`awslocal_cli.services.sns.topics` ->
    sns), so its `after_operation` hook runs as it does for the same call from the CLI.
    """
    parts = function.__module__.split(".")
    module = None
    if function.__module__.startswith(SERVICES_PACKAGE + ".") and len(parts) > 2:
        module = service_module(parts[2])
    operation = "".join(word.capitalize() for word in function.__name__.split("_"))
    response = _run(context, module, function, request, operation, None)
    finish(context)
    return response


def finish(context: Context) -> None:
    """After the front door answered: run the deferred work (SNS's HTTP requests), if any."""
    if context.session.deferred:
        context.session.run_deferred(context)


def _run(
    context: Context,
    module: ModuleType | None,
    function: Callable[..., dict[str, Any]],
    request: dict[str, Any],
    operation: str,
    runner: Runner | None,
) -> dict[str, Any]:
    try:
        with context.session:
            if runner is None:
                response = function(context, **request)
            else:
                response = runner(function, context, request)
            hook = getattr(module, "after_operation", None)
            if hook is not None and hook is not function:
                hook(context)
    except AwsError as exc:
        exc.operation = operation  # type: ignore[attr-defined]
        raise
    return response
