"""The global options, the command names and the usage text every part of the CLI shares.

awslocal_cli.cli.main (the click-free hot path) and awslocal_cli.cli.tree (the click tree) both
read these; neither imports the other for them, so imports in cli/ go one way:
main -> tree -> local, each -> options. Nothing here imports click.
"""

from __future__ import annotations

import os

from awslocal_cli.errors import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs 7 ms of start-up; annotations only
    from typing import Any

    import click

__all__ = [
    "ERROR_FORMATS",
    "GLOBAL_FLAGS",
    "GLOBAL_VALUE_OPTIONS",
    "OUTPUT_FORMATS",
    "PROG",
    "SERVICES",
    "USAGE",
    "GlobalOptions",
    "invalid_choice",
    "opts_of",
    "split_globals",
]

PROG = "awslocal"
USAGE = (
    f"{PROG} [options] <command> <subcommand> [<subcommand> ...] [parameters]\n"
    "To see help text, you can run:\n"
    "\n"
    f"  {PROG} help\n"
    f"  {PROG} <command> help\n"
    f"  {PROG} <command> <subcommand> help\n"
)

OUTPUT_FORMATS = ("json", "text", "table", "yaml", "yaml-stream", "off")
ERROR_FORMATS = ("legacy", "json", "yaml", "text", "table", "enhanced")

# Global options the AWS CLI accepts anywhere on the line: name -> allowed values (None: any).
GLOBAL_VALUE_OPTIONS: dict[str, tuple[str, ...] | None] = {
    "--output": OUTPUT_FORMATS,
    "--query": None,
    "--region": None,
    "--profile": None,
    "--color": ("on", "off", "auto"),
    "--cli-binary-format": ("base64", "raw-in-base64-out"),
    "--cli-error-format": ERROR_FORMATS,
    "--state-dir": None,
    # Accepted so scripts written for other endpoints run unchanged; no effect offline.
    "--endpoint-url": None,
    "--cli-read-timeout": None,
    "--cli-connect-timeout": None,
    "--ca-bundle": None,
}
# model.SERVICES, spelled out: importing model here would load it for `--version` too.
SERVICES = ("kms", "sqs", "sns", "sts", "cloudtrail")
GLOBAL_FLAGS = (
    "--debug",
    "--no-cli-pager",
    "--no-paginate",
    "--no-verify-ssl",
    "--no-sign-request",
    "--cli-auto-prompt",
    "--no-cli-auto-prompt",
)


class GlobalOptions:
    """What the global options say for this run."""

    def __init__(self) -> None:
        self.output = "json"
        self.query: str | None = None
        self.region: str | None = None
        self.profile: str | None = None
        self.color = "auto"
        self.cli_binary_format = "base64"
        self.cli_error_format = "enhanced"
        self.state_dir: str | None = None
        self.debug = False
        self.paginate = True
        self.given: set[str] = set()

    @classmethod
    def from_env(cls, environ: Any = None) -> GlobalOptions:
        env = os.environ if environ is None else environ
        opts = cls()
        output = env.get("AWS_DEFAULT_OUTPUT")
        if output in OUTPUT_FORMATS:
            opts.output = output
        error_format = (env.get("AWS_CLI_ERROR_FORMAT") or "").lower()
        if error_format in ERROR_FORMATS:
            opts.cli_error_format = error_format
        return opts


def split_globals(args: list[str], environ: Any = None) -> tuple[GlobalOptions, list[str]]:
    """Take the global options out of `args`, wherever they stand; return them and the rest."""
    opts = GlobalOptions.from_env(environ)
    rest: list[str] = []
    problem: str | None = None  # raised after the loop, so --cli-error-format still applies
    i = 0
    while i < len(args):
        token = args[i]
        name, eq, inline = token.partition("=")
        if token in GLOBAL_FLAGS:
            opts.given.add(token)
            if token == "--debug":
                opts.debug = True
            elif token == "--no-paginate":
                opts.paginate = False
            i += 1
            continue
        if name in GLOBAL_VALUE_OPTIONS:
            if eq:
                value = inline
                i += 1
            elif i + 1 < len(args):
                value = args[i + 1]
                i += 2
            else:
                problem = problem or f"argument {name}: expected one argument"
                i += 1
                continue
            choices = GLOBAL_VALUE_OPTIONS[name]
            if choices is not None and value not in choices:
                problem = problem or f"argument {name}: Found invalid choice '{value}'"
                continue
            opts.given.add(name)
            setattr(opts, name[2:].replace("-", "_"), value)
            continue
        rest.append(token)
        i += 1
    if problem:
        raise UsageError(problem, options=opts)
    return opts, rest


def invalid_choice(what: str, value: str, choices: list[str]) -> str:
    from difflib import get_close_matches

    message = f"argument {what}: Found invalid choice '{value}'\n"
    close = get_close_matches(value, choices, cutoff=0.8)
    if close:
        message += "\nMaybe you meant:\n\n" + "\n".join(f"  * {c}" for c in close)
    return message



def opts_of(ctx: click.Context) -> GlobalOptions:
    """The run's global options, kept in the root click context's obj."""
    root = ctx.find_root()
    if not isinstance(root.obj, GlobalOptions):
        root.obj = GlobalOptions()
    return root.obj
