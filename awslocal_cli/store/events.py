"""Queries on the event log (the audit trail behind `cloudtrail lookup-events`)."""

from __future__ import annotations

import json
import sqlite3

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; annotations only
    from typing import Any

# CloudTrail's LookupAttributeKey -> our column (ResourceName/ResourceType search the JSON list).
_COLUMNS = {
    "EventId": "event_id",
    "EventName": "event_name",
    "Username": "username",
    "EventSource": "event_source",
    "ReadOnly": "read_only",
}


def append(db: sqlite3.Connection, event: dict[str, Any]) -> None:
    db.execute(
        "INSERT INTO events (event_id, account, region, event_time, event_source, event_name,"
        " username, principal, invoked_by, resources, request, error_code, error_message,"
        " read_only) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            event["event_id"], event["account"], event["region"], event["event_time"],
            event["event_source"], event["event_name"], event["username"], event["principal"],
            event.get("invoked_by"), json.dumps(event.get("resources", []), sort_keys=True),
            json.dumps(event.get("request", {}), sort_keys=True, default=str),
            event.get("error_code"), event.get("error_message"),
            1 if event.get("read_only") else 0,
        ),
    )


def lookup(
    db: sqlite3.Connection,
    *,
    account: str,
    region: str,
    start: float | None = None,
    end: float | None = None,
    attribute: tuple[str, str] | None = None,
    before_seq: int | None = None,
    limit: int = 50,
) -> list[sqlite3.Row]:
    """Events newest first, as CloudTrail returns them."""
    sql = ["SELECT * FROM events WHERE account = ? AND region = ?"]
    args: list[Any] = [account, region]
    if start is not None:
        sql.append("AND event_time >= ?")
        args.append(start)
    if end is not None:
        sql.append("AND event_time <= ?")
        args.append(end)
    if before_seq is not None:
        sql.append("AND seq < ?")
        args.append(before_seq)
    if attribute is not None:
        key, value = attribute
        if key in _COLUMNS:
            sql.append(f"AND {_COLUMNS[key]} = ?")
            args.append((1 if value.lower() == "true" else 0) if key == "ReadOnly" else value)
        elif key == "ResourceName":
            sql.append("AND EXISTS (SELECT 1 FROM json_each(resources) WHERE "
                       "json_extract(value, '$.ResourceName') = ?)")
            args.append(value)
        elif key == "ResourceType":
            sql.append("AND EXISTS (SELECT 1 FROM json_each(resources) WHERE "
                       "json_extract(value, '$.ResourceType') = ?)")
            args.append(value)
        else:
            raise ValueError(key)
    sql.append("ORDER BY seq DESC LIMIT ?")
    args.append(limit)
    cur = db.execute(" ".join(sql), args)
    cur.row_factory = sqlite3.Row
    return cur.fetchall()


def last_event(
    db: sqlite3.Connection, *, account: str, region: str, resource_name: str,
    event_names: tuple[str, ...] | None = None,
) -> sqlite3.Row | None:
    """The newest successful event naming a resource (for GetKeyLastUsage and the like)."""
    sql = ("SELECT * FROM events WHERE account = ? AND region = ? AND error_code IS NULL AND "
           "EXISTS (SELECT 1 FROM json_each(resources) WHERE "
           "json_extract(value, '$.ResourceName') = ?)")
    args: list[Any] = [account, region, resource_name]
    if event_names:
        sql += f" AND event_name IN ({','.join('?' * len(event_names))})"
        args.extend(event_names)
    cur = db.execute(sql + " ORDER BY seq DESC LIMIT 1", args)
    cur.row_factory = sqlite3.Row
    return cur.fetchone()
