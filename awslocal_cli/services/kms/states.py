"""Key states: what each operation requires of a key's state, in AWS's error wording."""

from __future__ import annotations

from awslocal_cli.errors import kms as err
from awslocal_cli.services.kms.names import Row
from awslocal_cli.store import kms as db

TYPE_CHECKING = False
if TYPE_CHECKING:
    from awslocal_cli.context import Context


def _effective_state(ctx: Context, key: Row) -> str:
    """The key state, Unavailable while its custom key store is not connected."""
    state = str(key["key_state"])
    if key.get("custom_key_store_id") and state in ("Enabled", "Disabled"):
        store = db.get_key_store(ctx.db, key["account"], key["region"],
                                 key["custom_key_store_id"])
        if store is None or store["connection_state"] != "CONNECTED":
            return "Unavailable"
    return state


_STATE_WORDS = {"PendingDeletion": "pending deletion", "PendingImport": "pending import",
                "Unavailable": "unavailable", "Creating": "creating", "Updating": "updating",
                "PendingReplicaDeletion": "pending replica deletion", "Disabled": "disabled",
                "Enabled": "enabled"}


def _invalid_state(key: Row, state: str) -> err.KMSInvalidStateException:
    return err.KMSInvalidStateException(f"{key['arn']} is {_STATE_WORDS.get(state, state)}.")


def _require_usable(ctx: Context, key: Row) -> None:
    """Cryptographic operations need an Enabled key (DisabledException, else invalid state)."""
    state = _effective_state(ctx, key)
    if state == "Enabled":
        return
    if state == "Disabled":
        raise err.DisabledException(f"{key['arn']} is disabled.")
    if state == "Unavailable":
        raise err.KeyUnavailableException(f"{key['arn']} is unavailable.")
    raise _invalid_state(key, state)


def _require_not(key: Row, *states: str) -> None:
    if key["key_state"] in states:
        raise _invalid_state(key, key["key_state"])


def _require_customer_managed(key: Row, action: str) -> None:
    """What the AWS managed key policy would refuse anyway, refused with AWS's wording."""
    if key["key_manager"] == "AWS":
        raise err.UnsupportedOperationException(
            f"{key['arn']} is an AWS managed key. You cannot perform {action} on it.")
