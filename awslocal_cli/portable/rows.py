"""What the model allows in a row of the exported tables: for `local import` and `local check`.

A row that SQLite stores may still be one no request could have made: `KeyState: "Enabldd"`,
a misspelt queue attribute (receive then fails on the missing one), a grant of an operation
KMS does not have, a message of a queue that is not there. `problems` walks the rows of the
tables `portable/export.py` carries and names, for each such value, the field and what the
model allows, so an import refuses the document before writing anything and `local check`
reports the state (issue 25).

The rules come from the service models (the botocore enums in awslocal_cli/models/), the
services' own limits (queue attributes and their ranges, topic and subscription attributes,
queue and topic names) and the references between tables (a key's material, aliases, grants
and tags name a key of the same account and region; a message names its queue and data key).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

Row = dict[str, Any]
# (table, index, row) -> how a problem names the row, e.g. "Tables.kms_keys[3]".
Namer = Callable[[str, int, Row], str]

_ACCOUNT = re.compile(r"^\d{12}$")
_REGION = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$")
_QUEUE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
_FIFO_QUEUE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,75}\.fifo$")
_TOPIC_NAME = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_FIFO_TOPIC_NAME = re.compile(r"^[A-Za-z0-9_-]{1,251}\.fifo$")
_DIGITS = re.compile(r"^\d+$")
_SSE_KINDS = ("SSE-SQS", "SSE-KMS")
_ENCRYPTIONS = ("NONE", *_SSE_KINDS)
_SANDBOX_STATUS = ("Pending", "Verified")
_SNS_PROTOCOLS = ("http", "https", "email", "email-json", "sms", "sqs", "application",
                  "lambda", "firehose")


class _Enums:
    """The enums of the KMS model, read once."""

    def __init__(self) -> None:
        self._shapes: dict[str, Any] | None = None

    def __call__(self, shape: str) -> tuple[str, ...]:
        if self._shapes is None:
            from awslocal_cli import model

            self._shapes = model.load("kms")["shapes"]
        return tuple(self._shapes[shape]["enum"])


_enum = _Enums()


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return (_is_int(value) or isinstance(value, float)) and math.isfinite(value)


def _json(value: Any, kind: type) -> Any:
    """The parsed JSON text `value` if it is a `kind` (dict or list), else None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = json.loads(value)
    except ValueError:
        return None
    return parsed if isinstance(parsed, kind) else None


def _string_map(value: Any) -> dict[str, str] | None:
    parsed = _json(value, dict)
    if parsed is None or not all(isinstance(k, str) and isinstance(v, str)
                                 for k, v in parsed.items()):
        return None
    return parsed


def _policy_ok(text: Any) -> bool:
    from awslocal_cli import policy

    if not isinstance(text, str):
        return False
    try:
        policy.parse(text)
    except policy.PolicyError:
        return False
    return True


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _one_of(choices: tuple[str, ...]) -> str:
    return ", ".join(choices)


# -- column types ------------------------------------------------------------------------------

ColumnInfo = dict[str, tuple[str, bool, bool]]  # column -> (declared type, not null, has default)


def _type_problem(declared: str, value: Any) -> str | None:
    if value is None:
        return None
    if declared == "INTEGER" and not _is_int(value):
        return f"{_shown(value)} is not an integer"
    if declared == "REAL" and not _is_number(value):
        return f"{_shown(value)} is not a finite number"
    if declared == "TEXT" and not isinstance(value, str):
        return f"{_shown(value)} is not a string"
    if declared == "BLOB" and not isinstance(value, (bytes, bytearray, memoryview)):
        return f"{_shown(value)} is not binary ({{\"Base64\": ...}})"
    return None


# -- the rules of each table -------------------------------------------------------------------

_Rule = Callable[[Row, "_Index"], Iterator[tuple[str, str]]]  # (column, problem)


def _key(values: Any) -> tuple[Any, ...]:
    """A set member for column values, whatever a document holds (a list or object is kept as
    its JSON text, which names no row)."""
    return tuple(v if isinstance(v, (str, int, float, type(None))) else
                 json.dumps(v, sort_keys=True, default=repr) for v in values)


class _Index:
    """What the rows refer to: keys, material, queues, data keys, topics, applications."""

    def __init__(self, tables: Mapping[str, list[Row]],
                 exists: Callable[[str, dict[str, Any]], bool] | None) -> None:
        def ids(table: str, *cols: str) -> set[tuple[Any, ...]]:
            return {_key(r.get(c) for c in cols) for r in tables.get(table) or []
                    if isinstance(r, dict)}

        self.keys = ids("kms_keys", "account", "region", "key_id")
        self.material = ids("kms_key_material", "account", "region", "key_id", "material_id")
        self.queues = ids("sqs_queues", "id")
        self.data_keys = ids("sqs_data_keys", "id")
        self.topics = ids("sns_topics", "arn")
        self.applications = ids("sns_platform_applications", "arn")
        self.exists = exists  # a row already in the state (a merge), by its columns

    def has(self, found: set[tuple[Any, ...]], table: str, **named: Any) -> bool:
        if _key(named.values()) in found:
            return True
        return self.exists is not None and self.exists(table, named)


def _time_columns(*columns: str) -> _Rule:
    def rule(row: Row, _: _Index) -> Iterator[tuple[str, str]]:
        from awslocal_cli.clock import MAX_EPOCH, MIN_EPOCH

        for column in columns:
            value = row.get(column)
            if _is_number(value) and not MIN_EPOCH <= value <= MAX_EPOCH:
                yield column, f"{_shown(value)} is not a time between the years 1 and 9999"
    return rule


def _flags(*columns: str) -> _Rule:
    def rule(row: Row, _: _Index) -> Iterator[tuple[str, str]]:
        for column in columns:
            if column in row and row[column] not in (0, 1):
                yield column, f"{_shown(row[column])} is not 0 or 1"
    return rule


def _enum_columns(**columns: str) -> _Rule:
    """column=KMS model shape: the value is one of the shape's enum (NULL where nullable)."""

    def rule(row: Row, _: _Index) -> Iterator[tuple[str, str]]:
        for column, shape in columns.items():
            value = row.get(column)
            if value is not None and value not in _enum(shape):
                yield column, f"{_shown(value)} is not a {shape} ({_one_of(_enum(shape))})"
    return rule


def _where(row: Row, _: _Index) -> Iterator[tuple[str, str]]:
    account, region = row.get("account"), row.get("region")
    if isinstance(account, str) and not _ACCOUNT.match(account):
        yield "account", f"{_shown(account)} is not a 12-digit account id"
    if isinstance(region, str) and not _REGION.match(region):
        yield "region", f"{_shown(region)} is not a region name"


def _names_key(row: Row, index: _Index) -> Iterator[tuple[str, str]]:
    key = row.get("key_id")
    if isinstance(key, str) and not index.has(index.keys, "kms_keys", account=row.get(
            "account"), region=row.get("region"), key_id=key):
        yield "key_id", f"{_shown(key)} names no KMS key of {row.get('account')} in " \
                        f"{row.get('region')}"


def _kms_key(row: Row, index: _Index) -> Iterator[tuple[str, str]]:
    account, region, key_id = row.get("account"), row.get("region"), row.get("key_id")
    arn = f"arn:aws:kms:{region}:{account}:key/{key_id}"
    if isinstance(row.get("arn"), str) and row["arn"] != arn:
        yield "arn", f"{_shown(row['arn'])} is not the ARN of key {key_id} ({arn})"
    if "policy" in row and not _policy_ok(row["policy"]):
        yield "policy", "is not a key policy document"
    if row.get("key_state") == "PendingDeletion" and row.get("deletion_date") is None:
        yield "deletion_date", "is missing for a key pending deletion"
    days = row.get("pending_window_days")
    if _is_int(days) and not 7 <= days <= 30:
        yield "pending_window_days", f"{days} is not between 7 and 30"
    period = row.get("rotation_period_days")
    if _is_int(period) and not 90 <= period <= 2560:
        yield "rotation_period_days", f"{period} is not between 90 and 2560"
    current = row.get("current_material_id")
    if isinstance(current, str) and not index.has(
            index.material, "kms_key_material", account=account, region=region, key_id=key_id,
            material_id=current):
        yield "current_material_id", f"{_shown(current)} names no material of key {key_id}"


def _alias(row: Row, index: _Index) -> Iterator[tuple[str, str]]:
    name = row.get("alias_name")
    if isinstance(name, str) and not (name.startswith("alias/") and len(name) > 6):
        yield "alias_name", f"{_shown(name)} is not an alias name (alias/...)"
    yield from _names_key(row, index)


def _grant(row: Row, index: _Index) -> Iterator[tuple[str, str]]:
    yield from _names_key(row, index)
    ops = _json(row.get("operations"), list)
    if "operations" in row and (ops is None or not ops or any(
            op not in _enum("GrantOperation") for op in ops)):
        yield "operations", f"{_shown(row['operations'])} is not a JSON list of " \
                            "GrantOperation names"
    if row.get("constraints") is not None and _json(row["constraints"], dict) is None:
        yield "constraints", "is not a JSON object"
    if row.get("grantee") == "":
        yield "grantee", "is empty"


def _custom_key_store(row: Row, _: _Index) -> Iterator[tuple[str, str]]:
    if isinstance(row.get("config"), str) and _json(row["config"], dict) is None:
        yield "config", "is not a JSON object"


def _queue_attributes(row: Row) -> Iterator[tuple[str, str]]:
    from awslocal_cli.services.sqs import attributes as qa

    attrs = _string_map(row.get("attributes"))
    if attrs is None:
        yield "attributes", "is not a JSON object of strings"
        return
    fifo = row.get("fifo") == 1
    allowed = set(qa.SETTABLE) | (set(qa.FIFO_SETTABLE) if fifo else set())
    required = [k for k in qa.INT_ATTRIBUTES if k != "KmsDataKeyReusePeriodSeconds"]
    required += ["SqsManagedSseEnabled"] + (
        ["ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"]
        if fifo else [])
    for name in attrs:
        if name not in allowed:
            yield f"attributes.{name}", "is not a queue attribute" + (
                "" if fifo else " of a standard queue")
    for name in required:
        if name not in attrs:
            yield f"attributes.{name}", "is missing"
    for name, value in attrs.items():
        reason = _queue_value(qa, name, value)
        if reason:
            yield f"attributes.{name}", f"{_shown(value)} {reason}"
    if attrs.get("KmsMasterKeyId") and attrs.get("SqsManagedSseEnabled") == "true":
        yield "attributes.SqsManagedSseEnabled", "is true on a queue with a KmsMasterKeyId"


def _queue_value(qa: Any, name: str, value: str) -> str | None:
    if name in qa.INT_ATTRIBUTES:
        lo, hi, _ = qa.INT_ATTRIBUTES[name]
        if not (_DIGITS.match(value) and lo <= int(value) <= hi):
            return f"is not an integer from {lo} to {hi}"
    elif name in ("SqsManagedSseEnabled", "ContentBasedDeduplication"):
        if value not in ("true", "false"):
            return "is not true or false"
    elif name == "DeduplicationScope":
        if value not in ("messageGroup", "queue"):
            return "is not messageGroup or queue"
    elif name == "FifoThroughputLimit":
        if value not in ("perQueue", "perMessageGroupId"):
            return "is not perQueue or perMessageGroupId"
    elif name == "Policy":
        if not _policy_ok(value):
            return "is not a queue policy document"
    elif name in ("RedrivePolicy", "RedriveAllowPolicy"):
        doc = _json(value, dict)
        if doc is None:
            return "is not a JSON object"
        if name == "RedrivePolicy":
            count = doc.get("maxReceiveCount")
            if not isinstance(doc.get("deadLetterTargetArn"), str) or not (
                    _DIGITS.match(str(count)) and 1 <= int(str(count)) <= 1000):
                return "needs a deadLetterTargetArn and a maxReceiveCount from 1 to 1000"
    elif name == "KmsMasterKeyId" and not value.strip():
        return "is empty"
    return None


def _queue(row: Row, index: _Index) -> Iterator[tuple[str, str]]:
    name, fifo = row.get("name"), row.get("fifo")
    if isinstance(name, str):
        pattern = _FIFO_QUEUE_NAME if fifo == 1 else _QUEUE_NAME
        if not pattern.match(name):
            yield "name", f"{_shown(name)} is not a{' FIFO' if fifo == 1 else ''} queue name"
        arn = f"arn:aws:sqs:{row.get('region')}:{row.get('account')}:{name}"
        if isinstance(row.get("arn"), str) and row["arn"] != arn:
            yield "arn", f"{_shown(row['arn'])} is not the ARN of queue {name} ({arn})"
    if "attributes" in row:
        yield from _queue_attributes(row)
    if "tags" in row and _string_map(row["tags"]) is None:
        yield "tags", "is not a JSON object of strings"
    seq = row.get("last_sequence")
    if isinstance(seq, str) and not _DIGITS.match(seq):
        yield "last_sequence", f"{_shown(seq)} is not a decimal number"


def _data_key(row: Row, _: _Index) -> Iterator[tuple[str, str]]:
    kind = row.get("kind")
    if kind is not None and kind not in _SSE_KINDS:
        yield "kind", f"{_shown(kind)} is not {_one_of(_SSE_KINDS)}"
    period = row.get("reuse_period")
    if _is_int(period) and not 60 <= period <= 86400:
        yield "reuse_period", f"{period} is not between 60 and 86400"
    if kind == "SSE-KMS" and "wrapped" in row and row["wrapped"] is None:
        yield "wrapped", "is missing for an SSE-KMS data key"


def _message(row: Row, index: _Index) -> Iterator[tuple[str, str]]:
    queue = row.get("queue_id")
    # Row ids name rows of the same document (a merge renumbers them), never of the state.
    if _is_int(queue) and _key([queue]) not in index.queues:
        yield "queue_id", f"{queue} names no queue"
    encryption = row.get("encryption", "NONE")
    if encryption not in _ENCRYPTIONS:
        yield "encryption", f"{_shown(encryption)} is not {_one_of(_ENCRYPTIONS)}"
    elif encryption != "NONE":
        key = row.get("data_key_id")
        if not _is_int(key) or _key([key]) not in index.data_keys:
            yield "data_key_id", f"{_shown(key)} names no data key of an {encryption} message"
    for column in ("receive_count", "size"):
        if _is_int(row.get(column)) and row[column] < 0:
            yield column, f"{row[column]} is negative"
    for column in ("attributes", "system_attributes"):
        if row.get(column) is not None and _json(row[column], dict) is None:
            yield column, "is not a JSON object"


def _topic(row: Row, _: _Index) -> Iterator[tuple[str, str]]:
    from awslocal_cli.services.sns import topics as st

    name, fifo = row.get("name"), row.get("fifo")
    if isinstance(name, str):
        pattern = _FIFO_TOPIC_NAME if fifo == 1 else _TOPIC_NAME
        if not pattern.match(name):
            yield "name", f"{_shown(name)} is not a{' FIFO' if fifo == 1 else ''} topic name"
        arn = f"arn:aws:sns:{row.get('region')}:{row.get('account')}:{name}"
        if isinstance(row.get("arn"), str) and row["arn"] != arn:
            yield "arn", f"{_shown(row['arn'])} is not the ARN of topic {name} ({arn})"
    if "attributes" in row:
        attrs = _string_map(row["attributes"])
        if attrs is None:
            yield "attributes", "is not a JSON object of strings"
            return
        allowed = st._TOPIC_SETTABLE | (st._FIFO_SETTABLE if fifo == 1 else set())
        for key in attrs:
            if key not in allowed:
                yield f"attributes.{key}", "is not a topic attribute" + (
                    "" if fifo == 1 else " of a standard topic")
        if "Policy" in attrs and attrs["Policy"] and not _policy_ok(attrs["Policy"]):
            yield "attributes.Policy", "is not a topic policy document"


def _names_topic(row: Row, index: _Index) -> Iterator[tuple[str, str]]:
    arn = row.get("topic_arn")
    if isinstance(arn, str) and not index.has(index.topics, "sns_topics", arn=arn):
        yield "topic_arn", f"{_shown(arn)} names no topic"


def _subscription(row: Row, index: _Index) -> Iterator[tuple[str, str]]:
    from awslocal_cli.services.sns import subscriptions as ss

    yield from _names_topic(row, index)
    protocol = row.get("protocol")
    if protocol is not None and protocol not in _SNS_PROTOCOLS:
        yield "protocol", f"{_shown(protocol)} is not {_one_of(_SNS_PROTOCOLS)}"
    if "attributes" in row:
        attrs = _string_map(row["attributes"])
        if attrs is None:
            yield "attributes", "is not a JSON object of strings"
            return
        for key in attrs:
            if key not in ss._SUB_SETTABLE:
                yield f"attributes.{key}", "is not a subscription attribute"


def _endpoint(row: Row, index: _Index) -> Iterator[tuple[str, str]]:
    arn = row.get("application_arn")
    if isinstance(arn, str) and not index.has(index.applications, "sns_platform_applications",
                                              arn=arn):
        yield "application_arn", f"{_shown(arn)} names no platform application"
    if isinstance(row.get("attributes"), str) and _string_map(row["attributes"]) is None:
        yield "attributes", "is not a JSON object of strings"


def _json_object(column: str) -> _Rule:
    def rule(row: Row, _: _Index) -> Iterator[tuple[str, str]]:
        if isinstance(row.get(column), str) and _json(row[column], dict) is None:
            yield column, "is not a JSON object"
    return rule


def _sandbox(row: Row, _: _Index) -> Iterator[tuple[str, str]]:
    status = row.get("status")
    if status is not None and status not in _SANDBOX_STATUS:
        yield "status", f"{_shown(status)} is not {_one_of(_SANDBOX_STATUS)}"
    if isinstance(row.get("sends"), str) and _json(row["sends"], list) is None:
        yield "sends", "is not a JSON list"


RULES: dict[str, list[_Rule]] = {
    "kms_custom_key_stores": [
        _enum_columns(store_type="CustomKeyStoreType", connection_state="ConnectionStateType"),
        _custom_key_store, _time_columns("creation_date")],
    "kms_keys": [
        _enum_columns(key_spec="KeySpec", key_usage="KeyUsageType", origin="OriginType",
                      key_state="KeyState", key_manager="KeyManagerType",
                      state_before_deletion="KeyState", expiration_model="ExpirationModelType"),
        _flags("multi_region", "rotation_enabled"), _kms_key,
        _time_columns("creation_date", "deletion_date", "valid_to", "next_rotation_date",
                      "on_demand_rotation_start")],
    "kms_key_material": [
        _enum_columns(rotation_type="RotationType", import_state="ImportState",
                      expiration_model="ExpirationModelType"),
        _flags("imported"), _names_key, _time_columns("created", "rotation_date", "valid_to")],
    "kms_aliases": [_alias, _time_columns("creation_date", "last_updated")],
    "kms_grants": [_grant, _flags("grantee_is_service", "retiring_is_service"),
                   _time_columns("creation_date")],
    "kms_tags": [_names_key],
    "sqs_queues": [_flags("fifo"), _queue, _time_columns("created", "modified", "last_purge")],
    "sqs_data_keys": [_data_key, _time_columns("generated_at", "decrypted_at")],
    "sqs_messages": [_message, _time_columns("sent_at", "visible_at", "expires_at",
                                             "first_receive_at", "received_at")],
    "sns_topics": [_flags("fifo"), _topic, _time_columns("created", "archive_since")],
    "sns_tags": [_names_topic],
    "sns_subscriptions": [_flags("confirmed"), _subscription,
                          _time_columns("created", "token_issued")],
    "sns_platform_applications": [_json_object("attributes"), _time_columns("created")],
    "sns_platform_endpoints": [_endpoint, _time_columns("created")],
    "sns_sms_settings": [_json_object("attributes"), _flags("in_sandbox")],
    "sns_sandbox_numbers": [_sandbox, _time_columns("last_attempt", "verified_at")],
    "sns_phone_numbers": [_flags("opted_out"), _time_columns("opted_out_at", "opted_in_at")],
}


def problems(tables: Mapping[str, list[Row]], columns: Mapping[str, ColumnInfo],
             name: Namer, *, exists: Callable[[str, dict[str, Any]], bool] | None = None,
             secret_columns: Mapping[str, set[str]] | None = None) -> Iterator[str]:
    """Each value of `tables` the model does not allow, as "<row>.<column>: <why>", in table
    and row order. `columns` describes each table as the state stores it; `exists` answers
    whether a referenced row is already in the state (a merge); `secret_columns` are left out
    of the type check (their values arrive sealed)."""
    index = _Index(tables, exists)
    for table, rows in tables.items():
        info = columns.get(table) or {}
        secret = (secret_columns or {}).get(table, set())
        rules = RULES.get(table, [])
        for i, row in enumerate(rows):
            where = name(table, i, row)
            if not isinstance(row, dict):
                yield f"{where}: is not an object of columns"
                continue
            for column, value in row.items():
                if column not in info:
                    yield f"{where}.{column}: is not a column of {table}"
                    continue
                declared, not_null, _ = info[column]
                if value is None and not_null:
                    yield f"{where}.{column}: is null"
                elif column not in secret:
                    problem = _type_problem(declared, value)
                    if problem:
                        yield f"{where}.{column}: {problem}"
            for column, (_, not_null, has_default) in info.items():
                if not_null and not has_default and column not in row and column not in secret:
                    yield f"{where}.{column}: is missing"
            for rule in (_where, *rules):
                for column, problem in rule(row, index):
                    yield f"{where}.{column}: {problem}"


def table_columns(conn: Any, table: str) -> ColumnInfo:
    """What `problems` needs to know of a table's columns, from PRAGMA table_info."""
    return {r[1]: (str(r[2]).upper(), bool(r[3]), r[4] is not None or bool(r[5]))
            for r in conn.execute(f'PRAGMA table_info("{table}")')}
