"""IAM-style resource policies: KMS key policies, SQS queue policies and SNS topic policies.

`parse(text)` checks a document against the policy grammar (IAM User Guide, "Grammar of the IAM
JSON policy language") and returns it unchanged as a dict; `evaluate(...)` decides one request
against it the way the IAM evaluation logic does for a single resource-based policy: a matching
Deny wins, else a matching Allow allows, else the request is implicitly denied.

A statement without Resource is accepted and applies to every resource (KMS requires "*" there;
the KMS service can insist if it wants to). Condition keys and operator names ignore case,
values follow each operator's rules, and policy variables (`${aws:username}`, any key of the
request context, `${key, 'default'}`, `${*}`) are expanded in Resource and in String and ARN
condition values of version 2012-10-17 policies.

Departures from AWS, all because awslocal does not model IAM:

- There are no identity policies. A principal of an account gets whatever an IAM policy could
  grant, so a statement naming the account (`{"AWS": "123456789012"}` or
  `{"AWS": "arn:aws:iam::123456789012:root"}`) applies to every IAM principal of it. It never
  applies to a service principal.
- Principal ARNs are not resolved to unique ids, so a policy naming a user or role that does not
  exist is accepted, and a user recreated under the same name is still matched.
- `${aws:userid}` and other keys that need IAM's records are known only when the caller passes
  them in the context.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import lru_cache

from awslocal_cli.patterns import Pattern

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; annotations only
    from typing import Any

__all__ = [
    "PolicyError",
    "aws_managed_key_policy",
    "default_key_policy",
    "evaluate",
    "lockout_safety_ok",
    "parse",
    "validate",
]

VERSIONS = ("2012-10-17", "2008-10-17")
ALLOW, DENY, IMPLICIT_DENY = "Allow", "Deny", "ImplicitDeny"

_TOP_KEYS = ("Version", "Id", "Statement")
_STATEMENT_KEYS = ("Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
                   "Resource", "NotResource", "Condition")
_PRINCIPAL_KINDS = ("AWS", "Service", "Federated", "CanonicalUser")

_ACCOUNT_RE = Pattern(r"\d{12}")
# The IAM and STS principals a resource policy can name (IAM User Guide, "AWS JSON policy
# elements: Principal"). Groups and instance profiles are not principals.
_AWS_PRINCIPAL_RE = Pattern(
    r"arn:aws[a-z-]*:(?:iam::\d{12}:(?:root|user/.+|role/.+|federated-user/.+)"
    r"|sts::\d{12}:(?:assumed-role/[^/]+/.+|federated-user/.+))")
_ACTION_RE = Pattern(r"\*|[A-Za-z0-9-]+:[A-Za-z0-9_*?-]+")
_CONDITION_KEY_RE = Pattern(r"(?s)[A-Za-z0-9._-]+:.+")
_VARIABLE_RE = Pattern(r"\$\{([^}]*)\}")


class PolicyError(ValueError):
    """A policy document that is not JSON or does not follow the policy grammar."""


# -- condition operators ------------------------------------------------------------------------

# Lower-cased base operator -> (family, comparison, negated). The IfExists suffix and the
# ForAnyValue:/ForAllValues: prefixes are split off first (IAM User Guide, "IAM JSON policy
# elements: Condition operators" and "Set operators for multivalued context keys").
_OPERATORS: dict[str, tuple[str, str, bool]] = {
    "stringequals": ("string", "eq", False),
    "stringnotequals": ("string", "eq", True),
    "stringequalsignorecase": ("string", "ieq", False),
    "stringnotequalsignorecase": ("string", "ieq", True),
    "stringlike": ("string", "like", False),
    "stringnotlike": ("string", "like", True),
    "numericequals": ("numeric", "eq", False),
    "numericnotequals": ("numeric", "eq", True),
    "numericlessthan": ("numeric", "lt", False),
    "numericlessthanequals": ("numeric", "le", False),
    "numericgreaterthan": ("numeric", "gt", False),
    "numericgreaterthanequals": ("numeric", "ge", False),
    "dateequals": ("date", "eq", False),
    "datenotequals": ("date", "eq", True),
    "datelessthan": ("date", "lt", False),
    "datelessthanequals": ("date", "le", False),
    "dategreaterthan": ("date", "gt", False),
    "dategreaterthanequals": ("date", "ge", False),
    "bool": ("bool", "eq", False),
    "binaryequals": ("binary", "eq", False),
    "ipaddress": ("ip", "in", False),
    "notipaddress": ("ip", "in", True),
    # ArnEquals and ArnLike behave the same: both match each of the six colon-separated
    # parts with wildcards (IAM User Guide, "Amazon Resource Name (ARN) condition operators").
    "arnequals": ("arn", "like", False),
    "arnlike": ("arn", "like", False),
    "arnnotequals": ("arn", "like", True),
    "arnnotlike": ("arn", "like", True),
    "null": ("null", "eq", False),
}


def _split_operator(name: str) -> tuple[str | None, str, bool]:
    """'ForAnyValue:StringLikeIfExists' -> ('foranyvalue', 'stringlike', True)."""
    low = name.lower()
    qualifier = None
    for prefix in ("forallvalues:", "foranyvalue:"):
        if low.startswith(prefix):
            qualifier, low = prefix[:-1], low[len(prefix):]
            break
    if_exists = low.endswith("ifexists")
    if if_exists:
        low = low[: -len("ifexists")]
    if low not in _OPERATORS or (if_exists and low == "null"):
        raise PolicyError(f"Unknown condition operator {name!r}.")
    return qualifier, low, if_exists


# -- parsing and validation ---------------------------------------------------------------------


def parse(document: str | bytes) -> dict[str, Any]:
    """Parse and validate a policy document (JSON text); raises PolicyError if malformed."""
    if isinstance(document, (bytes, bytearray)):
        try:
            document = document.decode("utf-8")
        except UnicodeDecodeError:
            raise PolicyError("The policy document is not valid UTF-8.") from None
    if not isinstance(document, str):
        raise PolicyError("The policy document must be JSON text.")

    def no_constants(name: str) -> Any:
        raise PolicyError(f"The policy document is not valid JSON: {name} is not a JSON value.")

    try:
        doc = json.loads(document, parse_constant=no_constants)
    except json.JSONDecodeError as exc:
        raise PolicyError(f"The policy document is not valid JSON: {exc.msg} at line "
                          f"{exc.lineno} column {exc.colno}.") from None
    return validate(doc)


def validate(policy: Any) -> dict[str, Any]:
    """Check an already decoded policy document; returns it unchanged or raises PolicyError."""
    if not isinstance(policy, dict):
        raise PolicyError("The policy document must be a JSON object.")
    for key in policy:
        if key not in _TOP_KEYS:
            raise PolicyError(f"Unknown policy element {key!r}: a policy has only Version, Id "
                              "and Statement.")
    if "Version" in policy and policy["Version"] not in VERSIONS:
        raise PolicyError(f"Unsupported policy Version {policy['Version']!r}: use "
                          "\"2012-10-17\" (or the older \"2008-10-17\").")
    if "Id" in policy and not isinstance(policy["Id"], str):
        raise PolicyError("The policy Id must be a string.")
    if "Statement" not in policy:
        raise PolicyError("The policy has no Statement.")
    statements = policy["Statement"]
    if isinstance(statements, dict):
        statements = [statements]
    elif not isinstance(statements, list):
        raise PolicyError("Statement must be an object or a list of objects.")
    if not statements:
        raise PolicyError("Statement is empty: a policy needs at least one statement.")
    sids: set[str] = set()
    for number, statement in enumerate(statements, 1):
        _check_statement(statement, number, sids)
    return policy


def _check_statement(st: Any, number: int, sids: set[str]) -> None:
    where = f"Statement {number}"
    if not isinstance(st, dict):
        raise PolicyError(f"{where} must be a JSON object.")
    if "Sid" in st:
        sid = st["Sid"]
        if not isinstance(sid, str):
            raise PolicyError(f"{where}: Sid must be a string.")
        if sid:
            if sid in sids:
                raise PolicyError(f"Statement ids (Sid) must be unique: {sid!r} appears twice.")
            sids.add(sid)
            where = f"Statement {number} ({sid})"
    for key in st:
        if key not in _STATEMENT_KEYS:
            raise PolicyError(f"{where}: unknown element {key!r}.")
    if "Effect" not in st:
        raise PolicyError(f"{where} has no Effect.")
    if st["Effect"] not in (ALLOW, DENY):
        raise PolicyError(f"{where}: Effect must be \"Allow\" or \"Deny\", not "
                          f"{st['Effect']!r}.")
    _exactly_one(st, where, "Principal", "NotPrincipal",
                 missing="a resource policy statement needs a Principal or a NotPrincipal")
    _exactly_one(st, where, "Action", "NotAction")
    if "Resource" in st and "NotResource" in st:
        raise PolicyError(f"{where} has both Resource and NotResource.")
    for element in ("Principal", "NotPrincipal"):
        if element in st:
            _check_principal(st[element], where, element)
    for element in ("Action", "NotAction"):
        if element in st:
            for action in _strings(st[element], where, element):
                if not _ACTION_RE.fullmatch(action):
                    raise PolicyError(f"{where}: {element} {action!r} is not \"*\" or "
                                      "\"service:action\".")
    for element in ("Resource", "NotResource"):
        if element in st:
            for resource in _strings(st[element], where, element):
                if resource != "*" and not resource.startswith("arn:"):
                    raise PolicyError(f"{where}: {element} {resource!r} is not \"*\" or an "
                                      "ARN.")
    if "Condition" in st:
        _check_condition(st["Condition"], where)


def _exactly_one(st: dict[str, Any], where: str, a: str, b: str, missing: str = "") -> None:
    if a in st and b in st:
        raise PolicyError(f"{where} has both {a} and {b}.")
    if a not in st and b not in st:
        raise PolicyError(f"{where} has neither {a} nor {b}" + (f": {missing}." if missing
                                                                 else "."))


def _strings(value: Any, where: str, element: str) -> list[str]:
    """A string or a non-empty list of non-empty strings, as a list."""
    items = value if isinstance(value, list) else [value]
    if not items:
        raise PolicyError(f"{where}: {element} is an empty list.")
    for item in items:
        if not isinstance(item, str) or not item:
            raise PolicyError(f"{where}: {element} must be a string or a list of strings, "
                              f"not {json.dumps(item)}.")
    return items


def _check_principal(value: Any, where: str, element: str) -> None:
    if value == "*":
        return
    if not isinstance(value, dict):
        raise PolicyError(f"{where}: {element} must be \"*\" or an object such as "
                          f"{{\"AWS\": ...}} or {{\"Service\": ...}}, not {json.dumps(value)}.")
    if not value:
        raise PolicyError(f"{where}: {element} is empty.")
    for kind, names in value.items():
        if kind not in _PRINCIPAL_KINDS:
            raise PolicyError(f"{where}: unknown principal type {kind!r} in {element} (use AWS, "
                              "Service, Federated or CanonicalUser).")
        for name in _strings(names, where, f"{element}.{kind}"):
            if kind == "AWS":
                valid = name == "*" or bool(_ACCOUNT_RE.fullmatch(name)) or (
                    "*" not in name and "?" not in name
                    and bool(_AWS_PRINCIPAL_RE.fullmatch(name)))
            else:
                valid = "*" not in name and not any(c.isspace() for c in name)
            if not valid:
                raise PolicyError(f"{where}: invalid principal in {element}.{kind}: {name!r}.")


def _check_condition(condition: Any, where: str) -> None:
    if not isinstance(condition, dict):
        raise PolicyError(f"{where}: Condition must be an object of operators.")
    for operator, block in condition.items():
        try:
            _, base, _ = _split_operator(operator)
        except PolicyError as exc:
            raise PolicyError(f"{where}: {exc}") from None
        if not isinstance(block, dict):
            raise PolicyError(f"{where}: Condition {operator} must map condition keys to "
                              "values.")
        family, _, _ = _OPERATORS[base]
        for key, values in block.items():
            if not _CONDITION_KEY_RE.fullmatch(key):
                raise PolicyError(f"{where}: condition key {key!r} is not of the form "
                                  "\"prefix:name\".")
            items = values if isinstance(values, list) else [values]
            if not items:
                raise PolicyError(f"{where}: Condition {operator} {key} has no values.")
            for item in items:
                _check_condition_value(item, family, where, operator, key)


def _check_condition_value(item: Any, family: str, where: str, operator: str, key: str) -> None:
    what = f"{where}: Condition {operator} {key}"
    if item is None or isinstance(item, (dict, list)):
        raise PolicyError(f"{what}: values must be strings, numbers or booleans, not "
                          f"{json.dumps(item)}.")
    if family in ("bool", "null"):
        if _text(item).lower() not in ("true", "false"):
            raise PolicyError(f"{what}: {item!r} is not true or false.")
    elif family == "numeric" and _number(item) is None:
        raise PolicyError(f"{what}: {item!r} is not a number.")
    elif family == "date" and _timestamp(item) is None:
        raise PolicyError(f"{what}: {item!r} is not a date (ISO 8601 or epoch seconds).")
    elif family == "ip" and _network(item) is None:
        raise PolicyError(f"{what}: {item!r} is not an IP address or CIDR block.")


# -- evaluation ---------------------------------------------------------------------------------


def evaluate(policy: Mapping[str, Any] | str, *, principal: str, action: str, resource: str,
             context: Mapping[str, object] | None = None, account: str) -> str:
    """'Allow', 'Deny' (an explicit deny) or 'ImplicitDeny' for one request against a policy.

    `principal` is the caller (an IAM or STS ARN, or a service principal such as
    sns.amazonaws.com), `account` the account that owns the resource. Condition keys the caller
    leaves out but that follow from the principal are filled in (aws:PrincipalArn,
    aws:PrincipalAccount, aws:PrincipalType, aws:username, aws:PrincipalIsAWSService,
    aws:PrincipalServiceName, aws:ResourceAccount, kms:CallerAccount for kms: actions), and
    aws:SecureTransport is true, as every awslocal request stands for an HTTPS one.
    """
    return _decide(policy, principal, action, resource, context, account)


def lockout_safety_ok(policy: Mapping[str, Any] | str, principal: str, account: str,
                      resource: str | None = None,
                      context: Mapping[str, object] | None = None) -> bool:
    """KMS's policy lockout safety check: could `principal` still call kms:PutKeyPolicy?

    AWS KMS refuses a CreateKey or PutKeyPolicy whose new policy would not let the caller put
    the key policy again (KMS Developer Guide, "Default key policy", the lockout safety check),
    unless BypassPolicyLockoutSafetyCheck is set. When `resource` (the key ARN) is not given,
    every Resource element is taken to name the key, as "*" does in a key policy, and no
    NotResource excludes it.
    """
    return _decide(policy, principal, "kms:PutKeyPolicy", resource, context, account) == ALLOW


def _decide(policy: Mapping[str, Any] | str, principal: str, action: str, resource: str | None,
            context: Mapping[str, object] | None, account: str) -> str:
    if isinstance(policy, (str, bytes)):
        policy = parse(policy)
    ctx = _request_context(principal, action, account, context)
    caller = _caller_identities(principal)
    # Policy variables exist only in version 2012-10-17; in older policies "${...}" is text
    # (IAM User Guide, "IAM policy elements: Variables and tags").
    expand = policy.get("Version") == "2012-10-17"
    action = action.lower()
    allowed = False
    for st in _iter_statements(policy):
        if not _statement_applies(st, caller, action, resource, ctx, expand):
            continue
        if st.get("Effect") == DENY:
            return DENY
        if st.get("Effect") == ALLOW:
            allowed = True
    return ALLOW if allowed else IMPLICIT_DENY


def _iter_statements(policy: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    statements = policy.get("Statement")
    for st in statements if isinstance(statements, list) else [statements]:
        if isinstance(st, Mapping):
            yield st


def _statement_applies(st: Mapping[str, Any], caller: frozenset[tuple[str, ...]], action: str,
                       resource: str | None, ctx: dict[str, Any], expand: bool) -> bool:
    if "Action" in st:
        if not _any_action(st["Action"], action):
            return False
    elif "NotAction" in st:
        if _any_action(st["NotAction"], action):
            return False
    else:
        return False
    if "Principal" in st:
        wildcard, named = _principal_set(st["Principal"])
        if not (wildcard or caller & named):
            return False
    elif "NotPrincipal" in st:
        # A request is checked against each identity in the caller's chain (account, then
        # user or role, then session), so NotPrincipal spares the caller only when every one
        # of them is listed (IAM User Guide, "AWS JSON policy elements: NotPrincipal").
        wildcard, named = _principal_set(st["NotPrincipal"])
        if wildcard or (caller and caller <= named):
            return False
    else:
        return False
    # No resource (the lockout check): every Resource names it, no NotResource excludes it.
    if resource is not None:
        if "Resource" in st:
            if not _any_resource(st["Resource"], resource, ctx, expand):
                return False
        elif "NotResource" in st and _any_resource(st["NotResource"], resource, ctx, expand):
            return False
    condition = st.get("Condition")
    return not condition or _conditions_hold(condition, ctx, expand)


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _any_action(patterns: Any, action: str) -> bool:
    return any(isinstance(p, str) and _match(_plain_tokens(p.lower()), action)
               for p in _listed(patterns))


def _any_resource(patterns: Any, resource: str, ctx: dict[str, Any], expand: bool) -> bool:
    for pattern in _listed(patterns):
        if not isinstance(pattern, str):
            continue
        if pattern == "*":
            return True
        tokens = _tokens(pattern, ctx, expand)
        if tokens is not None and _match(tokens, resource):
            return True
    return False


# -- principals ---------------------------------------------------------------------------------


def _principal_set(value: Any) -> tuple[bool, frozenset[tuple[str, ...]]]:
    """(matches everyone, the identities named) for a Principal or NotPrincipal element."""
    if value == "*":
        return True, frozenset()
    if not isinstance(value, Mapping):
        return False, frozenset()
    wildcard = False
    named: set[tuple[str, ...]] = set()
    for kind, names in value.items():
        for name in _listed(names):
            if not isinstance(name, str):
                continue
            if kind == "AWS":
                if name == "*":
                    wildcard = True
                else:
                    named.add(_named_identity(name))
            elif kind == "Service":
                named.add(("service", name.lower()))
            elif kind == "Federated":
                named.add(("federated", name))
            elif kind == "CanonicalUser":
                named.add(("canonical", name))
    return wildcard, frozenset(named)


def _named_identity(name: str) -> tuple[str, ...]:
    if _ACCOUNT_RE.fullmatch(name):
        return ("account", name)
    parts = name.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn" and parts[2] == "iam":
        account, res = parts[4], parts[5]
        if res == "root":
            return ("account", account)
        if res.startswith("role/"):
            # Sessions of a role carry its name but not its path: match on the name.
            return ("role", account, res.rsplit("/", 1)[-1])
    return ("arn", name)


@lru_cache(maxsize=256)
def _caller_identities(principal: str) -> frozenset[tuple[str, ...]]:
    """The identities a request from `principal` is checked against, account first."""
    if _ACCOUNT_RE.fullmatch(principal):
        return frozenset({("account", principal)})
    parts = principal.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn":
        service, account, res = parts[2], parts[4], parts[5]
        ids: set[tuple[str, ...]] = {("account", account)}
        if service == "iam" and res == "root":
            pass
        elif service == "iam" and res.startswith("role/"):
            ids.add(("role", account, res.rsplit("/", 1)[-1]))
        elif service == "sts" and res.startswith("assumed-role/"):
            role = res.split("/")[1]
            ids.add(("role", account, role))
            ids.add(("arn", principal))
        else:
            ids.add(("arn", principal))
        return frozenset(ids)
    if "." in principal:
        return frozenset({("service", principal.lower())})
    return frozenset({("arn", principal)})


def _caller_facts(principal: str) -> dict[str, Any]:
    """The global condition keys that follow from the caller principal alone."""
    if _ACCOUNT_RE.fullmatch(principal):
        return {"aws:PrincipalAccount": principal, "aws:PrincipalType": "Account",
                "aws:PrincipalArn": f"arn:aws:iam::{principal}:root",
                "aws:PrincipalIsAWSService": False}
    parts = principal.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn":
        partition, service, account, res = parts[1], parts[2], parts[4], parts[5]
        facts: dict[str, Any] = {"aws:PrincipalAccount": account, "aws:PrincipalArn": principal,
                                 "aws:PrincipalIsAWSService": False}
        if service == "iam" and res == "root":
            facts["aws:PrincipalType"] = "Account"
        elif service == "iam" and res.startswith("user/"):
            facts["aws:PrincipalType"] = "User"
            facts["aws:username"] = res.rsplit("/", 1)[-1]
        elif service == "iam" and res.startswith("role/"):
            facts["aws:PrincipalType"] = "AssumedRole"
        elif service == "sts" and res.startswith("assumed-role/"):
            facts["aws:PrincipalType"] = "AssumedRole"
            # aws:PrincipalArn of a role session is the role's ARN (IAM User Guide, "AWS
            # global condition context keys").
            facts["aws:PrincipalArn"] = f"arn:{partition}:iam::{account}:role/" \
                                        f"{res.split('/')[1]}"
        elif service == "sts" and res.startswith("federated-user/"):
            facts["aws:PrincipalType"] = "FederatedUser"
        return facts
    if "." in principal:
        return {"aws:PrincipalIsAWSService": True, "aws:PrincipalServiceName": principal}
    return {}


def _request_context(principal: str, action: str, account: str,
                     context: Mapping[str, object] | None) -> dict[str, Any]:
    """The request context with lower-cased keys (condition keys ignore case)."""
    ctx: dict[str, Any] = {}
    for key, value in (context or {}).items():
        if value is None:
            continue
        if isinstance(value, (tuple, set, frozenset)):
            value = sorted(value, key=str)
        ctx[str(key).lower()] = value
    defaults = _caller_facts(principal)
    defaults["aws:ResourceAccount"] = account
    defaults["aws:SecureTransport"] = True
    if action.lower().startswith("kms:") and not defaults.get("aws:PrincipalIsAWSService") \
            and "aws:PrincipalAccount" in defaults:
        defaults["kms:CallerAccount"] = defaults["aws:PrincipalAccount"]
    for key, value in defaults.items():
        ctx.setdefault(key.lower(), value)
    if "aws:epochtime" not in ctx and "aws:currenttime" in ctx:
        stamp = _timestamp(ctx["aws:currenttime"])
        if stamp is not None:
            ctx["aws:epochtime"] = int(stamp)
    return ctx


# -- conditions ---------------------------------------------------------------------------------


def _conditions_hold(condition: Any, ctx: dict[str, Any], expand: bool) -> bool:
    """Operators and keys are ANDed; the values of one key are ORed."""
    if not isinstance(condition, Mapping):
        raise PolicyError("Condition must be an object of operators.")
    for operator, block in condition.items():
        qualifier, base, if_exists = _split_operator(operator)
        if not isinstance(block, Mapping):
            raise PolicyError(f"Condition {operator} must map condition keys to values.")
        for key, values in block.items():
            if not _condition_holds(base, qualifier, if_exists, str(key).lower(),
                                    _listed(values), ctx, expand):
                return False
    return True


def _condition_holds(base: str, qualifier: str | None, if_exists: bool, key: str,
                     values: list[Any], ctx: dict[str, Any], expand: bool) -> bool:
    family, comparison, negated = _OPERATORS[base]
    found = ctx.get(key)
    if family == "null":
        # "true" asks for the key to be absent; an empty set counts as absent.
        absent = found is None or found == []
        return any((_text(v).lower() == "true") == absent for v in values)
    if found is None:
        # A missing key fails every positive operator and satisfies every negated one, except
        # that ...IfExists is satisfied and ForAllValues holds vacuously (IAM User Guide,
        # "Condition operators" and "Set operators for multivalued context keys").
        if if_exists or qualifier == "forallvalues":
            return True
        if qualifier == "foranyvalue":
            return False
        return negated
    items = found if isinstance(found, list) else [found]

    def matches(item: Any) -> bool:
        return any(_compare(family, comparison, item, value, ctx, expand) for value in values)

    # With a negated operator a request value counts when it matches none of the policy
    # values (the values are NORed).
    if qualifier == "forallvalues":
        return all(matches(item) != negated for item in items)
    if qualifier == "foranyvalue":
        return any(matches(item) != negated for item in items)
    return any(matches(item) for item in items) != negated


_ORDER = {
    "eq": lambda a, b: a == b, "lt": lambda a, b: a < b, "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b, "ge": lambda a, b: a >= b,
}


def _compare(family: str, comparison: str, item: Any, value: Any, ctx: dict[str, Any],
             expand: bool) -> bool:
    """Does one request value satisfy one policy value under a positive operator?"""
    if family == "string":
        if comparison == "like":
            tokens = _tokens(_text(value), ctx, expand)
            return tokens is not None and _match(tokens, _text(item))
        wanted = _expand(_text(value), ctx, expand)
        if wanted is None:
            return False
        if comparison == "ieq":
            return _text(item).casefold() == wanted.casefold()
        return _text(item) == wanted
    if family == "arn":
        return _arn_like(_text(value), _text(item), ctx, expand)
    if family == "numeric":
        a, b = _number(item), _number(value)
        return a is not None and b is not None and _ORDER[comparison](a, b)
    if family == "date":
        a, b = _timestamp(item), _timestamp(value)
        return a is not None and b is not None and _ORDER[comparison](a, b)
    if family == "bool":
        return _text(item).lower() == _text(value).lower()
    if family == "binary":
        if isinstance(item, (bytes, bytearray)):
            import base64

            item = base64.b64encode(item).decode("ascii")
        return _text(item) == _text(value)
    if family == "ip":
        network = _network(value)
        if network is None:
            return False
        import ipaddress

        try:
            address = ipaddress.ip_address(_text(item).strip())
        except ValueError:
            return False
        return address.version == network.version and address in network
    return False


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return value.decode("utf-8", "replace")
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value if value == value and value not in (float("inf"), float("-inf")) else None
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            pass
        try:
            number = float(text)
        except ValueError:
            return None
        return _number(number)
    return None


def _timestamp(value: Any) -> float | None:
    """Seconds since the epoch for an ISO 8601 date, epoch seconds or a datetime."""
    from datetime import datetime, timezone

    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = _number(value)
        return None if number is None else float(number)
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        text = value.strip()
        number = _number(text)
        if number is not None:
            return float(number)
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def _network(value: Any) -> Any:
    if not isinstance(value, str):
        return None
    import ipaddress

    try:
        return ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        return None


# -- wildcards and policy variables -------------------------------------------------------------


class _Wildcard:
    __slots__ = ("symbol",)

    def __init__(self, symbol: str) -> None:
        self.symbol = symbol

    def __repr__(self) -> str:
        return self.symbol


_STAR = _Wildcard("*")  # any run of characters, possibly empty
_ONE = _Wildcard("?")  # exactly one character
_Token = str | _Wildcard


@lru_cache(maxsize=1024)
def _plain_tokens(pattern: str) -> tuple[_Token, ...]:
    """A pattern with * and ? wildcards and no policy variables, as tokens."""
    return tuple(_STAR if c == "*" else _ONE if c == "?" else c for c in pattern)


def _match(tokens: tuple[_Token, ...], text: str) -> bool:
    """Wildcard match of the whole text, backtracking only to the last star (linear space)."""
    t = p = 0
    star, mark = -1, 0
    n, m = len(text), len(tokens)
    while t < n:
        if p < m:
            token = tokens[p]
            if token is _STAR:
                star, mark = p, t
                p += 1
                continue
            if token is _ONE or token == text[t]:
                p += 1
                t += 1
                continue
        if star < 0:
            return False
        p = star + 1
        mark += 1
        t = mark
    while p < m and tokens[p] is _STAR:
        p += 1
    return p == m


def _pieces(value: str, ctx: dict[str, Any], expand: bool) -> list[tuple[str, bool]] | None:
    """Split a policy value into (text, is_pattern) pieces with its variables substituted.

    Substituted text is never a pattern, so a `*` in a user name matches only a `*`. Returns
    None when a variable has no value and no default: such a policy value matches nothing.
    """
    if not expand or "${" not in value:
        return [(value, True)]
    pieces: list[tuple[str, bool]] = []
    last = 0
    for found in _VARIABLE_RE.finditer(value):
        pieces.append((value[last:found.start()], True))
        last = found.end()
        body = found.group(1).strip()
        if body in ("*", "?", "$"):
            pieces.append((body, False))
            continue
        default = None
        if "," in body:
            body, _, rest = body.partition(",")
            body, rest = body.strip(), rest.strip()
            if len(rest) >= 2 and rest[0] == rest[-1] == "'":
                default = rest[1:-1]
        known = ctx.get(body.lower())
        if known is None or isinstance(known, (list, dict)):
            if default is None:
                return None
            pieces.append((default, False))
        else:
            pieces.append((_text(known), False))
    pieces.append((value[last:], True))
    return pieces


def _expand(value: str, ctx: dict[str, Any], expand: bool) -> str | None:
    pieces = _pieces(value, ctx, expand)
    return None if pieces is None else "".join(text for text, _ in pieces)


def _tokens(value: str, ctx: dict[str, Any], expand: bool) -> tuple[_Token, ...] | None:
    pieces = _pieces(value, ctx, expand)
    if pieces is None:
        return None
    out: list[_Token] = []
    for text, is_pattern in pieces:
        out.extend(_plain_tokens(text) if is_pattern else text)
    return tuple(out)


def _arn_like(pattern: str, arn: str, ctx: dict[str, Any], expand: bool) -> bool:
    """Match the six colon-separated parts of an ARN one by one, each with wildcards."""
    tokens = _tokens(pattern, ctx, expand)
    if tokens is None:
        return False
    parts: list[tuple[_Token, ...]] = []
    start = 0
    for i, token in enumerate(tokens):
        if token == ":" and len(parts) < 5:
            parts.append(tokens[start:i])
            start = i + 1
    parts.append(tokens[start:])
    if len(parts) < 6:
        # Not an ARN pattern ("*", "arn:aws:sns:*"): match the whole string.
        return _match(tokens, arn)
    fields = arn.split(":", 5)
    return len(fields) == 6 and all(_match(p, f) for p, f in zip(parts, fields, strict=True))


# -- the policies KMS writes itself -------------------------------------------------------------


def _partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def default_topic_policy(topic_arn: str, account: str) -> dict[str, Any]:
    """The policy SNS gives a topic created without one: the owner's account may manage and
    publish (AWS:SourceOwner), in the 2008-10-17 grammar SNS still writes."""
    return {
        "Version": "2008-10-17",
        "Id": "__default_policy_ID",
        "Statement": [{
            "Sid": "__default_statement_ID",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission",
                       "SNS:RemovePermission", "SNS:DeleteTopic", "SNS:Subscribe",
                       "SNS:ListSubscriptionsByTopic", "SNS:Publish"],
            "Resource": topic_arn,
            "Condition": {"StringEquals": {"AWS:SourceOwner": account}},
        }],
    }


def default_key_policy(account: str, partition: str = "aws") -> dict[str, Any]:
    """The key policy KMS gives a key created without one: the account root may do kms:*.

    Naming the account root lets IAM policies grant access to the key (KMS Developer Guide,
    "Default key policy"); in awslocal that means every principal of the account.
    """
    return {
        "Version": "2012-10-17",
        "Id": "key-default-1",
        "Statement": [{
            "Sid": "Enable IAM User Permissions",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
            "Action": "kms:*",
            "Resource": "*",
        }],
    }


# service -> (policy Id, the service's name in the first Sid, the actions allowed through it),
# as in the policies of the AWS managed keys alias/aws/sqs and alias/aws/sns.
_MANAGED_KEYS: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "sqs": ("auto-sqs-1", "Simple Queue Service (SQS)", "SQS",
            ("kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
             "kms:CreateGrant", "kms:DescribeKey")),
    "sns": ("auto-sns-1", "SNS", "SNS",
            ("kms:Decrypt", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:ListGrants",
             "kms:DescribeKey")),
}


def aws_managed_key_policy(account: str, service: str, region: str) -> dict[str, Any]:
    """The policy of the AWS managed key alias/aws/<service>.

    Principals of the account may use the key only through the service (kms:ViaService and
    kms:CallerAccount conditions), and the account may read its metadata. No service principal
    is granted anything: SNS (sns.amazonaws.com) cannot use alias/aws/sqs, so it cannot deliver
    to a queue encrypted with it (SQS Developer Guide, "Key management"; SNS Developer Guide,
    "Enabling compatibility between event sources and encrypted topics").
    """
    default = (f"auto-{service}-1", service.upper(), service.upper(),
               _MANAGED_KEYS["sqs"][3])
    policy_id, through, authorized, actions = _MANAGED_KEYS.get(service, default)
    partition = _partition(region)
    dns_suffix = "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"
    return {
        "Version": "2012-10-17",
        "Id": policy_id,
        "Statement": [
            {
                "Sid": f"Allow access through {through} for all principals in the account that "
                       f"are authorized to use {authorized}",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": list(actions),
                "Resource": "*",
                "Condition": {"StringEquals": {
                    "kms:CallerAccount": account,
                    "kms:ViaService": f"{service}.{region}.{dns_suffix}",
                }},
            },
            {
                "Sid": "Allow direct access to key metadata to the account",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
                "Action": ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"],
                "Resource": "*",
            },
        ],
    }
