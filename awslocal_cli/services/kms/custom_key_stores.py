"""Custom key stores, kept as faithful records: no CloudHSM cluster or XKS proxy is
contacted, and keys in them use local key material."""

from __future__ import annotations

import os

from awslocal_cli.errors import kms as err
from awslocal_cli.services.kms.audit import _operation
from awslocal_cli.services.kms.names import Row, _dt
from awslocal_cli.services.kms.shapes import _page, _seq_ident
from awslocal_cli.store import kms as db

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from awslocal_cli.context import Context
    from awslocal_cli.services.kms.audit import _Audit


def _store_or_raise(ctx: Context, store_id: str) -> Row:
    store = db.get_key_store(ctx.db, ctx.account, ctx.region, store_id)
    if store is None:
        raise err.CustomKeyStoreNotFoundException(
            f"Custom key store {store_id} does not exist.")
    return store


def _xks_config(request: Mapping[str, Any], base: Mapping[str, Any]) -> dict[str, Any]:
    import hashlib

    config = dict(base)
    for member, field in (("XksProxyUriEndpoint", "UriEndpoint"),
                          ("XksProxyUriPath", "UriPath"),
                          ("XksProxyVpcEndpointServiceName", "VpcEndpointServiceName"),
                          ("XksProxyVpcEndpointServiceOwner", "VpcEndpointServiceOwner"),
                          ("XksProxyConnectivity", "Connectivity")):
        if request.get(member) is not None:
            config[field] = request[member]
    credential = request.get("XksProxyAuthenticationCredential")
    if credential:
        # The secret access key is a secret: keep only a digest to tell that one was given.
        config["AccessKeyId"] = credential["AccessKeyId"]
        config["SecretDigest"] = hashlib.sha256(
            credential["RawSecretAccessKey"].encode()).hexdigest()
    return config


def _check_store_uniqueness(ctx: Context, store_id: str | None, name: str | None,
                            config: Mapping[str, Any]) -> None:
    for other in db.list_key_stores(ctx.db, ctx.account, ctx.region):
        if other["store_id"] == store_id:
            continue
        if name is not None and other["name"] == name:
            raise err.CustomKeyStoreNameInUseException(
                f"The custom key store name {name} is already in use.")
        oc = other["config"]
        if config.get("CloudHsmClusterId") and oc.get("CloudHsmClusterId") == \
                config["CloudHsmClusterId"]:
            raise err.CloudHsmClusterInUseException(
                f"Cluster {config['CloudHsmClusterId']} is already associated with a custom "
                "key store.")
        if config.get("UriEndpoint") and oc.get("UriEndpoint") == config["UriEndpoint"] and \
                oc.get("UriPath") == config.get("UriPath"):
            raise err.XksProxyUriInUseException(
                "The XKS proxy URI endpoint and path are already used by another custom key "
                "store.")


@_operation("CreateCustomKeyStore")
def create_custom_key_store(ctx: Context, audit: _Audit, *, CustomKeyStoreName: str,
                            CustomKeyStoreType: str | None = None,
                            **request: Any) -> dict[str, Any]:
    """A CloudHSM or external key store record (DISCONNECTED until ConnectCustomKeyStore).

    Departs from AWS: no cluster or proxy exists, so none is contacted or checked.
    """
    kind = CustomKeyStoreType or "AWS_CLOUDHSM"
    if kind == "AWS_CLOUDHSM":
        for member in ("CloudHsmClusterId", "TrustAnchorCertificate", "KeyStorePassword"):
            if not request.get(member):
                raise err.ValidationException(
                    f"{member} is required for a custom key store of type AWS_CLOUDHSM.")
        config: dict[str, Any] = {
            "CloudHsmClusterId": request["CloudHsmClusterId"],
            "TrustAnchorCertificate": request["TrustAnchorCertificate"],
        }
    else:
        for member in ("XksProxyUriEndpoint", "XksProxyUriPath",
                       "XksProxyAuthenticationCredential", "XksProxyConnectivity"):
            if not request.get(member):
                raise err.ValidationException(
                    f"{member} is required for a custom key store of type EXTERNAL_KEY_STORE.")
        if request["XksProxyConnectivity"] == "VPC_ENDPOINT_SERVICE" and not request.get(
                "XksProxyVpcEndpointServiceName"):
            raise err.ValidationException(
                "XksProxyVpcEndpointServiceName is required when XksProxyConnectivity is "
                "VPC_ENDPOINT_SERVICE.")
        config = _xks_config(request, {})
    _check_store_uniqueness(ctx, None, CustomKeyStoreName, config)
    store_id = "cks-" + os.urandom(9).hex()[:17]
    db.insert_key_store(ctx.db, ctx.account, ctx.region, {
        "store_id": store_id, "name": CustomKeyStoreName, "store_type": kind,
        "config": config, "connection_state": "DISCONNECTED", "creation_date": ctx.time(),
    })
    return {"CustomKeyStoreId": store_id}


def _store_entry(store: Row) -> dict[str, Any]:
    config = store["config"]
    entry: dict[str, Any] = {"CustomKeyStoreId": store["store_id"],
                             "CustomKeyStoreName": store["name"]}
    if store["store_type"] == "AWS_CLOUDHSM":
        entry["CloudHsmClusterId"] = config.get("CloudHsmClusterId")
        entry["TrustAnchorCertificate"] = config.get("TrustAnchorCertificate")
    entry["ConnectionState"] = store["connection_state"]
    entry["CreationDate"] = _dt(store["creation_date"])
    entry["CustomKeyStoreType"] = store["store_type"]
    if store["store_type"] == "EXTERNAL_KEY_STORE":
        xks = {k: config[k] for k in ("Connectivity", "AccessKeyId", "UriEndpoint", "UriPath",
                                      "VpcEndpointServiceName", "VpcEndpointServiceOwner")
               if config.get(k)}
        entry["XksProxyConfiguration"] = xks
    return entry


@_operation("DescribeCustomKeyStores")
def describe_custom_key_stores(ctx: Context, audit: _Audit, *,
                               CustomKeyStoreId: str | None = None,
                               CustomKeyStoreName: str | None = None, Limit: int | None = None,
                               Marker: str | None = None) -> dict[str, Any]:
    """The custom key stores of the account and region (one, by id or name)."""
    stores = db.list_key_stores(ctx.db, ctx.account, ctx.region)
    if CustomKeyStoreId is not None:
        stores = [s for s in stores if s["store_id"] == CustomKeyStoreId]
        if not stores:
            raise err.CustomKeyStoreNotFoundException(
                f"Custom key store {CustomKeyStoreId} does not exist.")
    if CustomKeyStoreName is not None:
        stores = [s for s in stores if s["name"] == CustomKeyStoreName]
        if not stores:
            raise err.CustomKeyStoreNotFoundException(
                f"Custom key store {CustomKeyStoreName} does not exist.")
    page, tail = _page(stores, _seq_ident, Limit, Marker, default=1000)
    return {"CustomKeyStores": [_store_entry(s) for s in page], **tail}


@_operation("UpdateCustomKeyStore")
def update_custom_key_store(ctx: Context, audit: _Audit, *, CustomKeyStoreId: str,
                            NewCustomKeyStoreName: str | None = None,
                            **request: Any) -> dict[str, Any]:
    """Rename or reconfigure a key store (disconnect it first for anything but the name)."""
    store = _store_or_raise(ctx, CustomKeyStoreId)
    config = dict(store["config"])
    if store["store_type"] == "AWS_CLOUDHSM":
        if any(k.startswith("Xks") and v is not None for k, v in request.items()):
            raise err.ValidationException(
                "XKS proxy settings are not valid for a custom key store of type AWS_CLOUDHSM.")
        if request.get("CloudHsmClusterId"):
            config["CloudHsmClusterId"] = request["CloudHsmClusterId"]
    else:
        if request.get("CloudHsmClusterId") or request.get("KeyStorePassword"):
            raise err.ValidationException(
                "CloudHSM settings are not valid for a custom key store of type "
                "EXTERNAL_KEY_STORE.")
        config = _xks_config(request, config)
    changes_config = config != store["config"] or request.get("KeyStorePassword")
    if changes_config and store["connection_state"] != "DISCONNECTED":
        raise err.CustomKeyStoreInvalidStateException(
            f"Custom key store {CustomKeyStoreId} must be disconnected to change its "
            "configuration.")
    _check_store_uniqueness(ctx, CustomKeyStoreId, NewCustomKeyStoreName, config)
    fields: dict[str, Any] = {"config": config}
    if NewCustomKeyStoreName is not None:
        fields["name"] = NewCustomKeyStoreName
    db.update_key_store(ctx.db, ctx.account, ctx.region, CustomKeyStoreId, **fields)
    return {}


@_operation("DeleteCustomKeyStore")
def delete_custom_key_store(ctx: Context, audit: _Audit, *,
                            CustomKeyStoreId: str) -> dict[str, Any]:
    """Delete a disconnected key store that holds no KMS keys."""
    store = _store_or_raise(ctx, CustomKeyStoreId)
    if store["connection_state"] != "DISCONNECTED":
        raise err.CustomKeyStoreInvalidStateException(
            f"Custom key store {CustomKeyStoreId} must be disconnected before it is deleted.")
    if db.count_keys_in_store(ctx.db, ctx.account, ctx.region, CustomKeyStoreId):
        raise err.CustomKeyStoreHasCMKsException(
            f"Custom key store {CustomKeyStoreId} contains KMS keys. Delete them first.")
    db.delete_key_store(ctx.db, ctx.account, ctx.region, CustomKeyStoreId)
    return {}


@_operation("ConnectCustomKeyStore")
def connect_custom_key_store(ctx: Context, audit: _Audit, *,
                             CustomKeyStoreId: str) -> dict[str, Any]:
    """CONNECTED (at once: AWS passes through CONNECTING); its keys become usable."""
    _store_or_raise(ctx, CustomKeyStoreId)
    db.update_key_store(ctx.db, ctx.account, ctx.region, CustomKeyStoreId,
                        connection_state="CONNECTED")
    return {}


@_operation("DisconnectCustomKeyStore")
def disconnect_custom_key_store(ctx: Context, audit: _Audit, *,
                                CustomKeyStoreId: str) -> dict[str, Any]:
    """DISCONNECTED: its keys are Unavailable until it is connected again."""
    store = _store_or_raise(ctx, CustomKeyStoreId)
    if store["connection_state"] == "DISCONNECTED":
        raise err.CustomKeyStoreInvalidStateException(
            f"Custom key store {CustomKeyStoreId} is already disconnected.")
    db.update_key_store(ctx.db, ctx.account, ctx.region, CustomKeyStoreId,
                        connection_state="DISCONNECTED")
    return {}
