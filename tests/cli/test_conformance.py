"""Every registered command matches the real AWS API model (botocore), option for option.

The models awslocal ships (awslocal_cli/models) are trimmed copies; these tests compare the
commands against botocore's own loader, so a drifted copy or a hand-edited option fails here.
As service operations land, they are covered automatically.
"""

from __future__ import annotations

import json

import botocore.loaders
import pytest
from botocore import xform_name

from awslocal_cli import model as models
from awslocal_cli.cli.operation import (
    PAGING_OPTIONS,
    RENAMES,
    Operation,
    implemented_operations,
)

SERVICES = ("kms", "sqs", "sns", "sts", "cloudtrail")
CLI_OWN = {"cli-input-json", "cli-input-yaml", "generate-cli-skeleton"}
_loader = botocore.loaders.Loader()


def _botocore(service: str) -> dict:
    return _loader.load_service_model(service, "service-2")


def _registered() -> list[tuple[str, str]]:
    return [(s, op) for s in SERVICES for op in implemented_operations(s).values()]


def test_something_is_registered():
    assert ("sts", "GetCallerIdentity") in _registered()


@pytest.mark.parametrize(("service", "operation"), _registered())
def test_options_are_exactly_the_model_members(service, operation):
    real = _botocore(service)
    op = real["operations"][operation]
    members: dict = {}
    required: set = set()
    if "input" in op:
        shape = real["shapes"][op["input"]["shape"]]
        members = shape.get("members", {})
        required = set(shape.get("required", []))
    command = Operation(service, operation)
    assert command.name == xform_name(operation, "-")
    expected = {
        RENAMES.get((service, operation, m)) or xform_name(m, "-"): m for m in members
    }
    extra = set(CLI_OWN)
    paginators = _loader.load_service_model(service, "paginators-1")["pagination"] if service in (
        "kms", "sqs", "sns", "cloudtrail") else {}
    if operation in paginators:
        extra |= set(PAGING_OPTIONS)
    got = {name: spec.member for name, spec in command.specs.items() if spec.member}
    assert got == expected, "options differ from the model's input members"
    assert set(command.specs) - set(got) == extra - set(got)
    for name, spec in command.specs.items():
        if spec.member:
            assert spec.required == (spec.member in required), name
            kind = real["shapes"][members[spec.member]["shape"]]["type"]
            assert (spec.kind == "flag") == (kind == "boolean"), name
            assert (spec.kind == "list") == (kind == "list"), name


@pytest.mark.parametrize("service", SERVICES)
def test_shipped_model_is_botocores(service):
    """The trimmed copy has the same operations, inputs and outputs as botocore's model."""
    ours = models.load(service)
    real = _botocore(service)
    for name, op in ours["operations"].items():
        assert real["operations"][name].get("input") == op.get("input")
        assert real["operations"][name].get("output") == op.get("output")
    if service != "cloudtrail":
        assert set(ours["operations"]) == set(real["operations"])
    for name, shape in ours["shapes"].items():
        stripped = json.loads(json.dumps(real["shapes"][name]))
        stripped.pop("documentation", None)
        assert set(shape.get("members", {})) == set(stripped.get("members", {})), name
        assert shape.get("required") == stripped.get("required"), name
