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
                   "(0.0.0.0 listens on every interface: whoever reaches it and holds a key "
                   "of your credentials can use the state).")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int,
              help="TCP port to listen on (default 4566; 0: any free port, printed at "
                   "start-up).")
@click.option("--threads", default=DEFAULT_THREADS, show_default=True, type=int,
              help="Requests served at once (default 32; each long poll holds one while it "
                   "waits).")
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

    Every request is its own transaction; a background worker does the clock-driven work
    (SNS HTTP/S deliveries and retries, SQS message move tasks) every second while the
    server runs. --state-dir selects the state; --region is the region of requests whose
    credential names none; --region and --profile are the region and caller of the
    background work. --debug logs one line per request to stderr.
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
        raise ConfigurationError(
            "awslocal serve needs waitress: pip install 'awslocal-cli[serve]'"
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
    app = App(state_dir, environ=environ, log=sys.stderr if opts.debug else None,
              verify_signatures=verify_signatures)
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
    sys.stdout.flush()
    _logging(opts.debug)
    previous = _sigterm_interrupts()
    worker.start()
    try:
        server.run()  # returns once Ctrl-C (or SIGTERM) has closed it
    finally:
        worker.stop()
        server.close()
        _restore_sigterm(previous)
    raise KeyboardInterrupt


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
