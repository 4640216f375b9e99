"""Resource names for shell completion: one read-only query, no migration, no state created.

The completer runs on every <TAB>, so it opens state.db with SQLite's `mode=ro` URI (a missing
file is no state, never a new one), runs one query, and closes. A state written by a newer
schema, or a locked or corrupt file, answers nothing rather than an error.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

# kind -> one query over (account, region); each row is one candidate.
QUERIES = {
    "queue-url": "SELECT 'https://sqs.' || region || '.amazonaws.com/' || account || '/' || name "
    "FROM sqs_queues WHERE account = ? AND region = ? ORDER BY name",
    "queue-arn": "SELECT arn FROM sqs_queues WHERE account = ? AND region = ? ORDER BY name",
    "key-id": "SELECT key_id FROM kms_keys WHERE account = ?1 AND region = ?2 "
    "UNION ALL SELECT alias_name FROM kms_aliases WHERE account = ?1 AND region = ?2",
    "topic-arn": "SELECT arn FROM sns_topics WHERE account = ? AND region = ? ORDER BY seq",
    "subscription-arn": "SELECT arn FROM sns_subscriptions WHERE account = ? AND region = ? "
    "ORDER BY seq",
}


def resource_names(state_dir: Path, account: str, region: str, kind: str) -> list[str]:
    """The names of one kind of resource in the state, for completion; [] when there is none."""
    path = state_dir / "state.db"
    if not path.is_file():
        return []
    uri = f"file:{quote(str(path))}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=0.05)
        try:
            return [row[0] for row in conn.execute(QUERIES[kind], (account, region))]
        finally:
            conn.close()
    except sqlite3.Error:
        return []
