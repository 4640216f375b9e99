"""Row helpers of the SNS queries: JSON columns decoded on the way out, encoded on the way in."""

from __future__ import annotations

import json
import sqlite3

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; annotations only
    from typing import Any

Row = dict[str, "Any"]

# Columns holding JSON, decoded on the way out and encoded on the way in.
JSON_COLUMNS = ("attributes", "credentials", "sends")


def fetch_all(db: sqlite3.Connection, sql: str,
              args: tuple[Any, ...] | list[Any] = ()) -> list[Row]:
    cur = db.execute(sql, args)
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    for row in rows:
        for column in JSON_COLUMNS:
            if column in row:
                row[column] = json.loads(row[column])
    return rows


def fetch_one(db: sqlite3.Connection, sql: str,
              args: tuple[Any, ...] | list[Any] = ()) -> Row | None:
    rows = fetch_all(db, sql, args)
    return rows[0] if rows else None


def insert(db: sqlite3.Connection, table: str, row: Row, *, replace: bool = False) -> None:
    row = {k: json.dumps(v) if k in JSON_COLUMNS else v for k, v in row.items()}
    cols = list(row)
    verb = "INSERT OR REPLACE" if replace else "INSERT"
    db.execute(f"{verb} INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
               [row[c] for c in cols])



def update(db: sqlite3.Connection, table: str, where: dict[str, Any], allowed: set[str],
           fields: dict[str, Any]) -> None:
    bad = set(fields) - allowed
    if bad:
        raise KeyError(f"unknown columns {sorted(bad)}")
    if not fields:
        return
    values = [json.dumps(v) if k in JSON_COLUMNS else v for k, v in fields.items()]
    sets = ", ".join(f"{c} = ?" for c in fields)
    cond = " AND ".join(f"{c} = ?" for c in where)
    db.execute(f"UPDATE {table} SET {sets} WHERE {cond}", [*values, *where.values()])
