"""`awslocal local console`: open the web console of a state, starting `awslocal serve` if none
runs on it."""

from __future__ import annotations

import os
import sys
import time

import click

from awslocal_cli.cli.options import opts_of
from awslocal_cli.errors import ConfigurationError, ParamValidationError

SETTINGS = {"help_option_names": ["--help"]}
START_TIMEOUT = 30.0
LOG_NAME = "serve.log"


@click.command("console", context_settings=SETTINGS)
@click.option("--no-browser", is_flag=True, help="Only print the console's address.")
@click.option("--port", type=int, default=None,
              help="Port for a server this command starts (default 4566, or any free port when "
                   "4566 is taken).")
@click.pass_context
def console(ctx: click.Context, no_browser: bool, port: int | None) -> None:
    """Open the web console of the state in your browser.

    The console is a set of read-only pages that `awslocal serve` serves at /_awslocal/: keys,
    queues and their messages with envelopes, topics and their deliveries, the trail, the
    topology. When a server already runs on this state directory, this opens its console;
    otherwise it starts one in the background on 127.0.0.1 (its log is serve.log in the state
    directory; stop it with `kill PID`, the process id printed on stderr). The address is
    printed on stdout.

    Example: awslocal local console --no-browser
    """
    from awslocal_cli.console import address
    from awslocal_cli.dispatch import open_context

    opts = opts_of(ctx)
    if port is not None and not 0 <= port <= 65535:
        raise ParamValidationError(f"--port must be between 0 and 65535, not {port}.")
    context = open_context(region=opts.region, profile=opts.profile, state_dir=opts.state_dir)
    with context.session:
        context.store  # noqa: B018 (opens the state, as serve would, so errors show here)
    state_dir = str(context.session.state_dir)
    found = address.read(state_dir)
    if found is not None and _answers(str(found["url"]), state_dir):
        click.echo(f"awslocal: the console of the server running on this state (pid "
                   f"{found['pid']})", err=True)
    else:
        found = _start(state_dir, opts.region, port)
        click.echo(f"awslocal: started awslocal serve (pid {found['pid']}, log "
                   f"{os.path.join(state_dir, LOG_NAME)}); stop it with: kill {found['pid']}",
                   err=True)
    url = str(found["console"])
    click.echo(url)
    if not no_browser:
        import webbrowser

        if not webbrowser.open(url):
            click.echo("awslocal: no browser could be started; open the address above.",
                       err=True)


def _answers(url: str, state_dir: str) -> bool:
    """Whether the server at `url` answers with the console of `state_dir`."""
    import json
    import urllib.request

    try:
        with urllib.request.urlopen(url + "/_awslocal/health", timeout=3) as answer:
            health = json.loads(answer.read())
    except (OSError, ValueError):
        return False
    return os.path.realpath(str(health.get("state"))) == os.path.realpath(state_dir)


def _free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _start(state_dir: str, region: str | None, port: int | None) -> dict[str, object]:
    """Start `awslocal serve` on the state in the background; its address record."""
    import subprocess

    from awslocal_cli.cli.serve import DEFAULT_PORT
    from awslocal_cli.console import address

    if port is None:
        port = DEFAULT_PORT if _free(DEFAULT_PORT) else 0
    argv = [sys.executable, "-m", "awslocal_cli", "--state-dir", state_dir]
    if region:
        argv += ["--region", region]
    argv += ["serve", "--port", str(port)]
    log_path = os.path.join(state_dir, LOG_NAME)
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=fd, stderr=fd,
                                start_new_session=True, close_fds=True)
    finally:
        os.close(fd)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        found = address.read(state_dir)
        if found is not None and found.get("pid") == proc.pid:
            return found
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    if proc.poll() is None:
        proc.terminate()
    with open(log_path, encoding="utf-8", errors="replace") as f:
        tail = f.read()[-600:].strip()
    raise ConfigurationError(f"awslocal serve did not start: {tail or 'no output'}")
