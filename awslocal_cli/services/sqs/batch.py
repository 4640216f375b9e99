"""The *Batch operations' common rules: entry ids, per-entry results, one savepoint each."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from awslocal_cli.errors import AwsError
from awslocal_cli.errors import sqs as err

if TYPE_CHECKING:
    from awslocal_cli.context import Context

MAX_BATCH = 10

Entry = dict[str, Any]


def check_entries(entries: list[Entry] | None, entry_shape: str) -> list[Entry]:
    """The entries of a batch request: 1 to 10, with distinct well-formed ids."""
    entries = list(entries or [])
    if not entries:
        raise err.EmptyBatchRequest(
            f"There should be at least one {entry_shape} in the request.")
    if len(entries) > MAX_BATCH:
        raise err.TooManyEntriesInBatchRequest(
            f"Maximum number of entries per request are {MAX_BATCH}. You have sent "
            f"{len(entries)}.")
    seen: set[str] = set()
    for entry in entries:
        ident = str(entry.get("Id", ""))
        if not (0 < len(ident) <= 80 and all(c.isascii() and (c.isalnum() or c in "-_")
                                             for c in ident)):
            raise err.InvalidBatchEntryId(
                "A batch entry id can only contain alphanumeric characters, hyphens and "
                "underscores. It can be at most 80 letters long.")
        if ident in seen:
            raise err.BatchEntryIdsNotDistinct(f"Id {ident} repeated.")
        seen.add(ident)
    return entries


def savepoint(ctx: Context, fn: Callable[..., Any], *args: Any) -> Any:
    """Run one entry (or one delivery) so that a failure leaves no trace."""
    conn = ctx.db
    conn.execute("SAVEPOINT sqs_entry")
    try:
        result = fn(*args)
    except AwsError:
        conn.execute("ROLLBACK TO sqs_entry")
        conn.execute("RELEASE sqs_entry")
        raise
    conn.execute("RELEASE sqs_entry")
    return result


_INVALID = "One or more parameters are invalid. Reason: "
_NOT_VALIDATED = "One or more parameters cannot be validated. Reason: "


def entry_message(exc: AwsError) -> str:
    """A failed entry's Message, as AWS words it for batch entries.

    A parameter check that SendMessage words "One or more parameters are invalid. Reason: ..."
    is "One or more parameters cannot be validated. Reason: ..." in a batch entry (recorded
    responses: a body over MaximumMessageSize). Other entry failures keep SendMessage's
    wording; AWS's batch wording for them was not recorded.
    """
    text = exc.message
    if exc.code == err.InvalidParameterValue.code and text.startswith(_INVALID):
        return _NOT_VALIDATED + text[len(_INVALID):]
    return text


def run_entries(ctx: Context, entries: list[Entry],
                one: Callable[[Entry], dict[str, Any] | None]) -> dict[str, Any]:
    """{"Successful": [...], "Failed": [...]}: each entry succeeds or fails on its own."""
    ok: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for entry in entries:
        try:
            result = savepoint(ctx, one, entry)
        except AwsError as exc:
            failed.append({"Id": entry["Id"], "SenderFault": bool(exc.sender_fault),
                           "Code": exc.code, "Message": entry_message(exc)})
            continue
        ok.append({"Id": entry["Id"], **(result or {})})
    return {"Successful": ok, "Failed": failed}
