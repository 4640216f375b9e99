"""KMS: all 56 operations of the API, with real keys, lifecycle, key policies and an audit trail.

Every public function named after an API operation (`create_key`, `encrypt`, ...) takes the
Context and the request members as keyword arguments and returns the API-shaped response
(services/__init__.py). Each one, successful or not, appends one event to the audit trail
(`ctx.record_event`, event source kms.amazonaws.com), without plaintext, key material or
other secrets in it.

Before any operation looks a key up, due housekeeping happens lazily against the local clock:
keys whose DeletionDate has passed are destroyed with all their material (their ciphertexts are
lost for good), keys whose NextRotationDate has passed get new key material, and imported key
material past its ValidTo is deleted (the key goes to PendingImport).

Helpers for the SQS and SNS layers (they go through the same key policy checks, key state
checks and audit trail as a user's request):

- Call the operations themselves with a derived Context. A service acting for the user:
  `generate_data_key(ctx.via("sqs"), KeyId=kms_master_key_id, KeySpec="AES_256",
  EncryptionContext={"aws:sqs:arn": queue_arn})` and
  `decrypt(ctx.via("sqs"), CiphertextBlob=wrapped, EncryptionContext={...})`.
  A service acting as itself: `ctx.as_service("sns.amazonaws.com", source_arn=topic_arn)`.
  `KeyId` may be a key id, key ARN, alias name or alias ARN; `alias/aws/<service>` names the
  AWS managed key, which is created on first use whenever the caller is a service (a Context
  made by `via()` or `as_service()`), or by DescribeKey, as in AWS (for the services in
  MANAGED_SERVICES). ListAliases also names the aliases AWS predefines (PREDEFINED_ALIASES),
  without TargetKeyId until their key exists. Errors are the `awslocal_cli.errors.kms`
  classes (AccessDeniedException, DisabledException, KMSInvalidStateException,
  NotFoundException, ...); SQS/SNS map them to their own KMS.* errors as AWS does.
- `resolve_key_arn(ctx, key_id, create_managed=True) -> str`: the key ARN a KmsMasterKeyId
  names (for queue/topic attributes), creating an `alias/aws/<service>` key if needed. Raises
  NotFoundException like the operations do. Makes no policy check and logs no event.
- `ensure_managed_key(ctx, service) -> str`: the ARN of the AWS managed key `alias/aws/<service>`
  of ctx's account and region, created (KeyManager AWS, AWS managed key policy) if missing.
- Message bodies are then sealed with the plaintext data key: `awslocal_cli.crypto.seal(data_key,
  body, aad)` / `open_sealed(data_key, blob, aad)` (one error, `crypto.InvalidCiphertext`).

Departures from AWS are noted in the docstrings of the functions concerned; the main ones:
asynchronous work (on-demand rotation, custom key store connection) completes at once, and a
replica is Creating for only a moment on the local clock; custom key stores are records (no
CloudHSM cluster or XKS proxy is contacted, keys in them use local material); Recipient (Nitro
Enclaves attestation) is not supported. A symmetric ciphertext blob names `<account>:<key id>`
and the key material version (format in awslocal_cli/crypto/envelope.py), so Decrypt needs no
KeyId, also across accounts.

Where things are (this face only re-exports; the modules import each other, never the face):

- keys.py: CreateKey, DescribeKey, ListKeys, UpdateKeyDescription, GetKeyLastUsage
- lifecycle.py: enable, disable, deletion windows, rotation; housekeeping.py: the lazy sweep
  that destroys, rotates and expires when the local clock passes a date
- crypto_ops.py: Encrypt, Decrypt, ReEncrypt, data keys, GenerateRandom, Sign, Verify, MACs,
  DeriveSharedSecret, GetPublicKey, Encapsulate, Decapsulate
- policy_grants.py: key policies and grants; access.py: how a request is authorized (key policy,
  then grants); policy_docs.py: policy documents KMS parses and writes
- aliases.py, tags.py, imported_material.py, multi_region.py, custom_key_stores.py
- lookup.py: the key a KeyId names, AWS managed keys; states.py: what a key's state allows
  (where a disabled key makes SendMessage fail: states.py `_require_usable`, via crypto_ops.py)
- audit.py: the wrapper every operation goes through (validation.py, housekeeping, one event)
- material.py: key material wrapped by the root key; shapes.py: KeyMetadata and paging;
  specs.py: key specs and their algorithms; names.py: ARNs, ids, timestamps
"""

from __future__ import annotations

from awslocal_cli.services import lazy_face

TYPE_CHECKING = False
if TYPE_CHECKING:
    from awslocal_cli.services.kms.aliases import (
        create_alias,
        delete_alias,
        list_aliases,
        update_alias,
    )
    from awslocal_cli.services.kms.crypto_ops import (
        decapsulate,
        decrypt,
        derive_shared_secret,
        encapsulate,
        encrypt,
        generate_data_key,
        generate_data_key_pair,
        generate_data_key_pair_without_plaintext,
        generate_data_key_without_plaintext,
        generate_mac,
        generate_random,
        get_public_key,
        re_encrypt,
        sign,
        verify,
        verify_mac,
    )
    from awslocal_cli.services.kms.custom_key_stores import (
        connect_custom_key_store,
        create_custom_key_store,
        delete_custom_key_store,
        describe_custom_key_stores,
        disconnect_custom_key_store,
        update_custom_key_store,
    )
    from awslocal_cli.services.kms.imported_material import (
        delete_imported_key_material,
        get_parameters_for_import,
        import_key_material,
    )
    from awslocal_cli.services.kms.keys import (
        create_key,
        describe_key,
        get_key_last_usage,
        list_keys,
        update_key_description,
    )
    from awslocal_cli.services.kms.lifecycle import (
        cancel_key_deletion,
        disable_key,
        disable_key_rotation,
        enable_key,
        enable_key_rotation,
        get_key_rotation_status,
        list_key_rotations,
        rotate_key_on_demand,
        schedule_key_deletion,
    )
    from awslocal_cli.services.kms.lookup import (
        MANAGED_SERVICES,
        ensure_managed_key,
        resolve_key_arn,
    )
    from awslocal_cli.services.kms.multi_region import (
        replicate_key,
        update_primary_region,
    )
    from awslocal_cli.services.kms.names import (
        EVENT_SOURCE,
        alias_arn,
        key_arn,
    )
    from awslocal_cli.services.kms.policy_grants import (
        create_grant,
        get_key_policy,
        list_grants,
        list_key_policies,
        list_retirable_grants,
        put_key_policy,
        retire_grant,
        revoke_grant,
    )
    from awslocal_cli.services.kms.tags import (
        list_resource_tags,
        tag_resource,
        untag_resource,
    )

# Where each name of the face lives. The face imports a module on first use of one of its
# names (as the SQS face does), so a command loads what it runs: `kms encrypt` never loads
# custom_key_stores.py or multi_region.py, and `kms ... --help` loads none of them.
_HOMES = {
    "EVENT_SOURCE": "names",
    "MANAGED_SERVICES": "lookup",
    "alias_arn": "names",
    "cancel_key_deletion": "lifecycle",
    "connect_custom_key_store": "custom_key_stores",
    "create_alias": "aliases",
    "create_custom_key_store": "custom_key_stores",
    "create_grant": "policy_grants",
    "create_key": "keys",
    "decapsulate": "crypto_ops",
    "decrypt": "crypto_ops",
    "delete_alias": "aliases",
    "delete_custom_key_store": "custom_key_stores",
    "delete_imported_key_material": "imported_material",
    "derive_shared_secret": "crypto_ops",
    "describe_custom_key_stores": "custom_key_stores",
    "describe_key": "keys",
    "disable_key": "lifecycle",
    "disable_key_rotation": "lifecycle",
    "disconnect_custom_key_store": "custom_key_stores",
    "enable_key": "lifecycle",
    "enable_key_rotation": "lifecycle",
    "encapsulate": "crypto_ops",
    "encrypt": "crypto_ops",
    "ensure_managed_key": "lookup",
    "generate_data_key": "crypto_ops",
    "generate_data_key_pair": "crypto_ops",
    "generate_data_key_pair_without_plaintext": "crypto_ops",
    "generate_data_key_without_plaintext": "crypto_ops",
    "generate_mac": "crypto_ops",
    "generate_random": "crypto_ops",
    "get_key_last_usage": "keys",
    "get_key_policy": "policy_grants",
    "get_key_rotation_status": "lifecycle",
    "get_parameters_for_import": "imported_material",
    "get_public_key": "crypto_ops",
    "import_key_material": "imported_material",
    "key_arn": "names",
    "list_aliases": "aliases",
    "list_grants": "policy_grants",
    "list_key_policies": "policy_grants",
    "list_key_rotations": "lifecycle",
    "list_keys": "keys",
    "list_resource_tags": "tags",
    "list_retirable_grants": "policy_grants",
    "put_key_policy": "policy_grants",
    "re_encrypt": "crypto_ops",
    "replicate_key": "multi_region",
    "resolve_key_arn": "lookup",
    "retire_grant": "policy_grants",
    "revoke_grant": "policy_grants",
    "rotate_key_on_demand": "lifecycle",
    "schedule_key_deletion": "lifecycle",
    "sign": "crypto_ops",
    "tag_resource": "tags",
    "untag_resource": "tags",
    "update_alias": "aliases",
    "update_custom_key_store": "custom_key_stores",
    "update_key_description": "keys",
    "update_primary_region": "multi_region",
    "verify": "crypto_ops",
    "verify_mac": "crypto_ops",
}

__all__ = [
    "EVENT_SOURCE",
    "MANAGED_SERVICES",
    "alias_arn",
    "cancel_key_deletion",
    "connect_custom_key_store",
    "create_alias",
    "create_custom_key_store",
    "create_grant",
    "create_key",
    "decapsulate",
    "decrypt",
    "delete_alias",
    "delete_custom_key_store",
    "delete_imported_key_material",
    "derive_shared_secret",
    "describe_custom_key_stores",
    "describe_key",
    "disable_key",
    "disable_key_rotation",
    "disconnect_custom_key_store",
    "enable_key",
    "enable_key_rotation",
    "encapsulate",
    "encrypt",
    "ensure_managed_key",
    "generate_data_key",
    "generate_data_key_pair",
    "generate_data_key_pair_without_plaintext",
    "generate_data_key_without_plaintext",
    "generate_mac",
    "generate_random",
    "get_key_last_usage",
    "get_key_policy",
    "get_key_rotation_status",
    "get_parameters_for_import",
    "get_public_key",
    "import_key_material",
    "key_arn",
    "list_aliases",
    "list_grants",
    "list_key_policies",
    "list_key_rotations",
    "list_keys",
    "list_resource_tags",
    "list_retirable_grants",
    "put_key_policy",
    "re_encrypt",
    "replicate_key",
    "resolve_key_arn",
    "retire_grant",
    "revoke_grant",
    "rotate_key_on_demand",
    "schedule_key_deletion",
    "sign",
    "tag_resource",
    "untag_resource",
    "update_alias",
    "update_custom_key_store",
    "update_key_description",
    "update_primary_region",
    "verify",
    "verify_mac",
]


__getattr__, __dir__ = lazy_face(__name__, globals(), _HOMES)
