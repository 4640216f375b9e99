"""`awslocal local ...`: what AWS does not have: the clock, state info, check and reset."""

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
    from awslocal_cli.dispatch import open_context

    opts = opts_of(ctx)
    return open_context(region=opts.region, profile=opts.profile, state_dir=opts.state_dir)


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
        from awslocal_cli.output import normalise

        # Timestamps and blobs as every other output shows them (ISO 8601, .mmm000).
        localtable.render(normalise(result), title, sys.stdout)
    elif result is not None:
        render(result, output=opts.output, query=opts.query, operation_name=title, color=opts.color)
    from awslocal_cli.dispatch import finish

    finish(context)


@click.group(context_settings=SETTINGS)
def local() -> None:
    """awslocal's own commands: clock, state info, reset, seeds, snapshots, export/import,
    the web console.

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

    from awslocal_cli.clock import check_epoch

    try:
        check_epoch(time.time() + offset)
    except ValueError as exc:
        raise ParamValidationError(str(exc)) from None
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
    from awslocal_cli.store import maintenance

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
        "Size": maintenance.size_on_disk(store.directory),
        "Check": "awslocal local check  (verifies the database, the root key, every wrapped "
                 "key and policy)",
    }


@local.command("info", context_settings=SETTINGS)
@click.pass_context
def info(ctx: click.Context) -> None:
    """Show the state directory, its schema version, size, and counts per service and region.

    `awslocal local check` verifies the state itself (database, root key, wrapped keys).

    Example: awslocal local info --output table
    """
    _run(ctx, _info, "LocalInfo")


@local.command("reset", context_settings=SETTINGS)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def reset(ctx: click.Context, yes: bool) -> None:
    """Delete every key, queue, topic, message and event in the state directory.

    Works on a full disk and on a damaged state (an empty or corrupt state.db, a missing or
    different root.key): when rows cannot be deleted, it removes the database files. A state
    directory of another user, or with loose modes, is still refused.

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
    _run_on_directory(ctx, _reset, "LocalReset")


def _reset(directory: Any) -> dict[str, Any]:
    from awslocal_cli.store import maintenance

    return maintenance.reset(directory)


def _run_on_directory(ctx: click.Context, body: Callable[[Any], dict[str, Any]],
                      title: str) -> int:
    """For commands that must work on a damaged or full state (reset, check): `body` gets
    the state directory, not an open session; the store's trust checks still apply."""
    import os

    from awslocal_cli.output import compile_query, render
    from awslocal_cli.store import resolve_state_dir

    opts = opts_of(ctx)
    if opts.query is not None:
        compile_query(opts.query)  # a bad --query must not reset or move anything
    _context(ctx)  # region, profile, AWSLOCAL_NOW: the same checks as every command
    result = body(resolve_state_dir(opts.state_dir, os.environ))
    render(result, output=opts.output, query=opts.query, operation_name=title, color=opts.color)
    return 0


@local.command("check", context_settings=SETTINGS)
@click.pass_context
def check(ctx: click.Context) -> None:
    """Check the state for damage: the database, the root key, every wrapped key and policy.

    Runs SQLite's integrity_check, compares root.key with the fingerprint recorded in
    state.db, unwraps every KMS key material, data key and stored secret, and parses every
    key, queue and topic policy. Writes nothing. Exit status: 0 when every check passes, 1
    when any finds a problem (the report lists them), 253 when the state cannot be opened.
    Example: awslocal local check --output table
    """
    found: dict[str, Any] = {}

    def body(directory: Any) -> dict[str, Any]:
        from awslocal_cli.portable.export import model_check
        from awslocal_cli.store import Store
        from awslocal_cli.store import check as checks

        store = Store.open(directory, check_root_key=False)
        try:
            found.update(checks.run(store, model=model_check))
        finally:
            store.close()
        return found

    _run_on_directory(ctx, body, "LocalCheck")
    if not found.get("Clean", False):
        ctx.exit(1)


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
                                             "failed", "outbox", "audit", "filtered"]),
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


@local.command("findings", context_settings=SETTINGS)
@click.option("--topic-arn", help="Only findings of this topic.")
@click.option("--message-id", help="Only findings of this message.")
@click.pass_context
def findings(ctx: click.Context, topic_arn: str | None, message_id: str | None) -> None:
    """Show what SNS data protection audits found in published messages.

    One record per audited message, as AWS writes it to the policy's FindingsDestination (or
    NoFindingsDestination): the data identifiers found and where. Nothing leaves this
    machine. Example: awslocal local findings --topic-arn arn:aws:sns:us-east-1:123456789012:t
    """
    from awslocal_cli.services import sns

    _run(ctx, lambda c: sns.findings(c, topic_arn=topic_arn, message_id=message_id),
         "Findings")


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


# -- seeds, snapshots, export and import (issue 14; logic in awslocal_cli/portable/) ---------------


@local.command("seed", context_settings=SETTINGS)
@click.argument("file", type=click.Path(dir_okay=False))
@click.pass_context
def seed(ctx: click.Context, file: str) -> None:
    """Create the keys, aliases, queues, topics and subscriptions a seed FILE declares.

    Idempotent: what exists already is left alone, so applying a seed twice changes nothing.
    One transaction: a seed that fails changes nothing. AWSLOCAL_SEED=FILE applies a seed when
    a state is first created. Format: state/README.md. Example:
    awslocal local seed state/examples/aws-docs.yaml
    """
    from awslocal_cli.portable import seed as seeding

    _run(ctx, lambda c: seeding.apply(c, file), "Seed")


def _run_store(ctx: click.Context, body: Callable[[Any], dict[str, Any]], title: str) -> None:
    """One invocation on the store itself, outside a Session's transaction (snapshots take
    and release SQLite's locks themselves)."""
    import os

    from awslocal_cli.output import compile_query, render
    from awslocal_cli.store import Store, resolve_state_dir

    opts = opts_of(ctx)
    if opts.query is not None:
        compile_query(opts.query)
    store = Store.open(resolve_state_dir(opts.state_dir, os.environ))
    try:
        result = body(store)
    finally:
        store.close()
    render(result, output=opts.output, query=opts.query, operation_name=title, color=opts.color)


@local.group(context_settings=SETTINGS)
def snapshot() -> None:
    """Checkpoints of the whole state: save, restore, list and delete them by name.

    Example: awslocal local snapshot save after-step-3
    """


@snapshot.command("save", context_settings=SETTINGS)
@click.argument("name")
@click.option("--overwrite", is_flag=True, help="Replace a snapshot of the same name.")
@click.pass_context
def snapshot_save(ctx: click.Context, name: str, overwrite: bool) -> None:
    """Save a consistent copy of the state as NAME (safe while other awslocal processes run).

    Kept in the state directory (snapshots/NAME.db, mode 0600). Example:
    awslocal local snapshot save after-step-3
    """
    from awslocal_cli.portable import snapshot as snapshots

    _run_store(ctx, lambda s: snapshots.save(s, name, overwrite=overwrite), "SnapshotSave")


@snapshot.command("restore", context_settings=SETTINGS)
@click.argument("name")
@click.option("--wait", "wait", type=click.FloatRange(min=0), default=60.0, show_default=True,
              help="Seconds to wait for another process's write lock before giving up.")
@click.pass_context
def snapshot_restore(ctx: click.Context, name: str, wait: float) -> None:
    """Put the whole state back to snapshot NAME, in one transaction.

    Other awslocal processes see the state from before or after, never a mix. Example:
    awslocal local snapshot restore after-step-3
    """
    from awslocal_cli.portable import snapshot as snapshots

    _run_store(ctx, lambda s: snapshots.restore(s, name, timeout=wait), "SnapshotRestore")


@snapshot.command("list", context_settings=SETTINGS)
@click.pass_context
def snapshot_list(ctx: click.Context) -> None:
    """List the snapshots of the state directory.

    Example: awslocal local snapshot list --output table
    """
    from awslocal_cli.portable import snapshot as snapshots

    _run_store(ctx, snapshots.list_snapshots, "SnapshotList")


@snapshot.command("delete", context_settings=SETTINGS)
@click.argument("name")
@click.pass_context
def snapshot_delete(ctx: click.Context, name: str) -> None:
    """Delete snapshot NAME.

    Example: awslocal local snapshot delete after-step-3
    """
    from awslocal_cli.portable import snapshot as snapshots

    _run_store(ctx, lambda s: snapshots.delete(s, name), "SnapshotDelete")


def _read_passphrase(path: str | None, *, confirm: bool) -> bytes:
    """The passphrase: the first line of --passphrase-file, else asked on the terminal."""
    if path is not None:
        try:
            with open(path, "rb") as f:
                text = f.read()
        except OSError as exc:
            raise ParamValidationError(
                f"Unable to read the passphrase file {path}: {exc.strerror or exc}") from None
        passphrase = text.split(b"\n", 1)[0].rstrip(b"\r")
    else:
        if not sys.stdin or not sys.stdin.isatty():
            raise UsageError("a passphrase is needed: pass --passphrase-file FILE (standard "
                             "input is not a terminal to ask on)")
        passphrase = click.prompt("Passphrase", hide_input=True, confirmation_prompt=confirm,
                                  err=True).encode()
    if not passphrase:
        raise ParamValidationError("The passphrase is empty.")
    return passphrase


@local.command("export", context_settings=SETTINGS)
@click.option("--output-file", type=click.Path(dir_okay=False),
              help="Write the export here (mode 0600) instead of standard output.")
@click.option("--format", "fmt", type=click.Choice(["json", "yaml"]), default="json",
              show_default=True, help="The document's syntax.")
@click.option("--include-messages", is_flag=True, help="Export the queues' messages too.")
@click.option("--passphrase-file", type=click.Path(dir_okay=False),
              help="Encrypt key material and message bodies under the passphrase in this "
                   "file's first line (asked on the terminal otherwise).")
@click.option("--no-secrets", is_flag=True,
              help="Leave key material out (the export lists the keys it cannot restore).")
@click.pass_context
def export(ctx: click.Context, output_file: str | None, fmt: str, include_messages: bool,
           passphrase_file: str | None, no_secrets: bool) -> None:
    """Write the whole state (every account and region) as one versioned document.

    Keys with all their material versions, aliases, grants, policies, tags, rotation and
    deletion schedules; queues (and, with --include-messages, their messages); topics and
    subscriptions; the clock offset. Format: state/README.md. With --output-file, what was
    written is reported on standard output (the file, its size, what it holds, whether key
    material and message bodies are in it). Example:
    awslocal local export --passphrase-file pass.txt --output-file state.json
    """
    import os

    from awslocal_cli.output import compile_query, render
    from awslocal_cli.portable import export as exporting

    opts = opts_of(ctx)
    if output_file is not None and opts.query is not None:
        compile_query(opts.query)  # a bad --query must not write the file
    passphrase = None if no_secrets else _read_passphrase(passphrase_file, confirm=True)
    context = _context(ctx)
    with context.session:
        doc = exporting.export_state(context, passphrase=passphrase,
                                     include_messages=include_messages, no_secrets=no_secrets)
    text = exporting.dump(doc, fmt)
    if output_file is None:
        click.echo(text, nl=False)
        return
    data = text.encode("utf-8")
    _write_replacing(output_file, data)
    render(_export_report(doc, os.path.abspath(output_file), fmt, len(data), no_secrets),
           output=opts.output, query=opts.query, operation_name="Export", color=opts.color)


def _export_report(doc: dict[str, Any], path: str, fmt: str, size: int,
                   no_secrets: bool) -> dict[str, Any]:
    """What `local export --output-file` wrote, as the other `local` commands report."""
    tables = doc.get("Tables", {})

    def count(*names: str) -> int:
        return sum(len(tables.get(name) or ()) for name in names)

    return {
        "File": path,
        "Format": fmt,
        "FormatVersion": doc.get("FormatVersion"),
        "Bytes": size,
        "Keys": count("kms_keys"),
        "Aliases": count("kms_aliases"),
        "Grants": count("kms_grants"),
        "Queues": count("sqs_queues"),
        "IncludesMessages": bool(doc.get("IncludesMessages")),
        "Topics": count("sns_topics"),
        "Subscriptions": count("sns_subscriptions"),
        "SecretsIncluded": not no_secrets,
        "ClockOffsetSeconds": doc.get("ClockOffsetSeconds"),
    } | ({"Messages": count("sqs_messages")} if doc.get("IncludesMessages") else {})


def _write_replacing(path: str, data: bytes) -> None:
    """Write `data` to a new private file (0600) beside `path`, then rename it over `path`.

    Created with O_EXCL|O_NOFOLLOW, so no link is followed and no other file is written
    through; the old file stays whole until the new one is complete (a full disk keeps the
    previous export), and a link at `path` is replaced, its target left alone (issue 25).
    """
    import contextlib
    import os
    import secrets

    target = os.path.abspath(path)
    folder, name = os.path.split(target)
    if os.path.isdir(target) and not os.path.islink(target):
        raise ParamValidationError(f"Unable to write {path}: it is a directory.")
    flags = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
             | getattr(os, "O_CLOEXEC", 0))
    tmp: str | None = None
    try:
        while tmp is None:
            candidate = os.path.join(folder, f".{name}.{secrets.token_hex(6)}.tmp")
            try:
                fd = os.open(candidate, flags, 0o600)
            except FileExistsError:
                continue
            tmp = candidate
        with os.fdopen(fd, "wb") as f:
            if hasattr(os, "fchmod"):
                os.fchmod(f.fileno(), 0o600)  # exactly 0600, whatever the umask
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise ParamValidationError(f"Unable to write {path}: {exc.strerror or exc}") from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


@local.command("import", context_settings=SETTINGS)
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--passphrase-file", type=click.Path(dir_okay=False),
              help="The passphrase the export was made with, in this file's first line.")
@click.option("--merge", is_flag=True,
              help="Add to a state that is not empty; fails before writing on any conflict.")
@click.pass_context
def import_(ctx: click.Context, file: str, passphrase_file: str | None, merge: bool) -> None:
    """Restore an export into an empty state (or --merge it), in one transaction.

    Key material is re-wrapped with this directory's root key, so a ciphertext made before
    the export decrypts after the import. Before anything is written, the whole document is
    checked against its MAC (a passphrase export) and every row against what the model
    allows; a refusal names the first bad field. Example:
    awslocal local import state.json --passphrase-file pass.txt --state-dir ./fresh
    """
    from awslocal_cli.portable import export as exporting

    try:
        with open(file, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise ParamValidationError(f"Unable to read {file}: {exc}") from None
    doc = exporting.parse(text, file)
    # Asked before the import's transaction begins: no write lock is held while a user types.
    passphrase = None if exporting.secrets_omitted(doc) else \
        _read_passphrase(passphrase_file, confirm=False)
    _run(ctx, lambda c: exporting.import_state(c, doc, passphrase=passphrase, merge=merge),
         "Import")


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


def _add_console() -> None:
    from awslocal_cli.cli.console import console

    local.add_command(console)


_add_console()
