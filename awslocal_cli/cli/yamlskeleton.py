"""`--generate-cli-skeleton yaml-input`: the sample request as the AWS CLI v2 writes it.

As awscli/customizations/generatecliskeleton.py's YAMLArgumentGenerator dumps it with
ruamel.yaml: the values of botocore's ArgumentGenerator (strings '' or an enum's first value,
numbers 0, booleans true, timestamps 1970-01-01 00:00:00, blobs `!!binary ''`, a list of one
element, a map {KeyName: value}), and after each structure member an end-of-line comment:
`[REQUIRED]` for a required member, the first sentence of its documentation
(customizations/utils.get_shape_doc_overview), and its enum's values. ruamel writes the comment
of a key whose preceding key has none two spaces after the value, the others one.

The documentation is read from the installed botocore's model (awslocal's own models carry
none), without importing botocore; without it the comments hold only [REQUIRED] and the enums.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./")
_YAML_WORDS = frozenset(("true", "false", "null", "yes", "no", "on", "off", "~"))


class _Binary:
    """A blob's placeholder: ruamel writes it `!!binary ''`."""


class _Map:
    """A structure's skeleton: its members in order, each with its comment (or None)."""

    def __init__(self) -> None:
        self.items: list[tuple[str, Any, str | None]] = []


def botocore_docs(service: str) -> dict[str, Any]:
    """The shapes of the installed botocore's model of `service` ({} when it is not there)."""
    import importlib.util
    import os

    spec = importlib.util.find_spec("botocore")
    if spec is None or not spec.submodule_search_locations:
        return {}
    root = os.path.join(next(iter(spec.submodule_search_locations)), "data", service)
    try:
        versions = sorted(os.listdir(root))
    except OSError:
        return {}
    for version in reversed(versions):
        for name in ("service-2.json", "service-2.json.gz"):
            path = os.path.join(root, version, name)
            if os.path.exists(path):
                import json

                if name.endswith(".gz"):
                    import gzip

                    with gzip.open(path, "rt", encoding="utf-8") as f:
                        shapes = json.load(f).get("shapes", {})
                else:
                    with open(path, encoding="utf-8") as f:
                        shapes = json.load(f).get("shapes", {})
                return shapes if isinstance(shapes, dict) else {}
    return {}


def doc_overview(documentation: str) -> str:
    """get_shape_doc_overview: the text without its markup, to the first `.` or `:`."""
    from xml.dom import minidom
    from xml.parsers.expat import ExpatError

    try:
        dom = minidom.parseString(f"<doc>{documentation}</doc>")
    except ExpatError:
        text = documentation
    else:
        parts: list[str] = []

        def walk(node: Any) -> None:
            for child in node.childNodes:
                if child.nodeType == child.TEXT_NODE:
                    parts.append(child.data)
                else:
                    walk(child)

        walk(dom)
        text = "".join(parts)
    cut = min((at for at in (text.find("."), text.find(":")) if at >= 0), default=-1)
    sentence = text if cut < 0 else text[:cut]
    if sentence:
        sentence += "."
    return sentence.replace("\n", " ").replace("\u2028", " ")


def yaml_input_skeleton(model: dict[str, Any], shape_name: str, docs: dict[str, Any]) -> str:
    """The document `--generate-cli-skeleton yaml-input` prints for the input shape."""
    value = _generate(model["shapes"], docs, shape_name, [])
    lines: list[str] = []
    _emit(value, 0, lines, prefix="")
    return "".join(f"{line}\n" for line in lines) if lines else "{}\n"


def _generate(shapes: dict[str, Any], docs: dict[str, Any], name: str, stack: list[str]) -> Any:
    shape = shapes[name]
    kind = shape["type"]
    stack.append(name)
    try:
        if kind == "structure":
            result = _Map()
            if stack.count(name) > 1:
                return result
            required = set(shape.get("required", []))
            doc_members = docs.get(name, {}).get("members", {})
            for member, ref in shape.get("members", {}).items():
                value = _generate(shapes, docs, ref["shape"], stack)
                parts = ["[REQUIRED]"] if member in required else []
                documentation = doc_members.get(member, {}).get("documentation")
                if documentation is None:
                    documentation = docs.get(ref["shape"], {}).get("documentation", "")
                parts.append(doc_overview(documentation))
                enum = shapes[ref["shape"]].get("enum")
                if enum:
                    parts.append(f"Valid values are: {', '.join(enum)}.")
                comment = " ".join(parts)
                result.items.append((member, value, None if comment.isspace() or not comment
                                     else comment))
            return result
        if kind == "list":
            return [_generate(shapes, docs, shape["member"]["shape"], stack)]
        if kind == "map":
            return {"KeyName": _generate(shapes, docs, shape["value"]["shape"], stack)}
        if kind == "timestamp":
            return _Timestamp()
        if kind == "blob":
            return _Binary()
        from awslocal_cli.cli.argconv import skeleton_scalar

        return skeleton_scalar(shape)
    finally:
        stack.pop()


class _Timestamp:
    """datetime(1970, 1, 1), as ruamel writes it."""


def _scalar(value: Any) -> str:
    if isinstance(value, _Binary):
        return "!!binary ''"
    if isinstance(value, _Timestamp):
        return "1970-01-01 00:00:00"
    if value is True:
        return "true"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    plain = (
        text
        and set(text) <= _PLAIN
        and text.lower() not in _YAML_WORDS
        and not text[0].isdigit()
        and text[0] not in "-."
    )
    return text if plain else "'" + text.replace("'", "''") + "'"


def _is_block(value: Any) -> bool:
    """Whether a value is written on the lines below its key (a non-empty map or list)."""
    if isinstance(value, _Map):
        return bool(value.items)
    if isinstance(value, dict):
        return bool(value)
    return isinstance(value, list) and bool(value)


def _inline(value: Any) -> str:
    if isinstance(value, (_Map, dict)):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return _scalar(value)


def _emit(value: Any, indent: int, lines: list[str], prefix: str) -> None:
    """Write `value` (a map or list) in block style; `prefix` starts its first line (`- `)."""
    pad = " " * indent
    if isinstance(value, list):
        for item in value:
            dash = f"{prefix or pad}- "
            if _is_block(item):
                _emit(item, indent + 2, lines, prefix=dash)
            else:
                lines.append(f"{dash}{_inline(item)}")
            prefix = ""
        return
    entries: list[tuple[str, Any, str | None]] = (
        value.items if isinstance(value, _Map) else [(k, v, None) for k, v in value.items()]
    )
    previous_commented = False
    for key, item, comment in entries:
        head = prefix if prefix else pad
        prefix = ""
        line = f"{head}{key}:" if _is_block(item) else f"{head}{key}: {_inline(item)}"
        if comment is not None:
            line += (" " if previous_commented else "  ") + f"# {comment}"
        previous_commented = comment is not None
        lines.append(line)
        if isinstance(item, list) and item:
            _emit(item, indent, lines, prefix="")
        elif _is_block(item):
            _emit(item, indent + 2, lines, prefix="")
