"""`awslocal local export` / `awslocal local import`: the whole state as one versioned document.

The document (format in state/README.md, "Export format") holds the rows of the tables below,
for every account and region, and the clock offset. What is kept under root.key in state.db
(key material, the data keys SQS caches, SNS platform credentials, custom key store settings)
and message bodies are never in the clear in it: each is unwrapped with this directory's root
key and encrypted under a key derived from a passphrase (scrypt, its parameters in the
document), then re-wrapped with the importing directory's root key, so an import works in a
new directory. With `--no-secrets` they are left out and the document lists the keys whose
material it lacks (their ciphertexts cannot be decrypted after an import).

Format 2 (issue 25) authenticates the whole document when it has a passphrase: a MAC under a
subkey of the passphrase key over its canonical JSON, and each secret sealed with an AAD naming
its table, column and its row's natural key, so a secret cannot be moved to another row. Every
import (format 1 or 2, with or without a passphrase) checks each row against the model
(portable/rows.py) before writing, and a refusal names the first bad field. Format 1 documents
still import; they carry no MAC, and the report says the document was not authenticated.

Left out, as they are logs, caches or short-lived: the audit event log, import tokens (valid
24 h), recently deleted queue names (60 s), FIFO deduplication and receive attempts (5 min),
message move tasks, which consumer last decrypted which SQS data key, SNS data keys (a 5-minute
cache per publisher), the SNS delivery log, outbox, archive, pending HTTP retries and signing
key (a new one is made on first use).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from awslocal_cli.errors import ConfigurationError, ParamValidationError

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Iterator

    from awslocal_cli.context import Context

FORMAT = "awslocal-state-export"
FORMAT_VERSION = 2
_CHECK = b"awslocal-state-export passphrase check"
_MAX_KDF_MEMORY = 1 << 30


# -- secrets: (row as stored, column value) -> plaintext, and back -----------------------------


def _material_out(root: bytes, row: dict[str, Any], value: Any) -> bytes:
    from awslocal_cli import crypto

    return crypto.unwrap_material(root, row["key_id"], row["material_id"], bytes(value))


def _material_in(root: bytes, row: dict[str, Any], plain: bytes) -> Any:
    from awslocal_cli import crypto

    return crypto.wrap_material(root, row["key_id"], row["material_id"], plain)


def _cache_out(root: bytes, row: dict[str, Any], value: Any) -> bytes:
    from awslocal_cli import crypto
    from awslocal_cli.services.sqs.sse import _CACHE_KEY_ID, _tag

    return crypto.unwrap_material(root, _CACHE_KEY_ID, _tag(row), bytes(value))


def _cache_in(root: bytes, row: dict[str, Any], plain: bytes) -> Any:
    from awslocal_cli import crypto
    from awslocal_cli.services.sqs.sse import _CACHE_KEY_ID, _tag

    # The label names the row id, which the import renumbers: wrap for the new row.
    return crypto.wrap_material(root, _CACHE_KEY_ID, _tag(row), plain)


_CREDENTIALS_LABEL = "sns-platform-credentials"  # services/sns/platform.py `_sealed`


def _credentials_out(root: bytes, row: dict[str, Any], value: Any) -> bytes | None:
    from awslocal_cli import crypto

    sealed = json.loads(value or "{}").get("sealed")
    if sealed is None:
        return None
    return crypto.unwrap_material(root, _CREDENTIALS_LABEL, row["arn"], base64.b64decode(sealed))


def _credentials_in(root: bytes, row: dict[str, Any], plain: bytes) -> Any:
    from awslocal_cli import crypto

    blob = crypto.wrap_material(root, _CREDENTIALS_LABEL, row["arn"], plain)
    return json.dumps({"sealed": base64.b64encode(blob).decode()})


_SecretOut = Callable[[bytes, dict[str, Any], Any], "bytes | None"]
_SecretIn = Callable[[bytes, dict[str, Any], bytes], Any]
_MATERIAL = (_material_out, _material_in)
_SQS_CACHE = (_cache_out, _cache_in)
_BYTES: tuple[_SecretOut, _SecretIn] = (lambda _r, _row, v: bytes(v), lambda _r, _row, p: p)
_TEXT: tuple[_SecretOut, _SecretIn] = (lambda _r, _row, v: str(v).encode(),
                                       lambda _r, _row, p: p.decode())
_CREDENTIALS = (_credentials_out, _credentials_in)


class _Table:
    """How one table travels: its order, its ids, what names a row, what in it is secret."""

    def __init__(self, name: str, order: str, *, natural: tuple[str, ...] = (),
                 drop: str | None = None, renumber: str | None = None,
                 remap: dict[str, str] | None = None,
                 secrets: dict[str, tuple[_SecretOut, _SecretIn]] | None = None,
                 messages: bool = False, identity: tuple[str, ...] = ()) -> None:
        self.name = name
        self.order = order
        self.natural = natural       # the columns that name a row (merge conflicts)
        self.drop = drop             # an AUTOINCREMENT listing order, re-drawn on import
        self.renumber = renumber     # an id other rows point at, renumbered on import
        self.remap = remap or {}     # column -> the table whose renumbered id it holds
        self.secrets = secrets or {}
        self.messages = messages     # only with --include-messages
        # What a secret of a row is bound to (format 2): its natural key, else its exported id.
        self.identity = natural or identity


TABLES = [
    _Table("kms_custom_key_stores", "seq", drop="seq", natural=("account", "region", "store_id"),
           secrets={"config": _TEXT}),
    _Table("kms_keys", "seq", drop="seq", natural=("account", "region", "key_id")),
    _Table("kms_key_material", "seq", drop="seq",
           natural=("account", "region", "key_id", "material_id"),
           secrets={"wrapped": _MATERIAL}),
    _Table("kms_aliases", "creation_date", natural=("account", "region", "alias_name")),
    _Table("kms_grants", "seq", drop="seq", natural=("account", "region", "grant_id")),
    _Table("kms_tags", "key_id", natural=("account", "region", "key_id", "tag_key")),
    _Table("sqs_queues", "id", renumber="id", natural=("account", "region", "name")),
    _Table("sqs_data_keys", "id", renumber="id", remap={"queue_id": "sqs_queues"},
           secrets={"cached": _SQS_CACHE}, messages=True,
           identity=("account", "region", "id")),
    _Table("sqs_messages", "id", renumber="id",
           remap={"queue_id": "sqs_queues", "data_key_id": "sqs_data_keys"},
           secrets={"body": _BYTES}, messages=True,
           identity=("account", "region", "id", "message_id")),
    _Table("sns_topics", "seq", drop="seq", natural=("account", "region", "name")),
    _Table("sns_tags", "topic_arn", natural=("account", "region", "topic_arn", "tag_key")),
    _Table("sns_subscriptions", "seq", drop="seq", natural=("arn",)),
    _Table("sns_platform_applications", "seq", drop="seq", natural=("arn",),
           secrets={"credentials": _CREDENTIALS}),
    _Table("sns_platform_endpoints", "seq", drop="seq", natural=("arn",)),
    _Table("sns_sms_settings", "account", natural=("account", "region")),
    _Table("sns_sandbox_numbers", "seq", drop="seq",
           natural=("account", "region", "phone_number")),
    _Table("sns_phone_numbers", "phone_number", natural=("account", "region", "phone_number")),
]


# -- the passphrase key ---------------------------------------------------------------------------


def _new_kdf() -> dict[str, Any]:
    import os

    from awslocal_cli.crypto.portable import SCRYPT_DEFAULTS

    return {"Name": "scrypt", "Salt": base64.b64encode(os.urandom(16)).decode(),
            **SCRYPT_DEFAULTS}


def _derive(kdf: dict[str, Any], passphrase: bytes) -> bytes:
    from awslocal_cli.crypto import portable

    if kdf.get("Name") != "scrypt":
        raise ConfigurationError(f"The export names an unknown KDF {kdf.get('Name')!r}.")
    try:
        n, r, p = int(kdf["N"]), int(kdf["r"]), int(kdf["p"])
        # A document is input: parameters that would take gigabytes or hours are refused.
        if 128 * n * r > _MAX_KDF_MEMORY or p > 16:
            raise ValueError(f"N={n}, r={r}, p={p} is beyond what awslocal derives")
        return portable.derive_key(passphrase, base64.b64decode(kdf["Salt"]), N=n, r=r, p=p,
                                   Length=int(kdf["Length"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigurationError(f"The export's KDF parameters are not usable: {exc}.") from None


# -- what binds a secret and the document ----------------------------------------------------------


def _secret_where(version: int, table: _Table, column: str, row: dict[str, Any]) -> str:
    """The AAD label of a secret: format 1 names the column; format 2 also the row (its
    natural key as exported), so swapping two rows' secrets makes both fail to open."""
    where = f"{table.name}.{column}"
    if version < 2:
        return where
    bound = json.dumps([row.get(c) for c in table.identity], separators=(",", ":"),
                       ensure_ascii=True)
    return f"{where}\x00{bound}"


def _check_where(version: int) -> str:
    # Format 2 names its version in the passphrase check, so a document edited to claim
    # format 1 (no MAC) fails the check instead of importing unauthenticated.
    return "Check" if version < 2 else f"Check\x00FormatVersion={version}"


def _canonical(doc: dict[str, Any]) -> bytes:
    """The bytes the document MAC covers: the document without Secrets.Mac, as sorted,
    compact, ASCII JSON (the same for a JSON and a YAML rendering of one document)."""
    body = dict(doc)
    secrets = dict(body.get("Secrets") or {})
    secrets.pop("Mac", None)
    body["Secrets"] = secrets
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                      allow_nan=False).encode()


# -- export ---------------------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"Base64": base64.b64encode(bytes(value)).decode()}
    return value


def export_state(ctx: Context, *, passphrase: bytes | None, include_messages: bool,
                 no_secrets: bool) -> dict[str, Any]:
    """The export document of the whole state (every account and region)."""
    from datetime import datetime, timezone

    from awslocal_cli import __version__
    from awslocal_cli.crypto import InvalidCiphertext, portable
    from awslocal_cli.store import portable as db

    if no_secrets and include_messages:
        raise ParamValidationError("--include-messages needs the secrets: message bodies are "
                                   "only exported encrypted (drop --no-secrets).")
    store = ctx.store
    conn = store.conn
    doc: dict[str, Any] = {
        "Format": FORMAT, "FormatVersion": FORMAT_VERSION,
        "SchemaVersion": store.schema_version(), "WrittenBy": f"awslocal-cli {__version__}",
        "ExportedAt": datetime.now(timezone.utc).isoformat(),
        "ClockOffsetSeconds": store.clock_offset(), "IncludesMessages": include_messages,
    }
    key: bytes | None = None
    if no_secrets:
        doc["Secrets"] = {"Omitted": True, "KeysWithoutMaterial": []}
    else:
        assert passphrase is not None
        kdf = _new_kdf()
        key = _derive(kdf, passphrase)
        doc["Secrets"] = {"Cipher": "AES-256-GCM", "Kdf": kdf, "Check": base64.b64encode(
            portable.seal_secret(key, _CHECK, _check_where(FORMAT_VERSION))).decode()}
    root = store.root_key() if key is not None else b""
    tables: dict[str, list[dict[str, Any]]] = {}
    lacking: list[str] = []
    for table in TABLES:
        if table.messages and not include_messages:
            continue
        if not db.columns(conn, table.name):
            continue
        out = []
        for row in db.rows(conn, table.name, table.order):
            entry = {}
            for column, value in row.items():
                if column == table.drop:
                    continue
                if column in table.secrets:
                    if value is None:
                        entry[column] = None
                        continue
                    if key is None:
                        if table.name == "kms_key_material":
                            lacking.append(f"{row['account']}:{row['region']}:{row['key_id']}")
                        continue  # left out; the import's column default applies
                    try:
                        plain = table.secrets[column][0](root, row, value)
                    except InvalidCiphertext:
                        raise ConfigurationError(
                            f"A secret in {table.name} does not open with the root key of "
                            f"{store.directory}; the state is damaged.") from None
                    if plain is None:
                        continue
                    where = _secret_where(FORMAT_VERSION, table, column, row)
                    entry[column] = {"Secret": base64.b64encode(portable.seal_secret(
                        key, plain, where)).decode()}
                    continue
                entry[column] = _encode(value)
            out.append(entry)
        tables[table.name] = out
    if no_secrets:
        keys = {f"{k['account']}:{k['region']}:{k['key_id']}": k["arn"]
                for k in tables.get("kms_keys", [])}
        doc["Secrets"]["KeysWithoutMaterial"] = sorted({keys[n] for n in lacking if n in keys})
    doc["Tables"] = tables
    if key is not None:
        doc["Secrets"]["Mac"] = {"Algorithm": "HMAC-SHA256", "Value": base64.b64encode(
            portable.document_mac(key, _canonical(doc))).decode()}
    return doc


def dump(doc: dict[str, Any], fmt: str) -> str:
    """The document as JSON (default) or YAML text."""
    if fmt == "yaml":
        import yaml

        return str(yaml.safe_dump(doc, sort_keys=False, default_flow_style=False))
    return json.dumps(doc, indent=1) + "\n"


# -- import ---------------------------------------------------------------------------------------


def parse(text: str, path: str) -> dict[str, Any]:
    """An export document read from JSON or YAML text."""
    stripped = text.lstrip()
    try:
        if stripped.startswith("{"):
            doc = json.loads(text)
        else:
            import yaml

            doc = yaml.safe_load(text)
    except ValueError as exc:  # json.JSONDecodeError
        raise ParamValidationError(f"{path} is not an awslocal export: {exc}") from None
    except Exception as exc:  # yaml.YAMLError, without importing yaml for JSON input
        raise ParamValidationError(f"{path} is not an awslocal export: {exc}") from None
    if not isinstance(doc, dict) or doc.get("Format") != FORMAT:
        raise ParamValidationError(f"{path} is not an awslocal export (no Format: {FORMAT}).")
    version = doc.get("FormatVersion")
    if not isinstance(version, int) or version < 1 or version > FORMAT_VERSION:
        raise ConfigurationError(
            f"{path} has export format version {version!r}; this awslocal reads versions 1 to "
            f"{FORMAT_VERSION}. Upgrade awslocal.")
    return doc


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"Base64"}:
        return base64.b64decode(value["Base64"])
    return value


def secrets_omitted(doc: dict[str, Any]) -> bool:
    """Whether the document was written with --no-secrets (no passphrase is needed)."""
    return bool((doc.get("Secrets") or {}).get("Omitted"))


def _refused(text: str) -> ConfigurationError:
    return ConfigurationError(f"{text} Nothing was imported.")


def _authenticate(doc: dict[str, Any], version: int, passphrase: bytes | None) -> bytes | None:
    """The passphrase key once the passphrase check and (format 2) the document MAC pass;
    None for a document without secrets."""
    from awslocal_cli.crypto import InvalidCiphertext, portable

    secrets = doc.get("Secrets")
    if not isinstance(secrets, dict):
        raise _refused("The export has no Secrets member: it is damaged.")
    if secrets.get("Omitted"):
        return None
    if passphrase is None:
        raise ParamValidationError("The export's secrets need its passphrase.")
    key = _derive(secrets.get("Kdf") or {}, passphrase)
    try:
        ok = portable.open_secret(key, base64.b64decode(secrets.get("Check", ""), validate=True),
                                  _check_where(version)) == _CHECK
    except (InvalidCiphertext, ValueError, TypeError):
        ok = False
    if not ok:
        raise ParamValidationError("The passphrase does not open this export; nothing "
                                   "was imported.")
    if version >= 2:
        mac = secrets.get("Mac")
        try:
            value = base64.b64decode(mac["Value"], validate=True) if isinstance(mac, dict) and \
                mac.get("Algorithm") == "HMAC-SHA256" else None
            authentic = value is not None and portable.mac_matches(key, _canonical(doc), value)
        except (TypeError, ValueError):  # a value JSON cannot hold (from YAML), bad base64
            authentic = False
        if not authentic:
            raise _refused("The export was changed after it was written: its MAC "
                           "(Secrets.Mac) does not match the document.")
    return key


def _decoded(tables: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The rows with their BLOB columns decoded (secret columns still sealed)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for table in TABLES:
        entries = tables.get(table.name)
        if entries is None:
            continue
        if not isinstance(entries, list):
            raise _refused(f"Tables.{table.name}: is not a list of rows.")
        rows = []
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict):
                raise _refused(f"Tables.{table.name}[{i}]: is not an object of columns.")
            row = {}
            for column, value in entry.items():
                if column == table.drop:
                    continue
                if column in table.secrets and isinstance(value, dict):
                    row[column] = value
                    continue
                try:
                    row[column] = _decode(value)
                except (ValueError, TypeError):
                    raise _refused(f"Tables.{table.name}[{i}].{column}: is not valid "
                                   "base64.") from None
            rows.append(row)
        out[table.name] = rows
    return out


def _validate(conn: Any, doc: dict[str, Any], rows: dict[str, list[dict[str, Any]]],
              merge: bool) -> None:
    """Refuse the first value the model does not allow, naming its field."""
    import itertools
    import time

    from awslocal_cli.clock import check_epoch
    from awslocal_cli.portable import rows as model
    from awslocal_cli.store import portable as db

    offset = doc.get("ClockOffsetSeconds", 0)
    if offset is not None:
        try:
            if isinstance(offset, bool) or not isinstance(offset, (int, float)):
                raise ValueError("not a number")
            check_epoch(time.time() + float(offset))
        except (ValueError, OverflowError):
            raise _refused(f"ClockOffsetSeconds: {offset!r} is not an offset the local clock "
                           "can hold (it stays between the years 1 and 9999).") from None
    columns = {t.name: model.table_columns(conn, t.name) for t in TABLES}
    secret = {t.name: set(t.secrets) for t in TABLES}

    def exists(table: str, named: dict[str, Any]) -> bool:
        plain = all(isinstance(v, (str, int, float, type(None))) for v in named.values())
        return merge and plain and db.exists(conn, table, named)

    first = next(itertools.islice(model.problems(
        rows, columns, lambda table, i, _row: f"Tables.{table}[{i}]", exists=exists,
        secret_columns=secret), 1), None)
    if first is not None:
        raise _refused(f"The export holds a value awslocal does not allow: {first}.")


def import_state(ctx: Context, doc: dict[str, Any], *, passphrase: bytes | None,
                 merge: bool) -> dict[str, Any]:
    """Write the document's rows into the state, in ctx's transaction; the report.

    Nothing is written until the whole document passed: the passphrase check, the document
    MAC (format 2), every secret opening, every row against the model, the target's rows.
    """
    from awslocal_cli.crypto import InvalidCiphertext, portable
    from awslocal_cli.store import portable as db

    store = ctx.store
    conn = store.conn
    ours = store.schema_version()
    theirs = doc.get("SchemaVersion")
    if not isinstance(theirs, int) or isinstance(theirs, bool) or theirs > ours:
        raise ConfigurationError(
            f"The export was written with schema version {theirs!r}, newer than this awslocal "
            f"knows ({ours}). Upgrade awslocal.")
    version = int(doc["FormatVersion"])
    key = _authenticate(doc, version, passphrase)
    secrets = doc["Secrets"]
    tables = doc.get("Tables") or {}
    if not isinstance(tables, dict):
        raise _refused("Tables: is not an object of tables.")
    known = {t.name for t in TABLES}
    unknown = sorted(set(tables) - known)
    if unknown:
        raise ConfigurationError(f"The export holds tables this awslocal does not import: "
                                 f"{', '.join(unknown)}.")
    rows = _decoded(tables)
    _validate(conn, doc, rows, merge)
    # Every secret opens before anything is written (bound to its row in format 2).
    for table in TABLES:
        for i, row in enumerate(rows.get(table.name) or []):
            for column in table.secrets:
                value = row.get(column)
                if not isinstance(value, dict):
                    continue
                if key is None:
                    row.pop(column)
                    continue
                try:
                    row[column] = portable.open_secret(
                        key, base64.b64decode(value["Secret"], validate=True),
                        _secret_where(version, table, column, row))
                except (InvalidCiphertext, KeyError, ValueError, TypeError):
                    raise _refused(
                        f"Tables.{table.name}[{i}].{column}: the secret does not open: the "
                        "document was changed after it was written.") from None
    _check_target(conn, tables, merge, store.directory)
    root = store.root_key() if key is not None else b""
    ids: dict[str, dict[Any, int]] = {}
    counts: dict[str, int] = {}
    for table in TABLES:
        entries = rows.get(table.name)
        if not entries:
            continue
        allowed = db.columns(conn, table.name)
        mapping = ids.setdefault(table.name, {})
        next_id = db.next_id(conn, table.name, table.renumber) if table.renumber else 0
        for row in entries:
            for column, target in table.remap.items():
                if row.get(column) is not None:
                    # A data key of a queue that was deleted points at no queue (id 0).
                    row[column] = ids.get(target, {}).get(row[column], 0)
            if table.renumber and merge:
                mapping[row[table.renumber]] = next_id
                row[table.renumber] = next_id
                next_id += 1
            elif table.renumber:
                # Into an empty state the ids stay: receipt handles name them, so a message
                # received before the export can still be deleted with its handle.
                mapping[row[table.renumber]] = row[table.renumber]
            for column, (_, wrap) in table.secrets.items():
                plain = row.get(column)
                if isinstance(plain, bytes):
                    row[column] = wrap(root, row, plain)
            db.insert(conn, table.name, row, allowed)
        counts[table.name] = len(entries)
    offset = doc.get("ClockOffsetSeconds")
    if not merge and isinstance(offset, (int, float)) and offset:
        store._set_meta("clock_offset", repr(float(offset)))
    ctx.session._clock = None  # services read the imported offset from here on
    return {"Imported": counts, "Merged": merge,
            "ClockOffsetSeconds": store.clock_offset(),
            "Authenticated": key is not None and version >= 2,
            "KeysWithoutMaterial": list(secrets.get("KeysWithoutMaterial") or [])}


def _check_target(conn: Any, tables: dict[str, Any], merge: bool, directory: Any) -> None:
    """An import goes into an empty state, or merges without touching what exists."""
    from awslocal_cli.store import portable as db

    if not merge:
        busy = [t.name for t in TABLES if db.columns(conn, t.name) and db.count(conn, t.name)]
        if busy:
            raise ConfigurationError(
                f"The state in {directory} is not empty ({', '.join(busy)}); import into a new "
                "state directory, run `awslocal local reset --yes` first, or pass --merge. "
                "Nothing was imported.")
        return
    conflicts = []
    for table in TABLES:
        if not table.natural:
            continue
        for entry in tables.get(table.name) or []:
            named = {c: entry.get(c) for c in table.natural}
            if db.exists(conn, table.name, named):
                conflicts.append(f"{table.name} {'/'.join(str(v) for v in named.values())}")
    if conflicts:
        shown = "; ".join(conflicts[:10]) + ("; ..." if len(conflicts) > 10 else "")
        raise ConfigurationError(
            f"The export conflicts with {len(conflicts)} row(s) of the state in {directory}: "
            f"{shown}. Nothing was imported.")


def model_check(conn: sqlite3.Connection) -> tuple[int, Iterator[str]]:
    """`awslocal local check`'s Model check: how many rows of the exported tables the state
    holds, and each value among them the model does not allow (portable/rows.py): enums,
    attribute maps, ranges, references; what SQLite would store but no request makes."""
    from awslocal_cli.portable import rows as model
    from awslocal_cli.store import portable as db

    columns = {t.name: model.table_columns(conn, t.name) for t in TABLES}
    tables = {t.name: list(db.rows(conn, t.name, t.order)) for t in TABLES if columns[t.name]}

    def name(table: str, _: int, row: dict[str, Any]) -> str:
        spec = next(t for t in TABLES if t.name == table)
        ident = spec.natural or spec.identity or ("rowid",)
        return f"{table} ({', '.join(str(row.get(c)) for c in ident)})"

    return sum(len(t) for t in tables.values()), model.problems(tables, columns, name)
