"""The wire layer as a standard WSGI application (PEP 3333), for any WSGI server to host.

    from awslocal_cli.wire.wsgi import App
    app = App(state_dir="./state")          # waitress.serve(app), gunicorn, mod_wsgi, ...

Each request is one `awslocal_cli.wire.handle` call: its own Context and Session, so one
transaction per request. The store connections are kept open across requests (a StorePool:
each request takes an idle one, re-checked with two `stat` calls, and gives it back), so a
request does not pay for opening and checking the state.
The endpoint the client addressed (`wsgi.url_scheme` and the Host header) is handed down, so
queue URLs in responses point back at this server. A response's deferred work (SNS's HTTP
deliveries) runs in the iterable's `close()`, which a server calls once the body is sent.

Paths under /_awslocal/ are the web console's (awslocal_cli.console, its own WSGI application,
mounted in `App.__call__`); everything else is AWS's wire protocols.

This module imports no server library; `awslocal serve` (awslocal_cli.cli.serve) runs it on
uvicorn through awslocal_cli.wire.asgi, which also parks waiting long polls (a plain WSGI
server leaves `awslocal.can_park` unset, so a long poll waits on its thread there).
"""

from __future__ import annotations

import time

from awslocal_cli import console, wire

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping
    from pathlib import Path
    from typing import Any, TextIO

    from awslocal_cli.clock import Clock
    from awslocal_cli.store import StorePool

# CGI names that carry request headers without the HTTP_ prefix (PEP 3333).
_UNPREFIXED = {"CONTENT_TYPE": "content-type", "CONTENT_LENGTH": "content-length"}


def endpoint_of(environ: Mapping[str, Any]) -> str:
    """`scheme://host[:port]` as the client addressed this server (PEP 3333's URL rebuild)."""
    scheme = environ.get("wsgi.url_scheme", "http")
    host = environ.get("HTTP_HOST")
    if not host:
        host = environ.get("SERVER_NAME", "localhost")
        port = str(environ.get("SERVER_PORT", ""))
        if port and port != ("443" if scheme == "https" else "80"):
            host = f"{host}:{port}"
    return f"{scheme}://{host}"


def request_of(environ: Mapping[str, Any]) -> wire.WireRequest:
    """The WireRequest a WSGI environ describes."""
    headers = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers[key[5:].replace("_", "-").lower()] = value
        elif key in _UNPREFIXED and value:
            headers[_UNPREFIXED[key]] = value
    stream = environ.get("wsgi.input")
    length = environ.get("CONTENT_LENGTH") or ""
    body = b""
    if stream is not None:
        if length.isdigit():
            body = stream.read(int(length)) if int(length) else b""
        elif environ.get("wsgi.input_terminated"):
            body = stream.read()  # a chunked body the server has already de-chunked
    # PEP 3333 hands PATH_INFO over as latin-1-decoded bytes; SigV4 clients send it encoded.
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    # The path as the client sent it (waitress and most servers give REQUEST_URI or RAW_URI).
    raw_uri = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    raw_path = raw_uri.split("?", 1)[0] if isinstance(raw_uri, str) and raw_uri else None
    if raw_path is not None and "://" in raw_path:  # an absolute-form request target
        raw_path = "/" + raw_path.split("://", 1)[1].partition("/")[2]
    return wire.WireRequest(
        environ.get("REQUEST_METHOD", "GET"),
        path or "/",
        environ.get("QUERY_STRING", ""),
        headers,
        body,
        endpoint=endpoint_of(environ),
        raw_path=raw_path,
    )


class _Body:
    """The response iterable; `close()` (called by the server after sending) runs `after`."""

    def __init__(self, data: bytes, after: Callable[[], None] | None) -> None:
        self._data = data
        self._after = after

    def __iter__(self) -> Iterator[bytes]:
        yield self._data

    def close(self) -> None:
        after, self._after = self._after, None
        if after is not None:
            after()


def operation_of(request: wire.WireRequest) -> str:
    """`sqs.SendMessage`-style label for the log: the X-Amz-Target, else the query Action."""
    target = request.headers.get("x-amz-target")
    if target:
        return target
    from urllib.parse import parse_qs

    for source in (request.query, request.body[:4096].decode("latin-1")):
        action = parse_qs(source).get("Action")
        if action:
            return action[0]
    return "-"


class App:
    """The WSGI application: every request goes to `awslocal_cli.wire.handle`.

    `log`, when given, gets one line per request (client, method, path, operation, status,
    milliseconds) and the traceback behind any 500 answer. `verify_signatures` (default on)
    checks each request's SigV4 signature against the credentials in `environ` (the owner's
    ~/.aws/credentials, AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE, AWS_ACCESS_KEY_ID...).
    """

    def __init__(
        self,
        state_dir: str | Path | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        clock: Clock | None = None,
        log: TextIO | None = None,
        stores: StorePool | None = None,
        verify_signatures: bool = True,
    ) -> None:
        self.verify_signatures = verify_signatures
        self.state_dir = state_dir
        self.environ = environ
        self.clock = clock
        self.log = log
        if stores is None:
            import os

            from awslocal_cli.store import StorePool, state_dir_path

            stores = StorePool(state_dir_path(
                None if state_dir is None else os.fspath(state_dir),
                os.environ if environ is None else environ))  # type: ignore[arg-type]
        self.stores = stores

        self._console: Callable[..., Any] | None = None

    @property
    def console(self) -> Callable[..., Any]:
        """The console's own WSGI application (awslocal_cli.console), made on first use."""
        if self._console is None:
            self._console = console.ConsoleApp(
                self.state_dir, environ=self.environ, clock=self.clock, log=self.log)
        return self._console

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        from http import HTTPStatus

        if console.mounts(environ.get("PATH_INFO", "")):  # the web console (read-only pages)
            return self.console(environ, start_response)
        started = time.perf_counter()
        request = request_of(environ)
        # A server that parks waiting requests (awslocal serve) says so in the environ; a
        # parked request is handed back to it there, unanswered (awslocal_cli.wire.asgi).
        request.can_park = bool(environ.get("awslocal.can_park"))
        request.wait_deadline = environ.get("awslocal.wait_deadline")
        response = wire.handle(
            request, state_dir=self.stores.path, environ=self.environ, clock=self.clock,
            stores=self.stores, verify_signatures=self.verify_signatures,
        )
        if response.parked is not None:
            environ["awslocal.parked"] = response.parked
            return _Body(b"", None)
        try:
            reason = HTTPStatus(response.status).phrase
        except ValueError:
            reason = "Unknown"
        headers = [(k, v) for k, v in response.headers.items() if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(response.body))))
        start_response(f"{response.status} {reason}", headers)
        if self.log is not None:
            self._log(environ, request, response, started)
        return _Body(response.body, response.after)

    def _log(
        self,
        environ: Mapping[str, Any],
        request: wire.WireRequest,
        response: wire.WireResponse,
        started: float,
    ) -> None:
        assert self.log is not None
        elapsed = (time.perf_counter() - started) * 1000
        line = (
            f"awslocal serve: {environ.get('REMOTE_ADDR', '-')} {request.method} {request.path} "
            f"{operation_of(request)} {response.status} {elapsed:.1f} ms\n"
        )
        if response.exception is not None:
            import traceback

            line += "".join(traceback.format_exception(response.exception))
        try:
            self.log.write(line)
            self.log.flush()
        except (OSError, ValueError):
            pass  # a closed log stream must not fail the request


def app(state_dir: str | Path | None = None, **kwargs: Any) -> App:
    """`App(state_dir, ...)`: the WSGI callable for a server's configuration."""
    return App(state_dir, **kwargs)
