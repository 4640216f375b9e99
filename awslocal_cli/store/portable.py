"""The SQL of `awslocal local export` / `import`: whole rows of the named tables, read and written.

An export is the state format itself (state/README.md, "Export format"), so it reads rows as
stored rather than through the services; import writes them back the same way, in the
invocation's one transaction. Table and column names come from the export's fixed table list
(awslocal_cli/portable/export.py) checked against this database's own schema, never from the
document being imported.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from typing import Any


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    """The columns of a table of this database, in schema order ([] if there is no such table)."""
    return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]


def rows(conn: sqlite3.Connection, table: str, order: str) -> Iterator[dict[str, Any]]:
    """Every row of `table` as a dict, in `order` (a column of the table)."""
    names = columns(conn, table)
    if order not in names:
        raise ValueError(f"{table} has no column {order}")
    cursor = conn.execute(f'SELECT * FROM "{table}" ORDER BY "{order}"')
    described = [d[0] for d in cursor.description]
    for row in cursor:
        yield dict(zip(described, row, strict=True))


def count(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])


def exists(conn: sqlite3.Connection, table: str, key: Mapping[str, Any]) -> bool:
    """Whether a row with these values of the given (natural key) columns exists."""
    where = " AND ".join(f'"{c}" IS ?' for c in key)
    return conn.execute(f'SELECT 1 FROM "{table}" WHERE {where} LIMIT 1',
                        tuple(key.values())).fetchone() is not None


def next_id(conn: sqlite3.Connection, table: str, column: str) -> int:
    """One more than the largest value of an INTEGER PRIMARY KEY column."""
    return int(conn.execute(f'SELECT coalesce(max("{column}"), 0) + 1 FROM "{table}"')
               .fetchone()[0])


def insert(conn: sqlite3.Connection, table: str, row: Mapping[str, Any],
           allowed: Sequence[str]) -> None:
    """Insert the members of `row` that are columns of `table` (`allowed`)."""
    names = [c for c in row if c in allowed]
    marks = ", ".join("?" for _ in names)
    cols = ", ".join(f'"{c}"' for c in names)
    conn.execute(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})',
                 tuple(row[c] for c in names))
    if table == "sqs_messages":  # the depth chart counts an imported message from its send
        from awslocal_cli.store import sqs_activity

        sqs_activity.record(conn, row["queue_id"], row["sent_at"], "existing",
                            ((1, row["receive_count"] > 0, row["visible_at"]),))
