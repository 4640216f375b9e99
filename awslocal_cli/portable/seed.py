"""Seed files: YAML that declares keys, aliases, queues, topics and subscriptions, idempotently.

The shape follows the API (state/README.md, "Seed files"): top-level `kms`, `sqs`, `sns`
(and an optional `Region`); under them lists whose entries are the request members of
CreateKey (plus KeyId, KeyMaterial, Enabled, EnableKeyRotation, RotationPeriodInDays),
CreateAlias, CreateQueue (plus Messages: SendMessage members), CreateTopic and Subscribe.

Every resource is made through the service functions, in the caller's one transaction, so a
seed is validated exactly as the API validates and a failing seed changes nothing. A resource
that exists already is left as it is (and reported unchanged); a queue's Messages are sent only
when the seed creates the queue, so applying a seed twice changes nothing.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any

from awslocal_cli.errors import AwsError, ParamValidationError

if TYPE_CHECKING:
    from awslocal_cli.context import Context

_SECTIONS = {"kms": ("keys", "aliases"), "sqs": ("queues",), "sns": ("topics", "subscriptions")}
_KEY_EXTRAS = ("KeyId", "KeyMaterial", "Enabled", "EnableKeyRotation", "RotationPeriodInDays")


class _Map(dict[str, Any]):
    """A YAML mapping that remembers its line and the line of each key (1-based)."""

    line = 0
    key_lines: dict[str, int]


class _List(list[Any]):
    line = 0
    item_lines: list[int]


def _loader() -> type:
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def mapping(loader: Any, node: Any) -> Any:
        loader.flatten_mapping(node)
        out = _Map()
        out.line = node.start_mark.line + 1
        out.key_lines = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            out[key] = loader.construct_object(value_node, deep=True)
            out.key_lines[key] = key_node.start_mark.line + 1
        return out

    def sequence(loader: Any, node: Any) -> Any:
        out = _List(loader.construct_object(n, deep=True) for n in node.value)
        out.line = node.start_mark.line + 1
        out.item_lines = [n.start_mark.line + 1 for n in node.value]
        return out

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, sequence)
    return Loader


def load(path: str) -> _Map:
    """The seed document of `path`; ParamValidationError (with file and line) if it is not one."""
    import yaml

    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as exc:
        raise ParamValidationError(f"Unable to read the seed file {path}: "
                                   f"{exc.strerror or exc}") from None
    try:
        doc = yaml.load(text, Loader=_loader())  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ParamValidationError(f"{path}{where}: not valid YAML: {problem}") from None
    if doc is None:
        doc = _Map()
        doc.key_lines = {}
        doc.line = 1
    if not isinstance(doc, _Map):
        raise ParamValidationError(f"{path}, line 1: a seed is a mapping with kms, sqs and sns")
    for name in doc:
        if name != "Region" and name not in _SECTIONS:
            raise ParamValidationError(
                f"{path}, line {doc.key_lines[name]}: unknown section {name!r} (a seed has "
                "Region, kms, sqs and sns)")
    for section, lists in _SECTIONS.items():
        body = doc.get(section)
        if body is None:
            continue
        if not isinstance(body, _Map):
            raise ParamValidationError(f"{path}, line {doc.key_lines[section]}: {section} "
                                       f"is a mapping of {', '.join(lists)}")
        for name in body:
            if name not in lists:
                raise ParamValidationError(
                    f"{path}, line {body.key_lines[name]}: unknown list {section}.{name!r} "
                    f"({section} has {', '.join(lists)})")
            entries = body[name]
            if entries is None:
                continue
            if not isinstance(entries, _List):
                raise ParamValidationError(
                    f"{path}, line {body.key_lines[name]}: {section}.{name} is a list")
            for entry, line in zip(entries, entries.item_lines, strict=True):
                if not isinstance(entry, _Map):
                    raise ParamValidationError(
                        f"{path}, line {line}: each entry of {section}.{name} is a mapping of "
                        "request members")
    return doc


class _Seeding:
    """One application of a seed: the context, the report, and where each entry came from."""

    def __init__(self, ctx: Context, path: str) -> None:
        self.ctx = ctx
        self.path = path
        self.created: list[dict[str, str]] = []
        self.unchanged: list[dict[str, str]] = []
        self.messages = 0

    def fail(self, exc: AwsError, entry: _Map, operation: str, where: str) -> AwsError:
        """The service's error, naming the seed's file and the line of the entry (or of the
        member the message names)."""
        exc.message = f"{exc.message} ({self.path}, line {self.line(entry, exc.message)}: " \
                      f"{where})"
        exc.args = (exc.message,)
        exc.operation = operation  # type: ignore[attr-defined]
        return exc

    @staticmethod
    def line(entry: _Map, message: str) -> int:
        """The line of the member a message names first (as a whole word, any case), else
        the entry's: "Unknown Attribute Colour." points at Colour's line."""
        import re

        best: tuple[int, int] | None = None  # (position in the message, line)
        for container in (entry, *(v for v in entry.values() if isinstance(v, _Map))):
            for member, member_line in container.key_lines.items():
                if not isinstance(member, str) or not member:
                    continue
                found = re.search(rf"(?<![A-Za-z0-9]){re.escape(member)}(?![A-Za-z0-9])",
                                  message, re.IGNORECASE)
                if found and (best is None or found.start() < best[0]):
                    best = (found.start(), member_line)
        return best[1] if best else entry.line

    def call(self, operation: str, function: Any, entry: _Map, where: str,
             extra: dict[str, Any] | None = None, **request: Any) -> dict[str, Any]:
        """One request: checked against the model as the AWS CLI checks a skeleton's
        (types, required and unknown members: exit 252), then the service function."""
        from awslocal_cli.model import load
        from awslocal_cli.validate import validate_request

        service = function.__module__.split(".")[2]  # awslocal_cli.services.<service>....
        model = load(service)
        try:
            validate_request(model, model["operations"][operation]["input"]["shape"], request)
        except ParamValidationError as exc:
            raise ParamValidationError(
                f"{exc.message} ({self.path}, line {self.line(entry, exc.message)}: {where})"
            ) from None
        try:
            result: dict[str, Any] = function(self.ctx, **request, **(extra or {}))
        except AwsError as exc:
            raise self.fail(exc, entry, operation, where) from None
        return result


def _strings(value: Any) -> Any:
    """Attribute values as the API takes them: strings (a mapping or list becomes its JSON)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    if value is None:
        return ""
    return str(value)


def _attributes(entry: _Map, member: str) -> dict[str, str] | None:
    value = entry.get(member)
    if value is None:
        return None
    if not isinstance(value, dict):
        return _plain(value)  # type: ignore[no-any-return]  # the validation says why
    return {str(k): _strings(v) for k, v in value.items()}


def _plain(value: Any) -> Any:
    """Plain dicts and lists (the services keep what they are given)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def apply(ctx: Context, path: str) -> dict[str, Any]:
    """Apply the seed file `path` in ctx's current transaction; the report of what it did."""
    doc = load(path)
    region = doc.get("Region")
    if region is not None:
        import re

        if not isinstance(region, str) or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", region):
            raise ParamValidationError(
                f"{path}, line {doc.key_lines['Region']}: Region {region!r} is not a region "
                "name")
        ctx = ctx.derive(region=region)
    run = _Seeding(ctx, path)
    sections = {name: doc.get(name) or _Map() for name in _SECTIONS}
    for entry_index, entry in enumerate(sections["kms"].get("keys") or []):
        _key(run, entry, f"kms.keys[{entry_index}]")
    for entry_index, entry in enumerate(sections["kms"].get("aliases") or []):
        _alias(run, entry, f"kms.aliases[{entry_index}]")
    for entry_index, entry in enumerate(sections["sqs"].get("queues") or []):
        _queue(run, entry, f"sqs.queues[{entry_index}]")
    for entry_index, entry in enumerate(sections["sns"].get("topics") or []):
        _topic(run, entry, f"sns.topics[{entry_index}]")
    for entry_index, entry in enumerate(sections["sns"].get("subscriptions") or []):
        _subscription(run, entry, f"sns.subscriptions[{entry_index}]")
    return {"Seed": os.path.abspath(path), "Region": ctx.region, "Created": run.created,
            "Unchanged": run.unchanged, "MessagesSent": run.messages}


def _require(run: _Seeding, entry: _Map, member: str, where: str) -> Any:
    value = entry.get(member)
    if value is None or value == "":
        raise ParamValidationError(f"{run.path}, line {entry.line}: {where} needs {member}")
    return value


# -- KMS ------------------------------------------------------------------------------------------


def _key_material(run: _Seeding, entry: _Map, where: str) -> bytes | None:
    """KeyMaterial as bytes: base64 for symmetric and HMAC keys, PEM for key pairs."""
    text = entry.get("KeyMaterial")
    if text is None:
        return None
    line = entry.key_lines["KeyMaterial"]
    if not isinstance(text, str):
        raise ParamValidationError(f"{run.path}, line {line}: {where}.KeyMaterial is base64 "
                                   "(symmetric and HMAC keys) or PEM (key pairs)")
    if "-----BEGIN" in text:
        from awslocal_cli.crypto import portable

        try:
            return portable.private_der_from_pem(text)
        except ValueError:
            raise ParamValidationError(f"{run.path}, line {line}: {where}.KeyMaterial is not "
                                       "an unencrypted PEM private key") from None
    import base64
    import binascii

    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise ParamValidationError(f"{run.path}, line {line}: {where}.KeyMaterial is not "
                                   "valid base64") from None


def _key(run: _Seeding, entry: _Map, where: str) -> None:
    from awslocal_cli.services import kms
    from awslocal_cli.services.kms.seeding import create_seeded_key
    from awslocal_cli.store import kms as kms_db

    ctx = run.ctx
    key_id = str(_require(run, entry, "KeyId", where))
    existing = kms_db.get_key(ctx.db, ctx.account, ctx.region, key_id)
    if existing is not None:
        run.unchanged.append({"Type": "AWS::KMS::Key", "Id": existing["arn"]})
        return
    request = {k: _plain(v) for k, v in entry.items() if k not in _KEY_EXTRAS}
    if isinstance(request.get("Policy"), dict):
        request["Policy"] = json.dumps(request["Policy"], indent=2)
    material = _key_material(run, entry, where)
    out = run.call("CreateKey", create_seeded_key, entry, where,
                   {"key_id": key_id, "key_material": material}, **request)
    arn = out["KeyMetadata"]["Arn"]
    if entry.get("EnableKeyRotation") or entry.get("RotationPeriodInDays") is not None:
        rotation: dict[str, Any] = {"KeyId": key_id}
        if entry.get("RotationPeriodInDays") is not None:
            rotation["RotationPeriodInDays"] = entry["RotationPeriodInDays"]
        run.call("EnableKeyRotation", kms.enable_key_rotation, entry, where, **rotation)
    enabled = entry.get("Enabled", True)
    if enabled is False:
        run.call("DisableKey", kms.disable_key, entry, where, KeyId=key_id)
    elif enabled is not True:
        raise ParamValidationError(f"{run.path}, line {entry.key_lines['Enabled']}: "
                                   f"{where}.Enabled is true or false")
    run.created.append({"Type": "AWS::KMS::Key", "Id": arn})


def _alias(run: _Seeding, entry: _Map, where: str) -> None:
    from awslocal_cli.services import kms
    from awslocal_cli.store import kms as kms_db

    ctx = run.ctx
    name = str(_require(run, entry, "AliasName", where))
    if kms_db.get_alias(ctx.db, ctx.account, ctx.region, name) is not None:
        run.unchanged.append({"Type": "AWS::KMS::Alias", "Id": name})
        return
    run.call("CreateAlias", kms.create_alias, entry, where, **_plain(dict(entry)))
    run.created.append({"Type": "AWS::KMS::Alias", "Id": name})


# -- SQS ------------------------------------------------------------------------------------------


def _queue(run: _Seeding, entry: _Map, where: str) -> None:
    from awslocal_cli.services import sqs
    from awslocal_cli.store import sqs as sqs_db

    ctx = run.ctx
    name = str(_require(run, entry, "QueueName", where))
    existing = sqs_db.get_queue(ctx.db, ctx.account, ctx.region, name)
    if existing is not None:
        run.unchanged.append({"Type": "AWS::SQS::Queue", "Id": existing["arn"]})
        return
    request = {k: _plain(v) for k, v in entry.items() if k != "Messages"}
    if "Attributes" in entry:
        request["Attributes"] = _attributes(entry, "Attributes")
    if isinstance(request.get("tags"), dict):
        request["tags"] = {str(k): _strings(v) for k, v in request["tags"].items()}
    out = run.call("CreateQueue", sqs.create_queue, entry, where, **request)
    url = out["QueueUrl"]
    messages = entry.get("Messages")
    if messages is None:
        messages = _List()
        messages.item_lines = []
    if not isinstance(messages, _List):
        raise ParamValidationError(f"{run.path}, line {entry.key_lines['Messages']}: "
                                   f"{where}.Messages is a list of SendMessage requests")
    for index, message in enumerate(messages):
        mwhere = f"{where}.Messages[{index}]"
        if isinstance(message, str):
            body: dict[str, Any] = {"MessageBody": message}
            anchor = _Map()
            anchor.line, anchor.key_lines = messages.item_lines[index], {}
        elif isinstance(message, _Map):
            body, anchor = _plain(dict(message)), message
            if isinstance(body.get("MessageBody"), (dict, list)):
                body["MessageBody"] = json.dumps(body["MessageBody"])
        else:
            raise ParamValidationError(f"{run.path}, line {messages.item_lines[index]}: "
                                       f"{mwhere} is a body or a SendMessage request")
        run.call("SendMessage", sqs.send_message, anchor, mwhere, QueueUrl=url, **body)
        run.messages += 1
    queue = sqs_db.get_queue(ctx.db, ctx.account, ctx.region, name)
    run.created.append({"Type": "AWS::SQS::Queue", "Id": queue["arn"] if queue else url})


# -- SNS ------------------------------------------------------------------------------------------


def _topic_arn(ctx: Context, name_or_arn: str) -> str:
    if name_or_arn.startswith("arn:"):
        return name_or_arn
    return f"arn:aws:sns:{ctx.region}:{ctx.account}:{name_or_arn}"


def _topic(run: _Seeding, entry: _Map, where: str) -> None:
    from awslocal_cli.services import sns
    from awslocal_cli.store.sns import topics as sns_db

    ctx = run.ctx
    name = str(_require(run, entry, "Name", where))
    arn = _topic_arn(ctx, name)
    if sns_db.get_topic(ctx.db, arn) is not None:
        run.unchanged.append({"Type": "AWS::SNS::Topic", "Id": arn})
        return
    request = {k: _plain(v) for k, v in entry.items()}
    if "Attributes" in entry:
        request["Attributes"] = _attributes(entry, "Attributes")
    if isinstance(request.get("DataProtectionPolicy"), dict):
        request["DataProtectionPolicy"] = json.dumps(request["DataProtectionPolicy"])
    out = run.call("CreateTopic", sns.create_topic, entry, where, **request)
    run.created.append({"Type": "AWS::SNS::Topic", "Id": out["TopicArn"]})


def _subscription(run: _Seeding, entry: _Map, where: str) -> None:
    """Subscribe; TopicArn may be a topic name of the seed's account and region, and an sqs
    Endpoint a queue name (both expanded to ARNs, as the API wants them)."""
    from awslocal_cli.services import sns
    from awslocal_cli.store.sns import topics as sns_db

    ctx = run.ctx
    topic_arn = _topic_arn(ctx, str(_require(run, entry, "TopicArn", where)))
    protocol = str(_require(run, entry, "Protocol", where))
    endpoint = entry.get("Endpoint")
    if protocol.lower() == "sqs" and isinstance(endpoint, str) and \
            not endpoint.startswith("arn:"):
        endpoint = f"arn:aws:sqs:{ctx.region}:{ctx.account}:{endpoint}"
    existing = sns_db.find_subscription(ctx.db, topic_arn, protocol.lower(), str(endpoint)) \
        if sns_db.get_topic(ctx.db, topic_arn) is not None and endpoint is not None else None
    if existing is not None:
        run.unchanged.append({"Type": "AWS::SNS::Subscription", "Id": existing["arn"]})
        return
    request = {k: _plain(v) for k, v in entry.items()}
    request.update(TopicArn=topic_arn, Protocol=protocol)
    if endpoint is not None:
        request["Endpoint"] = endpoint
    if "Attributes" in entry:
        request["Attributes"] = _attributes(entry, "Attributes")
    request.setdefault("ReturnSubscriptionArn", True)
    out = run.call("Subscribe", sns.subscribe, entry, where, **request)
    run.created.append({"Type": "AWS::SNS::Subscription", "Id": out["SubscriptionArn"]})


# -- AWSLOCAL_SEED --------------------------------------------------------------------------------


def apply_first_seed(ctx: Context, path: str) -> None:
    """AWSLOCAL_SEED: apply the seed to a state just created, committed on its own (so the
    command that created the state cannot roll it back); a failing seed leaves the state empty
    and fails the command."""
    session = ctx.session
    try:
        apply(ctx, path)
    except BaseException:
        session.finish(False)
        raise
    session.finish(True)
