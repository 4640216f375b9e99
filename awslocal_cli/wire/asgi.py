"""`awslocal serve`'s ASGI application: the WSGI App on a pool of threads, long polls parked.

Every request runs the WSGI application (awslocal_cli.wire.wsgi.App, the one request entry
point) on one of `threads` worker threads, each using an open store of the StorePool. A
ReceiveMessage that would wait is handed back unanswered (`environ["awslocal.parked"]`) and
waits in the WaitingRoom on the event loop, holding no thread, until a commit may have given
it a message, its wait runs out, or the server stops; then it runs again with its original
deadline. So a thousand waiting consumers cost a thousand futures, not a thousand threads,
and a SendMessage behind them waits for nobody.

The response's deferred work (SNS's HTTP deliveries: the WSGI iterable's `close()`) runs after
the response is sent, as a WSGI server runs it, on a pool of its own.
"""

from __future__ import annotations

import asyncio
import io
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from concurrent.futures import Executor
    from typing import Any

    from awslocal_cli.wire.waiting import WaitingRoom
    from awslocal_cli.wire.wsgi import App

    Receive = Callable[[], Awaitable[dict[str, Any]]]
    Send = Callable[[dict[str, Any]], Awaitable[None]]

_UNPREFIXED = {b"content-type": "CONTENT_TYPE", b"content-length": "CONTENT_LENGTH"}


def environ_of(scope: dict[str, Any], body: bytes) -> dict[str, Any]:
    """The WSGI environ (PEP 3333) of an ASGI HTTP request whose body has been read."""
    server = scope.get("server") or ("localhost", 80)
    client = scope.get("client") or ("", 0)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": scope.get("root_path", ""),
        # PEP 3333: the decoded path as latin-1 characters of its UTF-8 bytes, as waitress does.
        "PATH_INFO": scope["path"].encode("utf-8").decode("latin-1"),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1]) if server[1] is not None else "",
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "REMOTE_ADDR": client[0],
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in scope.get("headers", []):
        text = value.decode("latin-1")
        key = _UNPREFIXED.get(name) or "HTTP_" + name.decode("latin-1").upper().replace("-", "_")
        if key in environ and key.startswith("HTTP_"):
            environ[key] += "," + text
        else:
            environ[key] = text
    environ["CONTENT_LENGTH"] = str(len(body))
    return environ


class _Result:
    __slots__ = ("body", "close", "headers", "parked", "status")

    def __init__(self) -> None:
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.body = b""
        self.close: Callable[[], None] | None = None
        self.parked: Any = None


class AsgiApp:
    """The ASGI 3 application of `awslocal serve` over a WSGI App and a WaitingRoom."""

    def __init__(self, app: App, pool: Executor, waiting: WaitingRoom,
                 after_pool: Executor | None = None) -> None:
        self.app = app
        self.pool = pool
        self.waiting = waiting
        # Deferred work (SNS's HTTP deliveries wait up to 30 s for an endpoint) runs on threads
        # of its own, so slow endpoints never take the threads that answer requests.
        self.after_pool = after_pool or pool

    def _call(self, environ: dict[str, Any]) -> _Result:
        result = _Result()

        def start_response(status: str, headers: list[tuple[str, str]],
                           exc_info: object = None) -> Callable[[bytes], None]:
            result.status = int(status.split(" ", 1)[0])
            result.headers = [(k.lower().encode("latin-1"), v.encode("latin-1"))
                              for k, v in headers]
            return lambda data: None

        body = self.app(environ, start_response)
        result.parked = environ.get("awslocal.parked")
        result.body = b"".join(body)
        result.close = getattr(body, "close", None)
        return result

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        chunks = []
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        base = environ_of(scope, body)
        loop = asyncio.get_running_loop()
        waiting = self.waiting
        deadline = None
        woken_key = None
        while True:
            environ = dict(base)
            environ["wsgi.input"] = io.BytesIO(body)
            if waiting.closed:
                # Stopping: a parked receive answers now, with what there is.
                environ["awslocal.wait_deadline"] = time.monotonic()
            else:
                environ["awslocal.can_park"] = True
                environ["awslocal.wait_deadline"] = deadline
            seq = waiting.seq
            try:
                result = await loop.run_in_executor(self.pool, self._call, environ)
            finally:
                if woken_key is not None:
                    waiting.back(woken_key, True)
                    woken_key = None
            waiting.poke()  # what this request committed may be what a parked one awaits
            parked = result.parked
            if parked is None:
                break
            deadline = parked.deadline
            outcome = await waiting.wait(parked, seq, receive)
            if outcome == "gone":
                return  # nothing was received for it: nothing to give back
            if outcome == "woken":
                woken_key = parked.key
        await send({"type": "http.response.start", "status": result.status,
                    "headers": result.headers})
        await send({"type": "http.response.body", "body": result.body})
        if result.close is not None:
            await loop.run_in_executor(self.after_pool, result.close)
