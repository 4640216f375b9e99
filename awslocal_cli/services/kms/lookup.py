"""Finding the key a KeyId names (id, ARN, alias, alias ARN); AWS managed keys on first use."""

from __future__ import annotations

from awslocal_cli.errors import kms as err
from awslocal_cli.services.kms.housekeeping import _housekeeping
from awslocal_cli.services.kms.material import _store_material
from awslocal_cli.services.kms.names import (
    _ARN_RE,
    _MRK_RE,
    _UUID_RE,
    DAY,
    Row,
    _new_material_id,
    alias_arn,
    key_arn,
)
from awslocal_cli.services.kms.policy_docs import _pretty_policy
from awslocal_cli.store import kms as db

TYPE_CHECKING = False
if TYPE_CHECKING:
    from awslocal_cli.context import Context
    from awslocal_cli.services.kms.audit import _Audit


def _not_found_key(arn: str) -> err.NotFoundException:
    return err.NotFoundException(f"Key '{arn}' does not exist")


def _not_found_alias(arn: str) -> err.NotFoundException:
    return err.NotFoundException(f"Alias {arn} is not found.")


def _split_key_ref(ctx: Context, ref: str) -> tuple[str, str, str, str]:
    """(kind 'key'|'alias', account, region, key id or alias name) of a KeyId parameter."""
    m = _ARN_RE.match(ref)
    if m:
        region, account, kind, rest = m.groups()
        if region != ctx.region:
            # Regions are partitions: AWS answers NotFoundException "Invalid arn <the ARN's
            # region>" for a key ARN of another region (recorded responses, DescribeKey), where
            # a bare key id of another region's key is "Key '<arn>' does not exist".
            raise err.NotFoundException(f"Invalid arn {region}")
        return kind, account, region, rest if kind == "key" else "alias/" + rest
    if ref.startswith("arn:"):
        raise err.InvalidArnException(f"Invalid arn {ref}")
    if ref.startswith("alias/"):
        return "alias", ctx.account, ctx.region, ref
    return "key", ctx.account, ctx.region, ref


def _resolve(ctx: Context, ref: str, *, aliases: bool = True,
             create_managed: bool | None = None, audit: _Audit | None = None) -> Row:
    """The key a KeyId parameter names (id, ARN, and where allowed alias name or alias ARN).

    An ARN (key or alias) of another region is NotFoundException "Invalid arn <region>", for
    every operation that takes a KeyId, as AWS answers DescribeKey (recorded); for alias ARNs
    the same wording is assumed (not recorded).
    """
    kind, account, region, name = _split_key_ref(ctx, ref)
    key: Row | None
    if kind == "alias":
        if not aliases:
            if ref.startswith("arn:"):
                raise err.InvalidArnException("Key Aliases are not supported for this operation.")
            raise err.NotFoundException(f"Invalid keyId '{ref}'")
        if region != ctx.region:
            raise _not_found_alias(alias_arn(region, account, name))
        row = db.get_alias(ctx.db, account, region, name)
        if row is None:
            if create_managed is None:
                create_managed = ctx.is_service or ctx.via_service is not None
            if (create_managed and name.startswith("alias/aws/") and account == ctx.account
                    and name[len("alias/aws/"):] in MANAGED_SERVICES):
                key = _ensure_managed(ctx, name[len("alias/aws/"):])
                if audit is not None:
                    audit.key(key["arn"])
                key["_request_alias"] = name
                return key
            raise _not_found_alias(alias_arn(region, account, name))
        key = db.get_key(ctx.db, account, region, row["key_id"])
    else:
        if not (_UUID_RE.match(name) or _MRK_RE.match(name)):
            raise err.NotFoundException(f"Invalid keyId '{ref}'")
        key = db.get_key(ctx.db, account, region, name) if region == ctx.region else None
        if key is None:
            raise _not_found_key(key_arn(region, account, name))
    if key is None:
        raise _not_found_alias(alias_arn(region, account, name))
    if audit is not None:
        audit.key(key["arn"])
    key["_request_alias"] = name if kind == "alias" else None
    return key


# Services whose AWS managed key (alias/aws/<service>) KMS creates on first use.
MANAGED_SERVICES = frozenset({
    "sqs", "sns", "s3", "ebs", "rds", "lambda", "dynamodb", "secretsmanager", "ssm", "kinesis",
    "logs", "glue", "backup", "elasticfilesystem", "redshift", "es", "acm", "codecommit",
    "kafka", "timestream", "fsx", "cloud9", "connect", "lightsail", "xray", "events",
    "kinesisvideo",
})
# The aliases AWS predefines in every account and region: ListAliases shows them without a
# TargetKeyId until the AWS managed key exists, and DescribeKey on one creates that key
# (botocore's ListAliases and DescribeKey documentation). Other alias/aws/<service> names
# (alias/aws/sqs, alias/aws/sns, ...) appear once their key is created on first use.
PREDEFINED_ALIASES = tuple(f"alias/aws/{service}" for service in (
    "acm", "dynamodb", "ebs", "elasticfilesystem", "es", "glue", "kinesisvideo", "lambda",
    "rds", "redshift", "s3", "secretsmanager", "ssm", "xray",
))


def resolve_key_arn(ctx: Context, key_id: str, create_managed: bool = True) -> str:
    """The ARN of the key a KmsMasterKeyId names; creates `alias/aws/<service>` keys if needed.

    For SQS and SNS attribute handling: no policy check, no event.
    """
    _housekeeping(ctx)
    return str(_resolve(ctx, key_id, create_managed=create_managed)["arn"])


def ensure_managed_key(ctx: Context, service: str) -> str:
    """The ARN of the AWS managed key `alias/aws/<service>`, created on first use."""
    _housekeeping(ctx)
    return str(_ensure_managed(ctx, service)["arn"])


def _ensure_managed(ctx: Context, service: str) -> Row:
    from awslocal_cli import crypto, ids, policy

    if service not in MANAGED_SERVICES:
        raise _not_found_alias(alias_arn(ctx.region, ctx.account, f"alias/aws/{service}"))
    alias = f"alias/aws/{service}"
    existing = db.get_alias(ctx.db, ctx.account, ctx.region, alias)
    if existing is not None:
        key = db.get_key(ctx.db, ctx.account, ctx.region, existing["key_id"])
        if key is not None:
            return key
    now = ctx.time()
    key_id = ids.uuid4()
    doc = policy.aws_managed_key_policy(ctx.account, service, ctx.region)
    row: Row = {
        "key_id": key_id, "arn": key_arn(ctx.region, ctx.account, key_id),
        "key_spec": "SYMMETRIC_DEFAULT", "key_usage": "ENCRYPT_DECRYPT", "origin": "AWS_KMS",
        "key_state": "Enabled", "key_manager": "AWS", "managed_service": service,
        "description": f"Default key that protects my {service.upper()} data when no other key "
                       "is defined",
        "creation_date": now, "policy": _pretty_policy(doc), "multi_region": 0,
        # AWS managed keys rotate every year (AWS KMS developer guide, "Rotating keys").
        "rotation_enabled": 1, "rotation_period_days": 365, "next_rotation_date": now + 365 * DAY,
    }
    db.insert_key(ctx.db, ctx.account, ctx.region, row)
    key = db.get_key(ctx.db, ctx.account, ctx.region, key_id)
    assert key is not None
    _store_material(ctx, key, _new_material_id(), crypto.generate("SYMMETRIC_DEFAULT"),
                    created=now)
    db.insert_alias(ctx.db, ctx.account, ctx.region, alias, key_id, now)
    return key
