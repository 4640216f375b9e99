"""Every operation's service function takes its members as the model says: required members
without a default, the others with one, so no request can end in a raw TypeError."""

from __future__ import annotations

import inspect

import pytest

from awslocal_cli import model
from awslocal_cli.dispatch import operation_function

# The first parameters of every service function (the Context, KMS's audit record).
_PLUMBING = {"ctx", "audit"}


def _operations() -> list[tuple[str, str]]:
    return [(service, op) for service in model.SERVICES
            for op in sorted(model.load(service)["operations"])
            if operation_function(service, op) is not None]


def _mismatches(service: str, operation: str) -> list[str]:
    m = model.load(service)
    ref = m["operations"][operation].get("input")
    shape = m["shapes"][ref["shape"]] if ref else {"members": {}}
    required = set(shape.get("required", []))
    members = set(shape.get("members", {}))
    fn = operation_function(service, operation)
    fn = getattr(fn, "impl", fn)  # KMS's audit wrapper takes **request; its impl the members
    params = {name: p for name, p in inspect.signature(fn).parameters.items()
              if name not in _PLUMBING and p.kind not in (p.VAR_POSITIONAL,)}
    var_kw = any(p.kind is p.VAR_KEYWORD for p in params.values())
    problems = []
    for member in sorted(members):
        p = params.get(member)
        if p is None:
            if not var_kw:
                problems.append(f"{member}: not accepted")
            continue
        has_default = p.default is not inspect.Parameter.empty
        if member in required and has_default:
            problems.append(f"{member}: required by the model but has a default")
        if member not in required and not has_default:
            problems.append(f"{member}: optional in the model but required by the function")
    for name, p in params.items():
        if p.kind is p.VAR_KEYWORD or name in members:
            continue
        if p.default is inspect.Parameter.empty:
            problems.append(f"{name}: required by the function but not a member of the model")
    return problems


@pytest.mark.parametrize(("service", "operation"), _operations())
def test_required_members_match_the_service_function(service, operation):
    assert _mismatches(service, operation) == []
