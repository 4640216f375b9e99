"""KMS queries: keys, key material versions, aliases, grants, tags, import tokens, key stores.

Rows come back as plain dicts keyed by column name. Tables are created by
migrations/0002_kms.sql; every query is scoped by (account, region) except the lazy
housekeeping ones (`due_deletions`, `due_rotations`, `expired_material`), which sweep the whole
state so that a clock jump is honoured whatever region the next command names.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

Row = dict[str, Any]

_KEY_COLUMNS = {
    "key_id", "arn", "key_spec", "key_usage", "origin", "key_state", "key_manager",
    "managed_service", "description", "creation_date", "deletion_date", "pending_window_days",
    "state_before_deletion", "policy", "multi_region", "primary_region", "custom_key_store_id",
    "xks_key_id", "valid_to", "expiration_model", "rotation_enabled", "rotation_period_days",
    "next_rotation_date", "on_demand_rotation_start", "current_material_id",
}
_MATERIAL_COLUMNS = {
    "material_id", "wrapped", "created", "rotation_date", "rotation_type", "imported",
    "import_state", "valid_to", "expiration_model", "description",
}
_STORE_COLUMNS = {"name", "config", "connection_state"}


def _all(db: sqlite3.Connection, sql: str, args: tuple[Any, ...] | list[Any] = ()) -> list[Row]:
    cur = db.execute(sql, args)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _one(db: sqlite3.Connection, sql: str, args: tuple[Any, ...] | list[Any] = ()) -> Row | None:
    rows = _all(db, sql, args)
    return rows[0] if rows else None


def _insert(db: sqlite3.Connection, table: str, row: Row) -> None:
    cols = list(row)
    db.execute(
        f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        [row[c] for c in cols],
    )


def _set_clause(fields: Row, allowed: set[str]) -> tuple[str, list[Any]]:
    bad = set(fields) - allowed
    if bad:
        raise KeyError(f"unknown columns {sorted(bad)}")
    return ", ".join(f"{c} = ?" for c in fields), list(fields.values())


# -- keys -----------------------------------------------------------------------------------------


def insert_key(db: sqlite3.Connection, account: str, region: str, row: Row) -> None:
    _insert(db, "kms_keys", {"account": account, "region": region, **row})


def get_key(db: sqlite3.Connection, account: str, region: str, key_id: str) -> Row | None:
    return _one(db, "SELECT * FROM kms_keys WHERE account = ? AND region = ? AND key_id = ?",
                (account, region, key_id))


def list_keys(db: sqlite3.Connection, account: str, region: str) -> list[Row]:
    return _all(db, "SELECT * FROM kms_keys WHERE account = ? AND region = ? ORDER BY seq",
                (account, region))


def key_regions(db: sqlite3.Connection, account: str, key_id: str) -> list[Row]:
    """Every region's copy of a (multi-Region) key id in an account."""
    return _all(db, "SELECT * FROM kms_keys WHERE account = ? AND key_id = ? ORDER BY seq",
                (account, key_id))


def update_key(db: sqlite3.Connection, account: str, region: str, key_id: str,
               **fields: Any) -> None:
    clause, args = _set_clause(fields, _KEY_COLUMNS)
    db.execute(f"UPDATE kms_keys SET {clause} WHERE account = ? AND region = ? AND key_id = ?",
               [*args, account, region, key_id])


def delete_key(db: sqlite3.Connection, account: str, region: str, key_id: str) -> None:
    """Destroy a key and everything that hangs off it: material, aliases, grants, tags."""
    args = (account, region, key_id)
    for table in ("kms_key_material", "kms_aliases", "kms_grants", "kms_tags",
                  "kms_import_tokens", "kms_keys"):
        db.execute(f"DELETE FROM {table} WHERE account = ? AND region = ? AND key_id = ?", args)


def count_keys_in_store(db: sqlite3.Connection, account: str, region: str, store_id: str) -> int:
    return int(db.execute(
        "SELECT count(*) FROM kms_keys WHERE account = ? AND region = ? AND "
        "custom_key_store_id = ?", (account, region, store_id)).fetchone()[0])


# -- lazy housekeeping ----------------------------------------------------------------------------


def due_deletions(db: sqlite3.Connection, now: float) -> list[Row]:
    return _all(db, "SELECT * FROM kms_keys WHERE deletion_date IS NOT NULL AND "
                    "deletion_date <= ? ORDER BY deletion_date", (now,))


def due_rotations(db: sqlite3.Connection, now: float) -> list[Row]:
    return _all(db, "SELECT * FROM kms_keys WHERE next_rotation_date IS NOT NULL AND "
                    "next_rotation_date <= ? ORDER BY next_rotation_date", (now,))


def due_creations(db: sqlite3.Connection, created_before: float) -> list[Row]:
    """Keys still Creating (multi-Region replicas) that were created before the given time."""
    return _all(db, "SELECT * FROM kms_keys WHERE key_state = 'Creating' AND "
                    "creation_date <= ?", (created_before,))


def expired_material(db: sqlite3.Connection, now: float) -> list[Row]:
    return _all(db, "SELECT * FROM kms_key_material WHERE valid_to IS NOT NULL AND "
                    "valid_to <= ? AND wrapped IS NOT NULL", (now,))


# -- key material ---------------------------------------------------------------------------------


def insert_material(db: sqlite3.Connection, account: str, region: str, key_id: str,
                    row: Row) -> None:
    _insert(db, "kms_key_material",
            {"account": account, "region": region, "key_id": key_id, **row})


def get_material(db: sqlite3.Connection, account: str, region: str, key_id: str,
                 material_id: str) -> Row | None:
    return _one(db, "SELECT * FROM kms_key_material WHERE account = ? AND region = ? AND "
                    "key_id = ? AND material_id = ?", (account, region, key_id, material_id))


def list_material(db: sqlite3.Connection, account: str, region: str, key_id: str) -> list[Row]:
    return _all(db, "SELECT * FROM kms_key_material WHERE account = ? AND region = ? AND "
                    "key_id = ? ORDER BY seq", (account, region, key_id))


def update_material(db: sqlite3.Connection, account: str, region: str, key_id: str,
                    material_id: str, **fields: Any) -> None:
    clause, args = _set_clause(fields, _MATERIAL_COLUMNS)
    db.execute(f"UPDATE kms_key_material SET {clause} WHERE account = ? AND region = ? AND "
               "key_id = ? AND material_id = ?", [*args, account, region, key_id, material_id])


# -- aliases --------------------------------------------------------------------------------------


def get_alias(db: sqlite3.Connection, account: str, region: str, name: str) -> Row | None:
    return _one(db, "SELECT * FROM kms_aliases WHERE account = ? AND region = ? AND "
                    "alias_name = ?", (account, region, name))


def insert_alias(db: sqlite3.Connection, account: str, region: str, name: str, key_id: str,
                 now: float) -> None:
    _insert(db, "kms_aliases", {"account": account, "region": region, "alias_name": name,
                                "key_id": key_id, "creation_date": now, "last_updated": now})


def retarget_alias(db: sqlite3.Connection, account: str, region: str, name: str, key_id: str,
                   now: float) -> None:
    db.execute("UPDATE kms_aliases SET key_id = ?, last_updated = ? WHERE account = ? AND "
               "region = ? AND alias_name = ?", (key_id, now, account, region, name))


def delete_alias(db: sqlite3.Connection, account: str, region: str, name: str) -> None:
    db.execute("DELETE FROM kms_aliases WHERE account = ? AND region = ? AND alias_name = ?",
               (account, region, name))


def list_aliases(db: sqlite3.Connection, account: str, region: str,
                 key_id: str | None = None) -> list[Row]:
    sql = "SELECT * FROM kms_aliases WHERE account = ? AND region = ?"
    args: list[Any] = [account, region]
    if key_id is not None:
        sql += " AND key_id = ?"
        args.append(key_id)
    return _all(db, sql + " ORDER BY alias_name", args)


# -- grants ---------------------------------------------------------------------------------------


def _grant(row: Row | None) -> Row | None:
    if row is not None:
        row["operations"] = json.loads(row["operations"])
        row["constraints"] = json.loads(row["constraints"]) if row["constraints"] else None
    return row


def insert_grant(db: sqlite3.Connection, account: str, region: str, row: Row) -> None:
    row = dict(row)
    row["operations"] = json.dumps(row["operations"])
    row["constraints"] = json.dumps(row["constraints"]) if row.get("constraints") else None
    _insert(db, "kms_grants", {"account": account, "region": region, **row})


def get_grant(db: sqlite3.Connection, account: str, region: str, key_id: str,
              grant_id: str) -> Row | None:
    return _grant(_one(db, "SELECT * FROM kms_grants WHERE account = ? AND region = ? AND "
                           "key_id = ? AND grant_id = ?", (account, region, key_id, grant_id)))


def grant_by_token(db: sqlite3.Connection, token: str) -> Row | None:
    return _grant(_one(db, "SELECT * FROM kms_grants WHERE grant_token = ?", (token,)))


def list_grants(db: sqlite3.Connection, account: str, region: str, key_id: str) -> list[Row]:
    rows = _all(db, "SELECT * FROM kms_grants WHERE account = ? AND region = ? AND key_id = ? "
                    "ORDER BY seq", (account, region, key_id))
    return [g for g in map(_grant, rows) if g is not None]


def list_retirable_grants(db: sqlite3.Connection, account: str, region: str,
                          retiring: str) -> list[Row]:
    rows = _all(db, "SELECT * FROM kms_grants WHERE account = ? AND region = ? AND "
                    "retiring = ? ORDER BY seq", (account, region, retiring))
    return [g for g in map(_grant, rows) if g is not None]


def delete_grant(db: sqlite3.Connection, account: str, region: str, grant_id: str) -> None:
    db.execute("DELETE FROM kms_grants WHERE account = ? AND region = ? AND grant_id = ?",
               (account, region, grant_id))


# -- tags -----------------------------------------------------------------------------------------


def get_tags(db: sqlite3.Connection, account: str, region: str, key_id: str) -> list[Row]:
    return _all(db, "SELECT tag_key, tag_value FROM kms_tags WHERE account = ? AND region = ? "
                    "AND key_id = ? ORDER BY tag_key", (account, region, key_id))


def put_tag(db: sqlite3.Connection, account: str, region: str, key_id: str, key: str,
            value: str) -> None:
    db.execute("INSERT INTO kms_tags (account, region, key_id, tag_key, tag_value) VALUES "
               "(?,?,?,?,?) ON CONFLICT (account, region, key_id, tag_key) DO UPDATE SET "
               "tag_value = excluded.tag_value", (account, region, key_id, key, value))


def delete_tag(db: sqlite3.Connection, account: str, region: str, key_id: str,
               key: str) -> None:
    db.execute("DELETE FROM kms_tags WHERE account = ? AND region = ? AND key_id = ? AND "
               "tag_key = ?", (account, region, key_id, key))


# -- import tokens --------------------------------------------------------------------------------


def insert_import_token(db: sqlite3.Connection, account: str, region: str, row: Row) -> None:
    _insert(db, "kms_import_tokens", {"account": account, "region": region, **row})


def get_import_token(db: sqlite3.Connection, token_hash: str) -> Row | None:
    return _one(db, "SELECT * FROM kms_import_tokens WHERE token_hash = ?", (token_hash,))


# -- custom key stores ----------------------------------------------------------------------------


def _store(row: Row | None) -> Row | None:
    if row is not None:
        row["config"] = json.loads(row["config"])
    return row


def insert_key_store(db: sqlite3.Connection, account: str, region: str, row: Row) -> None:
    row = dict(row)
    row["config"] = json.dumps(row.get("config") or {}, sort_keys=True)
    _insert(db, "kms_custom_key_stores", {"account": account, "region": region, **row})


def get_key_store(db: sqlite3.Connection, account: str, region: str,
                  store_id: str) -> Row | None:
    return _store(_one(db, "SELECT * FROM kms_custom_key_stores WHERE account = ? AND "
                           "region = ? AND store_id = ?", (account, region, store_id)))


def list_key_stores(db: sqlite3.Connection, account: str, region: str) -> list[Row]:
    rows = _all(db, "SELECT * FROM kms_custom_key_stores WHERE account = ? AND region = ? "
                    "ORDER BY seq", (account, region))
    return [s for s in map(_store, rows) if s is not None]


def update_key_store(db: sqlite3.Connection, account: str, region: str, store_id: str,
                     **fields: Any) -> None:
    if "config" in fields:
        fields["config"] = json.dumps(fields["config"], sort_keys=True)
    clause, args = _set_clause(fields, _STORE_COLUMNS)
    db.execute(f"UPDATE kms_custom_key_stores SET {clause} WHERE account = ? AND region = ? "
               "AND store_id = ?", [*args, account, region, store_id])


def delete_key_store(db: sqlite3.Connection, account: str, region: str, store_id: str) -> None:
    db.execute("DELETE FROM kms_custom_key_stores WHERE account = ? AND region = ? AND "
               "store_id = ?", (account, region, store_id))


def service_event_logged(db: sqlite3.Connection, account: str, region: str, event_name: str,
                         arn: str, when: float) -> bool:
    """Whether KMS's own event (DeleteKey, RotateKey, ...) for this key and time is logged.

    Lazy lifecycle work redone after a rolled-back request must not be logged twice.
    """
    return db.execute(
        "SELECT 1 FROM events WHERE account = ? AND region = ? AND event_name = ? AND "
        "principal = 'kms.amazonaws.com' AND event_time = ? AND EXISTS (SELECT 1 FROM "
        "json_each(resources) WHERE json_extract(value, '$.ResourceName') = ?) LIMIT 1",
        (account, region, event_name, when, arn)).fetchone() is not None


def key_deleted(db: sqlite3.Connection, account: str, region: str, arn: str) -> bool:
    """Whether KMS deleted this key (its DeleteKey event is in the log)."""
    return db.execute(
        "SELECT 1 FROM events WHERE account = ? AND region = ? AND event_name = 'DeleteKey' AND "
        "principal = 'kms.amazonaws.com' AND EXISTS (SELECT 1 FROM json_each(resources) WHERE "
        "json_extract(value, '$.ResourceName') = ?) LIMIT 1",
        (account, region, arn)).fetchone() is not None
