"""Key material: generated, wrapped by the root key for every multi-Region copy, unwrapped."""

from __future__ import annotations

from awslocal_cli.errors import kms as err
from awslocal_cli.services.kms.names import Row, _new_material_id
from awslocal_cli.store import kms as db

TYPE_CHECKING = False
if TYPE_CHECKING:
    from awslocal_cli.context import Context


def _rotate(ctx: Context, key: Row, rotation_type: str, when: float) -> str:
    """New key material for a symmetric key (and its multi-Region copies); returns its id."""
    from awslocal_cli import crypto

    material = crypto.generate(key["key_spec"])
    material_id = _new_material_id()
    _store_material(ctx, key, material_id, material, created=when, rotation_date=when,
                    rotation_type=rotation_type)
    return material_id


def _store_material(ctx: Context, key: Row, material_id: str, material: bytes, *,
                    created: float, rotation_date: float | None = None,
                    rotation_type: str | None = None, imported: bool = False,
                    valid_to: float | None = None, expiration_model: str | None = None,
                    description: str | None = None, make_current: bool = True) -> None:
    from awslocal_cli import crypto

    wrapped = crypto.wrap_material(ctx.store.root_key(), key["key_id"], material_id, material)
    copies = db.key_regions(ctx.db, key["account"], key["key_id"]) if key["multi_region"] \
        else [key]
    for copy in copies:
        existing = db.get_material(ctx.db, copy["account"], copy["region"], key["key_id"],
                                   material_id)
        row = {"wrapped": wrapped, "imported": 1 if imported else 0,
               "import_state": "IMPORTED" if imported else None, "valid_to": valid_to,
               "expiration_model": expiration_model, "description": description}
        if existing is None:
            db.insert_material(ctx.db, copy["account"], copy["region"], key["key_id"],
                               {"material_id": material_id, "created": created,
                                "rotation_date": rotation_date, "rotation_type": rotation_type,
                                **row})
        else:
            db.update_material(ctx.db, copy["account"], copy["region"], key["key_id"],
                               material_id, **row)
        if make_current:
            db.update_key(ctx.db, copy["account"], copy["region"], key["key_id"],
                          current_material_id=material_id)
    if make_current:
        key["current_material_id"] = material_id


def _material(ctx: Context, key: Row, material_id: str | None = None) -> tuple[str, bytes]:
    """(material id, unwrapped key material): the current version unless one is named."""
    from awslocal_cli import crypto

    mid = material_id or key["current_material_id"]
    row = db.get_material(ctx.db, key["account"], key["region"], key["key_id"], mid) \
        if mid else None
    if row is None or row["wrapped"] is None:
        raise err.InvalidCiphertextException("")
    try:
        return mid, crypto.unwrap_material(ctx.store.root_key(), key["key_id"], mid,
                                           row["wrapped"])
    except crypto.InvalidCiphertext:
        raise err.KMSInternalException("The key material could not be unwrapped: the root key "
                                       "does not match this state.") from None
