"""`awslocal serve`: the wire layer over HTTP, on uvicorn, beside the CLI on the same state.

uvicorn (ASGI) runs the event loop; awslocal_cli.wire.asgi hands each request to the WSGI App
on a pool of threads and parks waiting long polls in awslocal_cli.wire.waiting.
"""

from __future__ import annotations

import sys

import click

from awslocal_cli.cli.options import opts_of
from awslocal_cli.errors import ConfigurationError, ParamValidationError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import socket

SETTINGS = {"help_option_names": ["--help"]}
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 4566
# Threads that run requests. A long poll holds none while it waits (it is parked on the event
# loop) and writers take turns anyway (one SQLite write lock), so a few suffice: measured on 2
# cores, 4 threads answered 8 connections faster than 16 (less contention for the GIL).
DEFAULT_THREADS = 4
# Threads for the work after an answer (SNS's HTTP/S deliveries, each up to 30 s).
AFTER_THREADS = 8
BACKLOG = 2048


@click.command("serve", context_settings=SETTINGS)
@click.option("--host", default=DEFAULT_HOST, show_default=True,
              help="Address to listen on (default 127.0.0.1). Only loopback unless you name "
                   "another address "
                   "(0.0.0.0 listens on every interface: whoever reaches it and holds a key "
                   "of your credentials can use the state).")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int,
              help="TCP port to listen on (default 4566; 0: any free port, printed at "
                   "start-up).")
@click.option("--threads", default=DEFAULT_THREADS, show_default=True, type=int,
              help="Requests run at once (default 4), each on a thread with an open "
                   "store; more wait their turn. Waiting long polls (ReceiveMessage with "
                   "WaitTimeSeconds) hold no thread, however many there are.")
@click.option("--verify-signatures/--no-verify-signatures", default=True,
              help="Check each request's SigV4 signature against the secret access keys of "
                   "your credentials (the default). --no-verify-signatures accepts any "
                   "signature, as before: any local user can then act as anyone.")
@click.pass_context
def serve(
    ctx: click.Context, host: str, port: int, threads: int, verify_signatures: bool
) -> None:
    """Serve the state directory over HTTP as AWS's KMS, SQS, SNS and STS endpoints.

    The AWS CLI, SDKs of every language, Terraform and other tools reach the same state that
    `awslocal` commands use, at the same time, through an endpoint URL:

      aws --endpoint-url http://127.0.0.1:4566 sqs list-queues

    Requests are AWS's wire protocols (JSON 1.0/1.1 and query/XML). Each must carry an AWS
    Signature Version 4 (Authorization header or presigned URL) made with a key of your
    credentials: a profile of ~/.aws/credentials (AWS_SHARED_CREDENTIALS_FILE) or
    ~/.aws/config, or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY of the server's environment;
    `awslocal configure --profile NAME` makes one. The profile holding the access key id is
    the caller, as --profile is on the CLI. Signatures dated more than 15 minutes from the
    real time are refused. --no-verify-signatures accepts any signature (the access key id
    still names the caller). Queue URLs in responses use the
    scheme, host and port the client addressed; both those and
    https://sqs.REGION.amazonaws.com/ACCOUNT/NAME are accepted.

    Every request is its own transaction, answered once it is committed; the state stays
    open between requests, and a reset, snapshot restore or import made meanwhile (by any
    process) is seen by the next request. A ReceiveMessage that waits holds no thread: it is
    woken within milliseconds by a send from any client or any `awslocal` process. A
    background worker does the clock-driven work (SNS HTTP/S deliveries and retries, SQS
    message move tasks) every second while the server runs. --state-dir selects the state;
    --region is the region of requests whose credential names none; --region and --profile
    are the region and caller of the background work. --debug logs one line per request to
    stderr. Ctrl-C stops the server (exit code 130), answering waiting long polls at once.

    A read-only web console shows the state at /_awslocal/ on the same port (the second
    start-up line prints its address; `awslocal local console` opens it).

    Example: awslocal serve --port 4566
    """
    opts = opts_of(ctx)
    if not 0 <= port <= 65535:
        raise ParamValidationError(f"--port must be between 0 and 65535, not {port}.")
    if threads < 1:
        raise ParamValidationError(f"--threads must be at least 1, not {threads}.")
    try:
        import uvicorn
    except ImportError:
        from awslocal_cli.install import pip_command

        raise ConfigurationError(
            f"awslocal serve needs uvicorn: {pip_command('serve')}"
        ) from None
    from awslocal_cli.dispatch import open_context
    from awslocal_cli.store import StorePool
    from awslocal_cli.wire.asgi import AsgiApp
    from awslocal_cli.wire.threads import DaemonPool
    from awslocal_cli.wire.waiting import WaitingRoom
    from awslocal_cli.wire.worker import Worker
    from awslocal_cli.wire.wsgi import App

    # Resolve and open the state once up front, so a bad --state-dir or --region fails now
    # with its exit code rather than on every request.
    context = open_context(
        region=opts.region, profile=opts.profile, state_dir=opts.state_dir
    )
    state_dir = context.session.state_dir
    with context.session:
        context.store  # noqa: B018 (opens and migrates the state)
    import os

    environ = dict(os.environ)
    if opts.region:  # for requests whose credential scope names no region
        environ["AWS_REGION"] = opts.region
    if verify_signatures:
        from awslocal_cli.wire.sigv4 import has_owner_keys

        if not has_owner_keys(environ):
            raise ConfigurationError(
                "awslocal serve verifies signatures and you have no credentials to verify "
                "them with: make a local profile first with `awslocal configure` (any key id "
                "and secret, e.g. local and local-secret), or serve --no-verify-signatures."
            )
    else:
        click.echo(
            "awslocal serve: [WARNING]: signatures are not verified (--no-verify-signatures): "
            "anyone who can reach the port can act as any caller, including decrypting "
            "with your KMS keys.", err=True)
    stores = StorePool(state_dir, size=threads + AFTER_THREADS + 2)
    app = App(state_dir, environ=environ, log=sys.stderr if opts.debug else None,
              stores=stores, verify_signatures=verify_signatures)
    sockets = _listen(host, port)
    pool = DaemonPool(threads, name="awslocal-request")
    after_pool = DaemonPool(AFTER_THREADS, name="awslocal-after")
    waiting = WaitingRoom(stores)
    asgi = AsgiApp(app, pool, waiting, after_pool)

    class Server(uvicorn.Server):
        async def shutdown(self, sockets: object = None) -> None:
            waiting.close()  # parked long polls answer now, so shutting down waits for nobody
            await super().shutdown(sockets)  # type: ignore[arg-type]

    config = uvicorn.Config(
        asgi, http=_http_parser(), loop="asyncio", lifespan="off", access_log=False,
        log_config=None, log_level="info" if opts.debug else "warning", server_header=False,
        proxy_headers=False, timeout_keep_alive=60, timeout_graceful_shutdown=5,
        backlog=BACKLOG,
    )
    server = Server(config)
    worker = Worker(state_dir, region=context.region, profile=context.profile, stores=stores)
    urls = ", ".join(
        f"http://{f'[{h}]' if ':' in str(h) else h}:{p}"
        for h, p in (s.getsockname()[:2] for s in sockets))
    click.echo(f"awslocal serve: listening on {urls} (state {state_dir})")
    first = urls.split(", ", 1)[0]
    click.echo(f"awslocal serve: console at {_console_line(first)}")
    sys.stdout.flush()
    listening = [s.getsockname()[:2] for s in sockets]
    exposure = exposure_warning(listening, str(state_dir), verify_signatures=verify_signatures)
    if exposure:
        click.echo(exposure, err=True)
    from awslocal_cli.console import address

    address.record(str(state_dir), first)  # for `awslocal local console`
    _logging(opts.debug)
    previous = _sigterm_interrupts()
    worker.start()
    waiting.start()
    try:
        server.run(sockets=sockets)  # returns (or raises) once Ctrl-C or SIGTERM stopped it
    finally:
        waiting.close()
        worker.stop()
        pool.shutdown()
        after_pool.shutdown()
        for sock in sockets:
            sock.close()
        stores.close()
        address.forget(str(state_dir))
        _restore_sigterm(previous)
    raise KeyboardInterrupt


def exposure_warning(listening: list[tuple[str, int]], state_dir: str, *,
                     verify_signatures: bool) -> str | None:
    """The start-up warning for a server that listens beyond loopback, or None.

    It names the addresses, what they give access to and whether a caller must sign with the
    owner's keys; the console stays answering this machine only."""
    import ipaddress

    exposed = []
    for host, port in listening:
        try:
            if ipaddress.ip_address(str(host).split("%", 1)[0]).is_loopback:
                continue
        except ValueError:  # a name: not known to be loopback
            pass
        wildcard = str(host) in ("0.0.0.0", "::")
        exposed.append(f"{host}:{port}" + (" (every network interface)" if wildcard else ""))
    if not exposed:
        return None
    who = ("any client that signs its requests with a secret access key of your credentials"
           if verify_signatures else
           "anyone (signatures are not verified: any access key id is accepted as a caller)")
    return (f"awslocal: [WARNING]: serve listens beyond this machine, on {', '.join(exposed)}: "
            f"{who} who can reach it from the network can call KMS (decrypt, sign, read key "
            f"policies), SQS and SNS on the state {state_dir}. The console answers this "
            "machine only. Use --host 127.0.0.1 to keep it local.")


def _console_line(url: str) -> str:
    """The console's address, or why it is missing (its templates need jinja2)."""
    import importlib.util

    from awslocal_cli.console import address

    if importlib.util.find_spec("jinja2") is None:
        from awslocal_cli.install import pip_command

        return f"(needs jinja2: {pip_command('serve')})"
    return url + address.PATH
def _http_parser() -> str:
    """httptools (C, fast) when installed, else h11 (pure Python, uvicorn's own dependency)."""
    try:
        import httptools  # noqa: F401
    except ImportError:
        return "h11"
    return "httptools"


def _listen(host: str, port: int) -> list[socket.socket]:
    """Bound sockets for every address `host` names (localhost may be two), one port."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ConfigurationError(f"Cannot listen on {host}:{port}: {exc.strerror or exc}.") \
            from exc
    sockets: list[socket.socket] = []
    seen = set()
    try:
        for family, kind, proto, _, address in infos:
            if address[0] in seen:
                continue
            seen.add(address[0])
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            if sockets[0] is not sock:  # --port 0: the others take the first one's port
                address = (address[0], sockets[0].getsockname()[1], *address[2:])
            sock.bind(address)
            sock.listen(BACKLOG)  # before the start-up line: a client may connect at once
    except OSError as exc:
        for sock in sockets:
            sock.close()
        raise ConfigurationError(f"Cannot listen on {host}:{port}: {exc.strerror or exc}.") \
            from exc
    return sockets


def _logging(debug: bool) -> None:
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("awslocal serve: %(message)s"))
    for name in ("uvicorn", "uvicorn.error"):
        log = logging.getLogger(name)
        log.handlers[:] = [handler]
        log.setLevel(logging.INFO if debug else logging.WARNING)
        log.propagate = False


def _sigterm_interrupts() -> object:
    """SIGTERM stops the server as Ctrl-C does (service managers and test harnesses send it)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, interrupt)


def _restore_sigterm(previous: object) -> None:
    import signal

    if previous is not None:
        signal.signal(signal.SIGTERM, previous)  # type: ignore[arg-type]
