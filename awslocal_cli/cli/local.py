"""`awslocal local ...`: what AWS does not have: the clock, state info and reset."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

import click

from awslocal_cli.cli.options import opts_of
from awslocal_cli.errors import ParamValidationError, UsageError

SETTINGS = {"help_option_names": ["--help"]}


def _context(ctx: click.Context) -> Any:
    from awslocal_cli.context import Context

    opts = opts_of(ctx)
    return Context.from_options(region=opts.region, profile=opts.profile, state_dir=opts.state_dir)


def _run(ctx: click.Context, body: Callable[[Any], dict[str, Any] | None], title: str) -> None:
    """One invocation: open the state, run `body` in its transaction, render the result."""
    from awslocal_cli.output import compile_query, render

    opts = opts_of(ctx)
    if opts.query is not None:
        compile_query(opts.query)  # a bad --query must not reset or move anything
    context = _context(ctx)
    with context.session:
        result = body(context)
    if result is not None and opts.output == "table" and opts.query is None:
        from awslocal_cli.cli import localtable  # tables that fit the terminal's width

        localtable.render(result, title, sys.stdout)
    elif result is not None:
        render(result, output=opts.output, query=opts.query, operation_name=title, color=opts.color)
    from awslocal_cli.dispatch import finish

    finish(context)


@click.group(context_settings=SETTINGS)
def local() -> None:
    """awslocal's own commands: the local clock, state info and reset.

    Example: awslocal local clock advance 8d
    """


@local.group(context_settings=SETTINGS)
def clock() -> None:
    """Show or move the local clock every service reads.

    Example: awslocal local clock show
    """


def _clock_view(context: Any) -> dict[str, Any]:
    import os

    from awslocal_cli.clock import format_duration

    pinned = bool(os.environ.get("AWSLOCAL_NOW"))
    offset = context.store.clock_offset()
    view = {
        "Now": context.now(),
        "OffsetSeconds": offset,
        "Offset": format_duration(offset),
        "PinnedByAWSLOCAL_NOW": pinned,
    }
    if offset:
        view["Note"] = CLOCK_NOTE
    return view


# A moved clock is part of the state, like a key or a queue: say so wherever it shows.
CLOCK_NOTE = (
    "The moved clock is stored in this state directory: every later command on it sees this "
    "time, until `awslocal local clock reset` (or `local reset`)."
)


def _set_offset(context: Any, offset: float) -> dict[str, Any]:
    import os

    context.store._set_meta("clock_offset", repr(float(offset)))
    context.session._clock = None  # re-read with the new offset
    from awslocal_cli.services import sns

    sns.schedule_if_due(context)  # SNS retries that the new time makes due
    if os.environ.get("AWSLOCAL_NOW"):
        click.echo(
            "awslocal: [WARNING]: AWSLOCAL_NOW is set and pins the clock; the stored offset "
            "applies once it is unset.",
            err=True,
        )
    return _clock_view(context)


@clock.command("show", context_settings=SETTINGS)
@click.pass_context
def clock_show(ctx: click.Context) -> None:
    """Print the local time, and its offset from the system clock.

    Example: awslocal local clock show
    """
    _run(ctx, _clock_view, "ClockShow")


@clock.command("advance", context_settings=SETTINGS)
@click.argument("duration")
@click.pass_context
def clock_advance(ctx: click.Context, duration: str) -> None:
    """Move the local clock forward by DURATION (90s, 15m, 8d, 1y, 1d12h).

    Example: awslocal local clock advance 8d
    """
    from awslocal_cli.clock import parse_duration

    try:
        seconds = parse_duration(duration)
    except ValueError as exc:
        raise ParamValidationError(str(exc)) from None
    _run(ctx, lambda c: _set_offset(c, c.store.clock_offset() + seconds), "ClockAdvance")


@clock.command("set", context_settings=SETTINGS)
@click.argument("timestamp")
@click.pass_context
def clock_set(ctx: click.Context, timestamp: str) -> None:
    """Set the local clock to TIMESTAMP (ISO 8601 or epoch seconds); it keeps running from there.

    Example: awslocal local clock set 2030-01-01T00:00:00Z
    """
    from awslocal_cli.clock import parse_timestamp

    try:
        target = parse_timestamp(timestamp).timestamp()
    except ValueError as exc:
        raise ParamValidationError(str(exc)) from None
    _run(ctx, lambda c: _set_offset(c, target - time.time()), "ClockSet")


@clock.command("reset", context_settings=SETTINGS)
@click.pass_context
def clock_reset(ctx: click.Context) -> None:
    """Put the local clock back on the system time.

    Example: awslocal local clock reset
    """
    _run(ctx, lambda c: _set_offset(c, 0.0), "ClockReset")


def _info(context: Any) -> dict[str, Any]:
    from awslocal_cli import __version__

    store = context.store
    counts: dict[str, dict[str, dict[str, int]]] = {}
    tables = [
        r[0]
        for r in store.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    for table in tables:
        columns = {r[1] for r in store.conn.execute(f'PRAGMA table_info("{table}")')}
        if not {"account", "region"} <= columns:
            continue
        service = table.split("_", 1)[0] if "_" in table else "local"
        if table == "events":
            service = "cloudtrail"
        for region, n in store.conn.execute(
            f'SELECT region, count(*) FROM "{table}" WHERE account = ? GROUP BY region '
            "ORDER BY region",
            (context.account,),
        ):
            counts.setdefault(service, {}).setdefault(region, {})[table] = n
    return {
        "StateDirectory": str(store.directory),
        "SchemaVersion": store.schema_version(),
        "WrittenBy": store.get_meta("written_by"),
        "Version": __version__,
        "Account": context.account,
        "Region": context.region,
        "Now": context.now(),
        "ClockOffsetSeconds": store.clock_offset(),
        **({"ClockNote": CLOCK_NOTE} if store.clock_offset() else {}),
        "Counts": counts,
    }


@local.command("info", context_settings=SETTINGS)
@click.pass_context
def info(ctx: click.Context) -> None:
    """Show the state directory, its schema version, and counts per service and region.

    Example: awslocal local info --output table
    """
    _run(ctx, _info, "LocalInfo")


def _reset(context: Any) -> dict[str, Any]:
    store = context.store
    tables = [
        r[0]
        for r in store.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name != 'meta'"
        )
    ]
    removed = 0
    for table in tables:
        removed += store.conn.execute(f'DELETE FROM "{table}"').rowcount
    store.conn.execute("DELETE FROM meta WHERE key = 'clock_offset'")
    return {"StateDirectory": str(store.directory), "RowsDeleted": removed}


@local.command("reset", context_settings=SETTINGS)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def reset(ctx: click.Context, yes: bool) -> None:
    """Delete every key, queue, topic, message and event in the state directory.

    Example: awslocal local reset --yes
    """
    if not yes:
        if not sys.stdin or not sys.stdin.isatty():
            raise UsageError("refusing to reset without --yes: standard input is not a terminal")
        import os

        from awslocal_cli.store import resolve_state_dir

        where = resolve_state_dir(opts_of(ctx).state_dir, os.environ)
        if not click.confirm(f"Delete all awslocal state in {where}?", default=False):
            click.echo("Nothing was deleted.", err=True)
            ctx.exit(1)
    _run(ctx, _reset, "LocalReset")


@local.command("inspect-message", context_settings=SETTINGS)
@click.option("--queue-url", required=True, help="The queue's URL.")
@click.option("--message-id", required=True, help="The MessageId that SendMessage returned.")
@click.pass_context
def inspect_message(ctx: click.Context, queue_url: str, message_id: str) -> None:
    """Show what is stored for a message: encryption, wrapped data key, ciphertext size.

    Never shows the plaintext body. Example:
    awslocal local inspect-message --queue-url URL --message-id ID
    """
    from awslocal_cli.services import sqs

    _run(
        ctx,
        lambda c: sqs.inspect_message(c, QueueUrl=queue_url, MessageId=message_id),
        "InspectMessage",
    )


@local.command("deliveries", context_settings=SETTINGS)
@click.option("--topic-arn", help="Only deliveries of this topic.")
@click.option("--status", type=click.Choice(["delivered", "refused", "dead-lettered", "retrying",
                                             "failed", "outbox"]),
              help="Only deliveries with this status.")
@click.option("--message-id", help="Only deliveries of this message.")
@click.pass_context
def deliveries(ctx: click.Context, topic_arn: str | None, status: str | None,
               message_id: str | None) -> None:
    """Show the SNS delivery log: every attempt, its status and why it failed.

    Also lists the HTTP/S requests still waiting for a retry, which fall due on the local
    clock. Example: awslocal local deliveries --status refused
    """
    from awslocal_cli.services import sns

    _run(ctx, lambda c: sns.deliveries(c, topic_arn=topic_arn, status=status,
                                                message_id=message_id), "Deliveries")


@local.command("outbox", context_settings=SETTINGS)
@click.option("--protocol", type=click.Choice(["email", "email-json", "sms", "lambda",
                                               "firehose", "application"]),
              help="Only messages sent over this protocol.")
@click.option("--endpoint", help="Only messages sent to this endpoint (address, number, ARN).")
@click.option("--topic-arn", help="Only messages of this topic.")
@click.pass_context
def outbox(ctx: click.Context, protocol: str | None, endpoint: str | None,
           topic_arn: str | None) -> None:
    """Show what SNS sent to email, SMS, Lambda, Firehose and mobile push endpoints.

    Nothing leaves this machine: each message is kept here as AWS would have sent it.
    Example: awslocal local outbox --protocol email
    """
    from awslocal_cli.services import sns

    _run(ctx, lambda c: sns.outbox(c, protocol=protocol, endpoint=endpoint,
                                            topic_arn=topic_arn), "Outbox")


@local.command("sms-sandbox", context_settings=SETTINGS)
@click.option("--leave", "change", flag_value="leave", help="Take the account out of the sandbox.")
@click.option("--enter", "change", flag_value="enter", help="Put the account back in the sandbox.")
@click.pass_context
def sms_sandbox(ctx: click.Context, change: str | None) -> None:
    """Show, leave or re-enter the SMS sandbox of the account in this region.

    New accounts are in the sandbox: SMS go only to verified numbers. AWS lifts it through a
    support case; here: awslocal local sms-sandbox --leave
    """
    from awslocal_cli.services import sns

    def body(context: Any) -> dict[str, Any]:
        if change is not None:
            sns.set_sms_sandbox(context, change == "enter")
        return sns.get_sms_sandbox_account_status(context)

    _run(ctx, body, "SMSSandbox")


@local.command("opt-out", context_settings=SETTINGS)
@click.option("--phone-number", required=True, help="The number, in E.164 format.")
@click.pass_context
def opt_out(ctx: click.Context, phone_number: str) -> None:
    """Opt a phone number out of SMS from this account, as a recipient's STOP reply does.

    Example: awslocal local opt-out --phone-number +15555550100
    """
    from awslocal_cli.services import sns

    def body(context: Any) -> dict[str, Any]:
        sns.opt_out_phone_number(context, phone_number)
        return sns.check_if_phone_number_is_opted_out(context, phoneNumber=phone_number)

    _run(ctx, body, "OptOut")


@local.command("confirm-subscription", context_settings=SETTINGS)
@click.option("--subscription-arn", help="The pending subscription (from awslocal local outbox).")
@click.option("--all-pending", is_flag=True, help="Confirm every pending subscription of the "
              "region.")
@click.pass_context
def confirm_subscription(ctx: click.Context, subscription_arn: str | None,
                         all_pending: bool) -> None:
    """Confirm pending email, email-json or HTTP/S subscriptions as clicking the link would.

    The link calls ConfirmSubscription with the token sent to the endpoint; this does the same
    with the stored token. Example: awslocal local confirm-subscription --all-pending
    """
    if (subscription_arn is None) == (not all_pending):
        raise UsageError("give one of --subscription-arn ARN or --all-pending")
    from awslocal_cli.services import sns

    _run(ctx, lambda c: sns.confirm_pending(c, subscription_arn=subscription_arn,
                                            all_pending=all_pending), "ConfirmSubscription")
