"""Regenerate awslocal_cli/models/*.json from the botocore service models.

botocore is a test/dev dependency only: at run time awslocal reads these trimmed copies
(shapes, operations, errors and paginators, without documentation) so that start-up never
imports botocore. Run: python tools/gen_models.py
"""

from __future__ import annotations

import json
import pathlib

import botocore.loaders

SERVICES = ("kms", "sqs", "sns", "sts", "cloudtrail")
# Services of which awslocal offers only some operations: keep just those and their shapes.
ONLY = {"cloudtrail": {"LookupEvents"}}
OUT = pathlib.Path(__file__).resolve().parent.parent / "awslocal_cli" / "models"
DROP = {"documentation", "documentationUrl", "examples", "deprecatedMessage"}


def _strip(node):
    if isinstance(node, dict):
        return {k: _strip(v) for k, v in node.items() if k not in DROP}
    if isinstance(node, list):
        return [_strip(v) for v in node]
    return node


def _restrict(model: dict, operations: set[str]) -> dict:
    shapes = model["shapes"]
    keep: set[str] = set()

    def visit(name: str) -> None:
        if name in keep:
            return
        keep.add(name)
        shape = shapes[name]
        for ref in (shape.get("member"), shape.get("key"), shape.get("value")):
            if ref:
                visit(ref["shape"])
        for ref in shape.get("members", {}).values():
            visit(ref["shape"])

    ops = {k: v for k, v in model["operations"].items() if k in operations}
    for op in ops.values():
        for ref in [op.get("input"), op.get("output"), *op.get("errors", [])]:
            if ref:
                visit(ref["shape"])
    return {**model, "operations": ops, "shapes": {k: v for k, v in shapes.items() if k in keep}}


def build(service: str) -> dict:
    loader = botocore.loaders.Loader()
    model = loader.load_service_model(service, "service-2")
    try:
        paginators = loader.load_service_model(service, "paginators-1")["pagination"]
    except Exception:
        paginators = {}
    meta = model["metadata"]
    if service in ONLY:
        model = _restrict(model, ONLY[service])
        paginators = {k: v for k, v in paginators.items() if k in ONLY[service]}
    return {
        "metadata": {
            k: meta[k]
            for k in ("apiVersion", "endpointPrefix", "protocol", "serviceId", "signingName")
            if k in meta
        },
        "operations": _strip(model["operations"]),
        "shapes": _strip(model["shapes"]),
        "paginators": paginators,
    }


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for service in SERVICES:
        text = json.dumps(build(service), separators=(",", ":"), sort_keys=False)
        (OUT / f"{service}.json").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
