"""The click command tree: the `local` group, and usage errors for unknown commands.

Operations themselves are parsed and run by awslocal_cli.cli.operation (without click, for
start-up time); help pages are awslocal_cli.cli.help and shell completion
awslocal_cli.cli.complete. Each operation is still wrapped as a click command here so that an
unknown command or option below a service is reported the way the tree reports it.
"""

from __future__ import annotations

from typing import Any

import click

from awslocal_cli.cli.operation import (
    SERVICE_TITLES,
    Operation,
    find_operation,
    implemented_operations,
)
from awslocal_cli.cli.options import PROG, SERVICES, GlobalOptions, invalid_choice, opts_of
from awslocal_cli.errors import UsageError

SETTINGS = {"help_option_names": ["--help"]}


class OperationCommand(click.Command):
    """An Operation as a click command (for help and completion)."""

    def __init__(self, operation: Operation) -> None:
        self.op = operation
        params = [self._option(spec) for spec in operation.specs.values()]
        super().__init__(
            name=operation.name,
            params=params,
            help=operation.help_text(),
            context_settings=SETTINGS,
        )

    def _option(self, spec: Any) -> click.Option:
        if spec.kind == "flag":
            return click.Option(
                [f"--{spec.option}/--no-{spec.option}"],
                default=None,
                help=self.op.option_help(spec),
            )
        return click.Option(
            [f"--{spec.option}"],
            help=self.op.option_help(spec),
            metavar=self.op.metavar(spec),
            multiple=spec.kind == "list",
        )

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if ctx.resilient_parsing:
            ctx.params = {}
            return []
        if "--help" in args:
            click.echo(self.get_help(ctx))
            ctx.exit(0)
        ctx.params = self.op.parse(args)
        return []

    def invoke(self, ctx: click.Context) -> None:
        self.op.run(ctx.params, opts_of(ctx))


def _resolve(group: click.Group, ctx: click.Context, args: list[str], what: str) -> Any:
    """A subcommand by name, or the AWS CLI's invalid-choice usage error."""
    name = args[0] if args else ""
    cmd = group.get_command(ctx, name)
    if cmd is None and not ctx.resilient_parsing:
        raise UsageError(invalid_choice(what, name, group.list_commands(ctx)))
    return name, cmd, args[1:]


class ServiceGroup(click.Group):
    """`awslocal kms ...`: one command per implemented operation, built on demand."""

    def __init__(self, service: str) -> None:
        super().__init__(
            name=service,
            help=f"{SERVICE_TITLES[service]}.\n\nExample: awslocal {service} help",
            context_settings=SETTINGS,
        )
        self.service = service

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(implemented_operations(self.service))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        operation = find_operation(self.service, name)
        return None if operation is None else OperationCommand(operation)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        return _resolve(self, ctx, args, "operation")

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args and not ctx.resilient_parsing:
            raise UsageError("the following arguments are required: operation")
        return super().parse_args(ctx, args)


class RootGroup(click.Group):
    """`awslocal <service> <operation>`: services load lazily, one per invocation."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*SERVICES, "local", "serve"]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in SERVICES:
            return ServiceGroup(name)
        if name == "local":
            from awslocal_cli.cli.local import local

            return local
        if name == "serve":
            from awslocal_cli.cli.serve import serve

            return serve
        return None

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        return _resolve(self, ctx, args, "command")


@click.group(cls=RootGroup, name=PROG, context_settings=SETTINGS)
def cli() -> None:
    """The AWS CLI v2 for kms, sqs and sns, offline, over a local state directory.

    Example: awslocal sts get-caller-identity

    Global options, accepted anywhere on the line: --output json|text|table|yaml|yaml-stream|off,
    --query JMESPATH, --region REGION, --profile NAME, --state-dir DIR, --debug,
    --color on|off|auto, --cli-binary-format base64|raw-in-base64-out,
    --cli-error-format legacy|json|yaml|text|table|enhanced, --no-paginate, --no-cli-pager.
    Accepted for compatibility, without effect: --endpoint-url, --no-verify-ssl,
    --no-sign-request, --cli-read-timeout, --cli-connect-timeout, --ca-bundle.
    """


def invoke(rest: list[str], opts: GlobalOptions) -> None:
    """Run `rest` through the click tree (help, `local`, and errors on unknown commands)."""
    try:
        with cli.make_context(PROG, list(rest), obj=opts) as ctx:
            cli.invoke(ctx)
    except click.exceptions.Exit as exc:
        if exc.exit_code:
            raise SystemExit(exc.exit_code) from None
    except click.Abort:
        raise KeyboardInterrupt from None
    except click.UsageError as exc:
        raise UsageError(
            _click_message(exc), unknown_options=isinstance(exc, click.NoSuchOption)
        ) from None


def _click_message(exc: click.UsageError) -> str:
    if isinstance(exc, click.NoSuchOption):
        return f"Unknown options: {exc.option_name}"
    if isinstance(exc, click.MissingParameter) and exc.param is not None:
        return f"the following arguments are required: {exc.param.human_readable_name}"
    return exc.format_message()
