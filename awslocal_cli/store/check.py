"""`awslocal local check`: find damage before a request stumbles on it.

Reads the whole state once: SQLite's integrity_check, the root-key fingerprint, every wrapped
key material, data key and secret opening under the root key (and every data key's KMS
ciphertext under its KMS key), every stored key, queue and topic policy parsing, and every row
of the exported tables against what the model allows (portable/rows.py, handed in by the front
door: the store sits below the model). It writes nothing. A stored key policy that fails to
parse would act as deny-all; a wrapped blob that fails to open would surface as
InvalidCiphertext on the one request that needs it.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from awslocal_cli.errors import ConfigurationError
from awslocal_cli.store import DB_NAME, ROOT_KEY_NAME, Store, root_key_fingerprint

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    # Rows checked and the problems found: what the model allows lives above the store
    # (awslocal_cli/portable/export.py `model_check`), so the front door hands it in.
    ModelCheck = Callable[[sqlite3.Connection], tuple[int, Iterable[str]]]

_MAX_SHOWN = 20  # problems listed per check; the count is always complete
_SQS_CACHE_KEY_ID = "sqs-data-key"  # the key id services/sqs_sse.py wraps cached data keys with


class _Check:
    def __init__(self, name: str) -> None:
        self.name = name
        self.checked = 0
        self.problems: list[str] = []
        self.total = 0
        self.skipped: str | None = None  # why nothing was checked, though there was something

    def problem(self, text: str) -> None:
        self.total += 1
        if len(self.problems) < _MAX_SHOWN:
            self.problems.append(text)

    def skip(self, reason: str) -> None:
        self.skipped, self.checked, self.problems, self.total = reason, 0, [], 0

    def result(self) -> dict[str, Any]:
        if self.skipped:
            return {"Name": self.name, "Checked": 0, "Status": "skipped", "ProblemCount": 0,
                    "Reason": self.skipped}
        out: dict[str, Any] = {"Name": self.name, "Checked": self.checked,
                               "Status": "ok" if not self.total else "failed",
                               "ProblemCount": self.total}
        if self.problems:
            out["Problems"] = self.problems
        return out


def run(store: Store, *, model: ModelCheck | None = None) -> dict[str, Any]:
    """The report of every check; `Clean` is False when any found a problem. `model`, when
    given, checks every row against what the model allows (the "Model" check)."""
    conn = store.conn
    checks: list[_Check] = []

    database = _Check("Database")
    checks.append(database)
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        database.checked = 1
        for line in rows:
            if line != "ok":
                database.problem(f"integrity_check: {line}")
        for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
            database.problem(f"foreign_key_check: {table} row {rowid} points at no {parent} row")
    except sqlite3.DatabaseError as exc:
        database.problem(f"the database cannot be read: {exc}")
        return _report(store, checks)

    try:
        _run_checks(store, checks)
        if model is not None:
            _model(conn, checks, model)
    except (sqlite3.Error, ValueError) as exc:  # a row SQLite cannot hand back as stored
        database.problem(f"reading the state failed: {exc}")
    return _report(store, checks)


def _run_checks(store: Store, checks: list[_Check]) -> None:
    conn = store.conn
    root, root_check = _root_key(store)
    checks.append(root_check)
    opened: dict[tuple[str, str, str, str], bytes | None] = {}

    def material(account: str, region: str, key_id: str, mid: str) -> bytes | None:
        """Unwrapped KMS key material, or None if it is missing or does not open."""
        ident = (account, region, key_id, mid)
        if ident not in opened:
            row = conn.execute(
                "SELECT wrapped FROM kms_key_material WHERE account = ? AND region = ? AND "
                "key_id = ? AND material_id = ?", ident).fetchone()
            opened[ident] = _unwrap(root, key_id, mid, row[0]) if row and row[0] else None
        return opened[ident]

    keys = _Check("KeyMaterial")
    checks.append(keys)
    for account, region, key_id, mid in conn.execute(
            "SELECT account, region, key_id, material_id FROM kms_key_material "
            "WHERE wrapped IS NOT NULL ORDER BY seq"):
        keys.checked += 1
        if root is not None and material(account, region, key_id, mid) is None:
            keys.problem(f"key {key_id} ({account}, {region}) material {mid} does not unwrap")

    data_keys = _Check("DataKeys")
    checks.append(data_keys)

    def kms_blob(what: str, account: str, region: str, blob: bytes,
                 context: dict[str, str]) -> None:
        if root is None:
            return  # skipped below: no material opens without the root key
        from awslocal_cli import crypto

        try:
            ref, mid = crypto.parse_blob(bytes(blob))
        except crypto.InvalidCiphertext:
            data_keys.problem(f"{what}: its KMS ciphertext is not a ciphertext blob")
            return
        blob_account, _, key_id = ref.rpartition(":")
        m = material(blob_account or account, region, key_id, mid)
        if m is None:
            data_keys.problem(f"{what}: the KMS key {key_id} or its material {mid} is gone "
                              "or does not unwrap")
            return
        try:
            crypto.decrypt_blob(m, bytes(blob), context)
        except crypto.InvalidCiphertext:
            data_keys.problem(f"{what}: its KMS ciphertext does not decrypt")

    for ident, account, region, queue_arn, kind, wrapped, cached, generated_at in conn.execute(
            "SELECT id, account, region, queue_arn, kind, wrapped, cached, generated_at "
            "FROM sqs_data_keys ORDER BY id").fetchall():
        what = f"SQS data key {ident} of {queue_arn}"
        if cached is not None:
            data_keys.checked += 1
            # The tag and key id sqs_sse.py wraps its cached data keys with.
            tag = f"{account}:{region}:{ident}:{generated_at!r}"
            if root is not None and _unwrap(root, _SQS_CACHE_KEY_ID, tag, cached) is None:
                data_keys.problem(f"{what}: the cached data key does not unwrap")
        if wrapped is not None and kind == "SSE-KMS":
            data_keys.checked += 1
            kms_blob(what, account, region, wrapped, {"aws:sqs:arn": queue_arn})
    for account, region, arn, principal, wrapped, cached in conn.execute(
            "SELECT account, region, topic_arn, principal, wrapped, cached "
            "FROM sns_data_keys").fetchall():
        what = f"SNS data key of {arn} for {principal}"
        data_keys.checked += 2
        # The label services/sns/encryption.py `cache_label` wraps it for.
        if root is not None and _unwrap(root, "sns-data-key", f"{arn}\n{principal}",
                                        cached) is None:
            data_keys.problem(f"{what}: the cached data key does not unwrap")
        kms_blob(what, account, region, wrapped, {"aws:sns:topicArn": arn})

    secrets = _Check("OtherSecrets")
    checks.append(secrets)
    wrapped_secrets: list[tuple[str, str, str, bytes]] = []
    for token_hash, key_id, blob in conn.execute(
            "SELECT token_hash, key_id, wrapped_private FROM kms_import_tokens"):
        wrapped_secrets.append((f"import token of key {key_id}", "import:" + token_hash,
                                "0" * 64, blob))
    for account, region, blob in conn.execute(
            "SELECT account, region, private_key FROM sns_signing"):
        wrapped_secrets.append((f"SNS signing key ({account}, {region})", "sns-signing",
                                f"{account}:{region}", blob))
    for arn, credentials in conn.execute(
            "SELECT arn, credentials FROM sns_platform_applications"):
        sealed = _json(credentials, {}).get("sealed") if credentials else None
        if sealed:
            import base64
            import binascii

            try:
                blob = base64.b64decode(sealed, validate=True)
            except (binascii.Error, ValueError):
                secrets.checked += 1
                secrets.problem(f"credentials of {arn}: not base64")
                continue
            wrapped_secrets.append((f"credentials of {arn}", "sns-platform-credentials", arn,
                                    blob))
    for what, key_id, mid, blob in wrapped_secrets:
        secrets.checked += 1
        if root is not None and _unwrap(root, key_id, mid, blob) is None:
            secrets.problem(f"{what} does not unwrap")
    if root is None:
        # Nothing wrapped was opened, so none of it may be called ok (issue 25): each check
        # that had something to open says it was skipped, and why.
        for wrapped_check in (keys, data_keys, secrets):
            if wrapped_check.checked:
                wrapped_check.skip("nothing was unwrapped: the root key is missing or not the "
                                   "one this state was made with (see the RootKey check)")

    policies = _Check("Policies")
    checks.append(policies)
    from awslocal_cli import policy

    def parse(what: str, document: str) -> None:
        policies.checked += 1
        try:
            policy.parse(document)
        except policy.PolicyError as exc:
            policies.problem(f"{what}: {exc}")

    for arn, document in conn.execute("SELECT arn, policy FROM kms_keys"):
        parse(f"key policy of {arn}", document)
    for table, kind in (("sqs_queues", "queue"), ("sns_topics", "topic")):
        for arn, attributes in conn.execute(f"SELECT arn, attributes FROM {table}"):
            attrs = _json(attributes, None)
            if not isinstance(attrs, dict):
                policies.checked += 1
                policies.problem(f"attributes of {kind} {arn} are not a JSON object")
                continue
            if attrs.get("Policy"):
                parse(f"{kind} policy of {arn}", attrs["Policy"])


def _model(conn: sqlite3.Connection, checks: list[_Check], model: ModelCheck) -> None:
    check = _Check("Model")
    checks.append(check)
    checked, problems = model(conn)
    check.checked = checked
    for problem in problems:
        check.problem(problem)


def _report(store: Store, checks: list[_Check]) -> dict[str, Any]:
    results = [c.result() for c in checks]
    total = sum(c.total for c in checks)
    return {"StateDirectory": str(store.directory), "Clean": total == 0,
            "ProblemCount": total, "Checks": results}


def _root_key(store: Store) -> tuple[bytes | None, _Check]:
    check = _Check("RootKey")
    check.checked = 1
    path = store.directory / ROOT_KEY_NAME
    try:
        data = store._read_root_key()
    except ConfigurationError as exc:  # a link, a loose mode, a damaged key: a finding here
        check.problem(exc.message)
        return None, check
    row = store.conn.execute("SELECT fingerprint FROM root_key WHERE id = 1").fetchone()
    if data is None:
        if row is not None or store._holds_wrapped_material():
            check.problem(f"{path} is missing, but {DB_NAME} holds material wrapped by it")
        return None, check
    if row is None:
        if store._holds_wrapped_material():
            check.problem("no fingerprint of the root key is recorded yet (it is recorded on "
                          "the next command that opens the state)")
        return data, check
    if row[0] != root_key_fingerprint(data):
        check.problem(f"{path} does not match the fingerprint recorded in {DB_NAME}: it is "
                      "not the root key this state was made with")
        return None, check
    return data, check


def _unwrap(root: bytes | None, key_id: str, mid: str, blob: bytes) -> bytes | None:
    from awslocal_cli import crypto

    if root is None:
        return None
    try:
        return crypto.unwrap_material(root, key_id, mid, bytes(blob))
    except crypto.InvalidCiphertext:
        return None


def _json(text: str, default: Any) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return default

