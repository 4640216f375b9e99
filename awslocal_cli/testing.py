"""`mock_aws`: moto's decorator and context manager, answered by awslocal. Change one import:

    from awslocal_cli.testing import mock_aws      # was: from moto import mock_aws

    @mock_aws
    def test_orders():
        sqs = boto3.client("sqs", region_name="us-east-1")
        url = sqs.create_queue(QueueName="orders")["QueueUrl"]

While a `mock_aws` is active, every botocore session (boto3.client, boto3.resource,
boto3.Session, botocore.session.get_session) answers KMS, SQS, SNS and STS in process through
awslocal_cli.sdk's route, from a state directory made fresh for the activation and removed when
it ends; a request to any other service raises ServiceNotCovered. As in moto:
- it decorates functions and classes (each method not starting with `_`; `setUp` and
  `setup_method` start a fresh state that the test method and `teardown_method` then see), and
  works as a context manager and through `start()` / `stop()`; activations nest, and only the
  outermost one starts a fresh state;
- while active, the credentials in the environment are placeholders (`AWS_ACCESS_KEY_ID` is
  `default`, so the caller is `arn:aws:iam::<account>:user/default`) and boto3's default
  session is a new one, so no real account's keys sign a request;
- the region is the client's (`region_name`, `AWS_DEFAULT_REGION`, ...); the account is
  `AWSLOCAL_ACCOUNT_ID`, else `MOTO_ACCOUNT_ID`, else 123456789012, read at each request.
Time is the process clock read at each request, so `freezegun.freeze_time` moves it.

Where AWS and moto differ, awslocal answers as AWS (README: "Coming from moto"); an SNS delivery
that a queue policy refuses issues a DeliveryRefusedWarning. The route is one of botocore's
built-in `before-send` handlers, registered when this module is first imported: a session made
before that import is not routed (moto has the same rule). The CLI never imports this module.
"""

from __future__ import annotations

import atexit
import functools
import inspect
import os
import threading

from botocore.handlers import BUILTIN_HANDLERS

from awslocal_cli.sdk import SECRET_ACCESS_KEY, DeliveryRefusedWarning, InProcessSender

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any, TypeVar

    T = TypeVar("T")

__all__ = ["COVERED_SERVICES", "DeliveryRefusedWarning", "MockAWS", "ServiceNotCovered",
           "mock_aws"]

# botocore's service ids (the `before-send.<id>.<Operation>` event) that awslocal answers.
COVERED_SERVICES = ("kms", "sqs", "sns", "sts")
# The caller while active: the CLI's default profile. The secret is the SDK route's placeholder.
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "default", "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY}
DEFAULT_ACCOUNT = "123456789012"


class ServiceNotCovered(NotImplementedError):
    """A request, while mock_aws is active, to a service awslocal does not answer."""

    def __init__(self, service: str, operation: str) -> None:
        super().__init__(
            f"awslocal_cli.testing.mock_aws answers KMS, SQS, SNS and STS only; this test "
            f"called {service} ({operation}). Mock {service} with moto's mock_aws alongside: "
            "while one is active, awslocal leaves what it does not answer to moto."
        )
        self.service = service
        self.operation = operation


class _Activation:
    """The process-wide state of mock_aws: how deeply nested, and the state directory."""

    lock = threading.RLock()
    depth = 0
    state_dir: str | None = None  # kept after a stop(remove_data=False), as moto keeps its data
    saved_session: Any = None


def _environ() -> dict[str, str]:
    env = dict(os.environ)
    if not env.get("AWSLOCAL_ACCOUNT_ID"):
        env["AWSLOCAL_ACCOUNT_ID"] = env.get("MOTO_ACCOUNT_ID") or DEFAULT_ACCOUNT
    return env


def _route(request: Any, event_name: str = "", **_: Any) -> Any:
    """botocore's `before-send`: while active, the answer from awslocal; else None (AWS)."""
    with _Activation.lock:
        if _Activation.depth == 0 or _Activation.state_dir is None:
            return None
        state_dir = _Activation.state_dir
    parts = event_name.split(".")
    service = parts[1] if len(parts) > 1 else "?"
    if service not in COVERED_SERVICES:
        if _moto_active():
            return None  # moto's own before-send handler answers it
        raise ServiceNotCovered(service, parts[2] if len(parts) > 2 else "?")
    sender = InProcessSender(state_dir, environ=_environ(), warn_refusals=True)
    return sender(request)


def _moto_active() -> bool:
    import sys

    models = sys.modules.get("moto.core.models")
    mock = getattr(models, "MockAWS", None)
    return bool(getattr(mock, "_nested_count", 0))


BUILTIN_HANDLERS.append(("before-send", _route))


def _new_state_dir() -> str:
    import tempfile

    return tempfile.mkdtemp(prefix="awslocal-mock-")  # 0700, as a state directory must be


@atexit.register
def _remove_state_dir() -> None:
    if _Activation.state_dir is not None:
        import shutil

        shutil.rmtree(_Activation.state_dir, ignore_errors=True)
        _Activation.state_dir = None


class MockAWS:
    """One `mock_aws`: a decorator, a context manager, and start()/stop(), as moto's MockAWS."""

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        # moto's `config`: of its `core` section, mock_credentials and reset_boto3_session
        # apply here; the other sections configure services awslocal does not emulate.
        core = dict((config or {}).get("core", {}))
        self._mock_credentials = bool(core.get("mock_credentials", True))
        self._reset_boto3_session = bool(core.get("reset_boto3_session", True))
        self._saved_env: list[dict[str, str | None]] = []

    @property
    def state_dir(self) -> str | None:
        """The active (or kept) state directory: `awslocal --state-dir DIR` shows what is in it."""
        return _Activation.state_dir

    def __call__(self, func: T, reset: bool = True, remove_data: bool = True) -> T:
        if inspect.isclass(func):
            return self._decorate_class(func)  # type: ignore[no-any-return]
        return self._decorate_callable(func, reset, remove_data)  # type: ignore[arg-type]

    def __enter__(self) -> MockAWS:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def start(self, reset: bool = True) -> None:
        """Activate; the outermost activation starts a fresh state unless `reset` is False."""
        with _Activation.lock:
            if self._mock_credentials:
                self._saved_env.append({k: os.environ.get(k) for k in FAKE_CREDENTIALS})
                os.environ.update(FAKE_CREDENTIALS)
            _Activation.depth += 1
            if _Activation.depth == 1:
                if self._reset_boto3_session:
                    import boto3

                    _Activation.saved_session = (True, boto3.DEFAULT_SESSION)
                    boto3.DEFAULT_SESSION = None
                else:
                    _Activation.saved_session = None
                if reset or _Activation.state_dir is None:
                    _remove_state_dir()
                    _Activation.state_dir = _new_state_dir()

    def stop(self, remove_data: bool = True) -> None:
        """Deactivate; the outermost stop removes the state unless `remove_data` is False."""
        with _Activation.lock:
            if _Activation.depth == 0:
                raise RuntimeError("Called stop() before start().")
            _Activation.depth -= 1
            if self._mock_credentials and self._saved_env:
                for name, value in self._saved_env.pop().items():
                    if value is None:
                        os.environ.pop(name, None)
                    else:
                        os.environ[name] = value
            if _Activation.depth == 0:
                if _Activation.saved_session is not None:
                    import boto3

                    boto3.DEFAULT_SESSION = _Activation.saved_session[1]
                    _Activation.saved_session = None
                if remove_data:
                    _remove_state_dir()

    def _decorate_callable(self, func: Callable[..., Any], reset: bool,
                           remove_data: bool) -> Callable[..., Any]:
        if inspect.iscoroutinefunction(func):
            @functools.wraps(func)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                self.start(reset=reset)
                try:
                    return await func(*args, **kwargs)
                finally:
                    self.stop(remove_data=remove_data)

            return run_async

        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            self.start(reset=reset)
            try:
                return func(*args, **kwargs)
            finally:
                self.stop(remove_data=remove_data)

        return run

    def _decorate_class(self, klass: type) -> type:
        """Each public method of the class runs inside the mock, with moto's state rules.

        With a `setUp` (unittest) or `setup_method` / `setup` (pytest) anywhere in the class's
        own hierarchy, that method starts a fresh state and the test and teardown methods keep
        it; without one, each test method starts a fresh state and removes it at the end.
        """
        import unittest

        own = [c for c in klass.__mro__ if c not in (unittest.TestCase, object)]
        inherited = {name for c in own for name in _functions_of(c)}
        has_setup = ("setUp" in inherited and issubclass(klass, unittest.TestCase)) or bool(
            {"setup", "setup_method"} & inherited)
        prefix = unittest.TestLoader.testMethodPrefix
        for name in sorted(_functions_of(klass)):
            if name.startswith("_"):
                continue
            raw = klass.__dict__[name]
            if isinstance(raw, (staticmethod, classmethod)):
                continue
            if name in ("setUp", "setup_method"):
                reset, remove_data = True, False
            elif name.startswith(prefix) and not has_setup:
                reset, remove_data = True, True
            else:
                reset, remove_data = False, False
            setattr(klass, name, self._decorate_callable(raw, reset, remove_data))
        for name, value in list(vars(klass).items()):
            if inspect.isclass(value) and not name.startswith("_"):
                self._decorate_class(value)  # a nested test class, as moto decorates it
        return klass


def _functions_of(klass: type) -> set[str]:
    return {name for name, value in vars(klass).items()
            if inspect.isfunction(value) or isinstance(value, (staticmethod, classmethod))}


def mock_aws(func: Any = None, config: Mapping[str, Any] | None = None) -> Any:
    """`@mock_aws`, `@mock_aws()`, `with mock_aws():` and `mock_aws().start()`, as in moto."""
    if func is not None:
        return MockAWS()(func)
    return MockAWS(config)
