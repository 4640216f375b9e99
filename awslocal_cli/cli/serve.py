"""`awslocal serve`: the wire layer over HTTP, on waitress, beside the CLI on the same state."""

from __future__ import annotations

import sys

import click

from awslocal_cli.cli.options import opts_of
from awslocal_cli.errors import ConfigurationError, ParamValidationError

SETTINGS = {"help_option_names": ["--help"]}
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 4566
# Long polls (ReceiveMessage WaitTimeSeconds up to 20 s) each hold a thread while they wait,
# though no lock: enough threads that waiting consumers never starve senders.
DEFAULT_THREADS = 32


@click.command("serve", context_settings=SETTINGS)
@click.option("--host", default=DEFAULT_HOST, show_default=True,
              help="Address to listen on (default 127.0.0.1). Only loopback unless you name "
                   "another address "
                   "(0.0.0.0 listens on every interface: anyone who reaches it can use the "
                   "state, since signatures are not verified).")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int,
              help="TCP port to listen on (default 4566; 0: any free port, printed at "
                   "start-up).")
@click.option("--threads", default=DEFAULT_THREADS, show_default=True, type=int,
              help="Requests served at once (default 32; each long poll holds one while it "
                   "waits).")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, threads: int) -> None:
    """Serve the state directory over HTTP as AWS's KMS, SQS, SNS and STS endpoints.

    The AWS CLI, SDKs of every language, Terraform and other tools reach the same state that
    `awslocal` commands use, at the same time, through an endpoint URL:

      aws --endpoint-url http://127.0.0.1:4566 sqs list-queues

    Requests are AWS's wire protocols (JSON 1.0/1.1 and query/XML). SigV4 signatures are
    parsed, not verified: the access key id names the caller as --profile does (the profile
    of ~/.aws/credentials with that aws_access_key_id, else the key id itself); requests
    without credentials are refused as AWS refuses them. Queue URLs in responses use the
    scheme, host and port the client addressed; both those and
    https://sqs.REGION.amazonaws.com/ACCOUNT/NAME are accepted.

    Every request is its own transaction; a background worker does the clock-driven work
    (SNS HTTP/S deliveries and retries, SQS message move tasks) every second while the
    server runs. --state-dir selects the state; --region is the region of requests whose
    credential names none; --region and --profile are the region and caller of the
    background work. --debug logs one line per request to stderr.

    A read-only web console shows the state at /_awslocal/ on the same port (the second
    start-up line prints its address; `awslocal local console` opens it).
    Ctrl-C stops the server (exit code 130).

    Example: awslocal serve --port 4566
    """
    opts = opts_of(ctx)
    if not 0 <= port <= 65535:
        raise ParamValidationError(f"--port must be between 0 and 65535, not {port}.")
    if threads < 1:
        raise ParamValidationError(f"--threads must be at least 1, not {threads}.")
    try:
        from waitress.server import create_server
    except ImportError:
        from awslocal_cli.install import pip_command

        raise ConfigurationError(
            f"awslocal serve needs waitress: {pip_command('serve')}"
        ) from None
    from awslocal_cli.context import Context
    from awslocal_cli.wire.worker import Worker
    from awslocal_cli.wire.wsgi import App

    # Resolve and open the state once up front, so a bad --state-dir or --region fails now
    # with its exit code rather than on every request.
    context = Context.from_options(
        region=opts.region, profile=opts.profile, state_dir=opts.state_dir
    )
    state_dir = context.session.state_dir
    with context.session:
        context.store  # noqa: B018 (opens and migrates the state)
    environ = None
    if opts.region:  # for requests whose credential scope names no region
        import os

        environ = {**os.environ, "AWS_REGION": opts.region}
    app = App(state_dir, environ=environ, log=sys.stderr if opts.debug else None)
    try:
        server = create_server(
            app, host=host, port=port, threads=threads, ident="awslocal",
            clear_untrusted_proxy_headers=True,
        )
    except OSError as exc:
        raise ConfigurationError(f"Cannot listen on {host}:{port}: {exc.strerror or exc}.") from exc
    worker = Worker(state_dir, region=context.region, profile=context.profile)
    # A name such as localhost may resolve to several addresses: waitress listens on each.
    listening = getattr(server, "effective_listen", None) or [
        (server.effective_host, server.effective_port)]
    urls = ", ".join(
        f"http://{f'[{h}]' if ':' in str(h) else h}:{p}" for h, p in listening)
    click.echo(f"awslocal serve: listening on {urls} (state {state_dir})")
    first = urls.split(", ", 1)[0]
    click.echo(f"awslocal serve: console at {_console_line(first)}")
    sys.stdout.flush()
    exposure = exposure_warning(listening, str(state_dir), verify_signatures=False)
    if exposure:
        click.echo(exposure, err=True)
    from awslocal_cli.console import address

    address.record(str(state_dir), first)  # for `awslocal local console`
    _logging(opts.debug)
    previous = _sigterm_interrupts()
    worker.start()
    try:
        server.run()  # returns once Ctrl-C (or SIGTERM) has closed it
    finally:
        worker.stop()
        server.close()
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


def _logging(debug: bool) -> None:
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("awslocal serve: %(message)s"))
    log = logging.getLogger("waitress")
    log.addHandler(handler)
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
