"""Help pages in the AWS CLI's layout: NAME, DESCRIPTION, SYNOPSIS, OPTIONS, OUTPUT, EXAMPLES.

`awslocal help`, `awslocal SERVICE help`, `awslocal SERVICE OPERATION help` and `--help` at any
level land here (and `awslocal local ... --help`, rendered from the click commands).

What a page says comes from two places:
- our trimmed models (awslocal_cli/models/): every parameter's type, whether it is required, its
  allowed values, ranges and patterns, and the output members. Always there.
- AWS's own documentation text, read at run time from an installed botocore (the optional extra
  `awslocal-cli[docs]`). It is never copied into this repository; without botocore the page says
  how to get it. Its HTML is turned into text here, only when a page is rendered.

Each operation page ends with a working example of our own (awslocal_cli/cli/examples.py) and
the awslocal notes: the service function's docstring, which says where awslocal departs from AWS.
Pages go through a pager on a terminal, as the AWS CLI's do (AWS_PAGER, PAGER, `--no-cli-pager`).
Nothing here imports click (except for `local` pages), cryptography or the store.
"""

from __future__ import annotations

import os
import sys
import textwrap
from html.parser import HTMLParser

from awslocal_cli.cli.options import GLOBAL_FLAGS, GLOBAL_VALUE_OPTIONS, PROG, SERVICES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DOCS_HINT = "The full AWS documentation for this page is read from botocore when it is installed"


def _add_docs_hint(page: Any, width: int) -> None:
    """DOCS_HINT, then the command that installs the docs extra into this installation, on a
    line of its own so that it pastes whole."""
    from awslocal_cli.install import pip_command

    page.add(_fill(DOCS_HINT + ":", INDENT, width))
    page.add(f"{INDENT}  {pip_command('docs')}")
INDENT = " " * 7
SUB = " " * 10

# What each global option does, in our words (the AWS CLI's list, plus --state-dir).
GLOBAL_HELP = {
    "--debug": ("boolean", "Print tracebacks for unexpected errors and a debug line per call."),
    "--endpoint-url": ("string", "Accepted for compatibility; awslocal never calls an endpoint."),
    "--no-verify-ssl": ("boolean", "Accepted for compatibility, without effect."),
    "--no-paginate": ("boolean", "Make one call only: the first page of results."),
    "--output": ("string", "The formatting style for command output."),
    "--query": ("string", "A JMESPath query to apply to the response data."),
    "--profile": ("string", "The caller: arn:aws:iam::<account>:user/<profile>."),
    "--region": ("string", "The region to use; else AWS_REGION, AWS_DEFAULT_REGION, the "
                 "profile's region in the config file, us-east-1."),
    "--state-dir": ("string", "The state directory (else AWSLOCAL_STATE_DIR, else the per-user "
                    "data directory)."),
    "--color": ("string", "Turn on/off color output."),
    "--no-sign-request": ("boolean", "Accepted for compatibility, without effect."),
    "--ca-bundle": ("string", "Accepted for compatibility, without effect."),
    "--cli-read-timeout": ("int", "Accepted for compatibility, without effect."),
    "--cli-connect-timeout": ("int", "Accepted for compatibility, without effect."),
    "--cli-binary-format": ("string", "How blob parameters are read: base64 (the default) or "
                            "raw-in-base64-out."),
    "--no-cli-pager": ("boolean", "Do not page help output."),
    "--cli-auto-prompt": ("boolean", "Accepted for compatibility, without effect."),
    "--no-cli-auto-prompt": ("boolean", "Accepted for compatibility, without effect."),
    "--cli-error-format": ("string", "How errors are printed."),
}


# -- AWS's documentation, when botocore is installed ------------------------------------------

_docs: dict[str, Any] = {}


def aws_docs(service: str) -> dict[str, Any] | None:
    """botocore's full model of `service` (with its documentation), or None without botocore.

    Read straight from botocore's data directory: importing botocore.loaders would pull in
    urllib3 and friends, several times the cost of the rest of a help page.
    """
    if service not in _docs:
        _docs[service] = _read_botocore_model(service)
    return _docs[service]


def _read_botocore_model(service: str) -> dict[str, Any] | None:
    import importlib.util

    try:
        spec = importlib.util.find_spec("botocore")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    import json
    from pathlib import Path

    for location in spec.submodule_search_locations:
        versions = sorted((Path(location) / "data" / service).glob("*/service-2.json*"))
        if not versions:
            continue
        path = versions[-1]  # the newest API version, as botocore's loader picks
        try:
            if path.suffix == ".gz":
                import gzip

                with gzip.open(path, "rt", encoding="utf-8") as handle:
                    return json.load(handle)
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
    return None


class _TextParser(HTMLParser):
    """botocore's documentation HTML -> paragraphs of plain text (lists as `o` items)."""

    BLOCKS = ("p", "li", "dt", "dd", "note", "important", "ul", "ol", "dl", "br", "div",
              "fullname", "h1", "h2", "h3", "pre")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[int, str, str]] = []  # (depth, bullet, text)
        self.current: list[str] = []
        self.depth = 0
        self.bullet = ""
        self.skip = 0

    def _flush(self) -> None:
        text = " ".join("".join(self.current).split())
        if text:
            self.blocks.append((self.depth, self.bullet, text))
        self.current = []
        self.bullet = ""

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "fullname":
            self.skip += 1
        if tag in self.BLOCKS:
            self._flush()
        if tag in ("ul", "ol", "dd", "note", "important"):
            self.depth += 1
        if tag == "li":
            self.bullet = "o "
        if tag in ("note", "important"):
            self.blocks.append((self.depth - 1, "", "NOTE:" if tag == "note" else "IMPORTANT:"))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self._flush()
        if tag in ("ul", "ol", "dd", "note", "important"):
            self.depth = max(0, self.depth - 1)
        if tag == "fullname":
            self.skip = max(0, self.skip - 1)

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.current.append(data)


def html_to_text(html: str, indent: str, width: int) -> str:
    """Documentation HTML as wrapped plain text, each line starting with `indent`."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    parser._flush()
    out: list[str] = []
    for depth, bullet, text in parser.blocks:
        lead = indent + "   " * depth
        out.append(
            textwrap.fill(
                text,
                width=width,
                initial_indent=lead + bullet,
                subsequent_indent=lead + " " * len(bullet),
                break_on_hyphens=False,
            )
        )
    return "\n\n".join(out)


# -- page building ----------------------------------------------------------------------------


def _width() -> int:
    import shutil

    return max(60, min(shutil.get_terminal_size((80, 24)).columns, 120))


def _fill(text: str, indent: str, width: int) -> str:
    return "\n\n".join(
        textwrap.fill(" ".join(p.split()), width=width, initial_indent=indent,
                      subsequent_indent=indent, break_on_hyphens=False)
        for p in text.split("\n\n") if p.strip()
    )


def _heading(title: str) -> str:
    return f"{title}()"


def _frame(title: str, width: int) -> str:
    head = _heading(title.upper())
    return head + " " * max(1, width - 2 * len(head)) + head


def constraints(shape: dict[str, Any]) -> list[str]:
    """What our model says a value may be: ranges, lengths, patterns (enums are listed apart)."""
    kind = shape.get("type")
    lines: list[str] = []
    low, high = shape.get("min"), shape.get("max")
    if low is not None or high is not None:
        what = {"string": "length", "list": "items", "map": "entries", "blob": "bytes"}.get(
            kind, "value"
        )
        if low is not None and high is not None:
            lines.append(f"Constraints: {what} {low} to {high}")
        elif low is not None:
            lines.append(f"Constraints: {what} at least {low}")
        else:
            lines.append(f"Constraints: {what} at most {high}")
    if "pattern" in shape:
        lines.append(f"Pattern: {shape['pattern']}")
    if shape.get("sensitive"):
        lines.append("Sensitive: never printed by --debug.")
    return lines


class _Page:
    def __init__(self, width: int) -> None:
        self.width = width
        self.lines: list[str] = []

    def add(self, text: str = "") -> None:
        self.lines.append(text)

    def section(self, title: str) -> None:
        if self.lines and self.lines[-1] != "":
            self.add()
        self.add(title)

    def render(self) -> str:
        return "\n".join(self.lines).rstrip() + "\n"


def _member_doc(docs_model: dict[str, Any] | None, shape_name: str, member: str) -> str:
    if docs_model is None:
        return ""
    shape = docs_model["shapes"].get(shape_name) or {}
    ref = shape.get("members", {}).get(member) or {}
    return ref.get("documentation") or docs_model["shapes"].get(ref.get("shape", ""), {}).get(
        "documentation", ""
    )


def _describe_value(
    page: _Page,
    svc_model: dict[str, Any],
    docs_model: dict[str, Any] | None,
    shape_name: str,
    doc: str,
    indent: str,
    depth: int,
    seen: tuple[str, ...],
) -> None:
    """The documentation, constraints, allowed values and nested members of one value."""
    shape = svc_model["shapes"][shape_name]
    width = page.width
    if doc:
        page.add(html_to_text(doc, indent, width))
        page.add()
    for line in constraints(shape):
        page.add(textwrap.fill(line, width=width, initial_indent=indent,
                               subsequent_indent=indent + "  ", break_long_words=True))
    if "enum" in shape:
        page.add(f"{indent}Possible values:")
        page.add()
        for value in shape["enum"]:
            page.add(f"{indent}o {value}")
        page.add()
    elif constraints(shape):
        page.add()
    if depth >= 4 or shape_name in seen:
        return
    seen = (*seen, shape_name)
    inner = indent + "   "
    kind = shape["type"]
    if kind == "structure":
        required = set(shape.get("required", []))
        for member, ref in shape.get("members", {}).items():
            target = svc_model["shapes"][ref["shape"]]
            flag = " [required]" if member in required else ""
            page.add(f"{indent}{member} -> ({target['type']}){flag}")
            _describe_value(page, svc_model, docs_model, ref["shape"],
                            _member_doc(docs_model, shape_name, member), inner, depth + 1, seen)
    elif kind == "list":
        ref = shape["member"]
        page.add(f"{indent}({svc_model['shapes'][ref['shape']]['type']})")
        page.add()
        _describe_value(page, svc_model, docs_model, ref["shape"], "", inner, depth + 1, seen)
    elif kind == "map":
        for part in ("key", "value"):
            ref = shape[part]
            page.add(f"{indent}{part} -> ({svc_model['shapes'][ref['shape']]['type']})")
            page.add()
            _describe_value(page, svc_model, docs_model, ref["shape"], "", inner, depth + 1, seen)


def _synopsis_globals() -> list[str]:
    lines = []
    for name in GLOBAL_HELP:
        lines.append(f"[{name}]" if name in GLOBAL_FLAGS else f"[{name} <value>]")
    return lines


def _global_options(page: _Page) -> None:
    page.section("GLOBAL OPTIONS")
    for name, (kind, text) in GLOBAL_HELP.items():
        page.add(f"{INDENT}{name} ({kind})")
        page.add(_fill(text, SUB, page.width))
        choices = GLOBAL_VALUE_OPTIONS.get(name)
        if choices:
            page.add()
            for choice in choices:
                page.add(f"{SUB}o {choice}")
        page.add()


def operation_page(service: str, operation_name: str, width: int | None = None) -> str:
    """The help page of `awslocal SERVICE OPERATION`."""
    from awslocal_cli.cli.examples import example_for
    from awslocal_cli.cli.operation import SERVICE_TITLES, Operation

    width = width or _width()
    op = Operation(service, operation_name)
    docs_model = aws_docs(service)
    page = _Page(width)
    page.add(_frame(op.name, width))
    page.section("NAME")
    page.add(f"{INDENT}{op.name} -")
    page.section("DESCRIPTION")
    op_doc = (docs_model or {}).get("operations", {}).get(operation_name, {}).get("documentation")
    if op_doc:
        page.add(html_to_text(op_doc, INDENT, width))
    else:
        page.add(_fill(f"Calls the {operation_name} operation of {SERVICE_TITLES[service]}.",
                       INDENT, width))
        page.add()
        _add_docs_hint(page, width)
    page.section("SYNOPSIS")
    page.add(f"{SUB}{op.name}")
    for spec in op.specs.values():
        if spec.option in ("cli-input-yaml",):
            continue
        if spec.option == "cli-input-json":
            page.add(f"{SUB}[--cli-input-json | --cli-input-yaml]")
            continue
        value = "" if spec.kind == "flag" else " <value>"
        name = f"--{spec.option}" + (f" | --no-{spec.option}" if spec.kind == "flag" else "")
        page.add(f"{SUB}{name}{value}" if spec.required else f"{SUB}[{name}{value}]")
    for line in _synopsis_globals():
        page.add(f"{SUB}{line}")
    page.section("OPTIONS")
    input_shape = (op.op_model.get("input") or {}).get("shape")
    for spec in op.specs.values():
        if spec.member is None:
            continue
        shape = op.model["shapes"][spec.shape]
        required = " [required]" if spec.required else ""
        page.add(f"{INDENT}--{spec.option} ({shape['type']}){required}")
        doc = _member_doc(docs_model, input_shape, spec.member) if input_shape else ""
        _describe_value(page, op.model, docs_model, spec.shape, doc, SUB, 0, ())
        if page.lines[-1] != "":
            page.add()
    for spec in op.specs.values():
        if spec.member is None and spec.option != "cli-input-yaml":
            label = ("--cli-input-json | --cli-input-yaml" if spec.option == "cli-input-json"
                     else f"--{spec.option}")
            page.add(f"{INDENT}{label} (string)")
            page.add(_fill(op.option_help(spec), SUB, width))
            page.add()
    page.section("GLOBAL OPTIONS")
    page.add(_fill(f"Accepted anywhere on the line; see '{PROG} help'.", INDENT, width))
    page.section("OUTPUT")
    out_ref = op.op_model.get("output")
    out_members = op.model["shapes"][out_ref["shape"]].get("members", {}) if out_ref else {}
    if not out_members:
        page.add(f"{INDENT}None")
    for member, ref in out_members.items():
        page.add(f"{INDENT}{member} -> ({op.model['shapes'][ref['shape']]['type']})")
        _describe_value(page, op.model, docs_model, ref["shape"],
                        _member_doc(docs_model, out_ref["shape"], member), SUB, 1, ())
        if page.lines[-1] != "":
            page.add()
    page.section("EXAMPLES")
    example = example_for(service, operation_name)
    page.add(_fill(example.title, INDENT, width))
    page.add()
    page.add(f"{INDENT}Command:")
    page.add()
    for line in example.script():
        page.add(f"{SUB}{line}")
    page.section("AWSLOCAL NOTES")
    page.add(_fill(_notes(service, operation_name), INDENT, width))
    page.add()
    page.add(_frame(op.name, width))
    return page.render()


def _notes(service: str, operation_name: str) -> str:
    from awslocal_cli.dispatch import operation_function

    function = operation_function(service, operation_name)
    doc = (function.__doc__ or "").strip() if function else ""
    doc = textwrap.dedent(doc.split("\n", 1)[0] + "\n" + textwrap.dedent(
        doc.split("\n", 1)[1] if "\n" in doc else "")).strip()
    return doc or "awslocal behaves as AWS documents this operation."


def service_page(service: str, width: int | None = None) -> str:
    """The help page of `awslocal SERVICE`: its description and its commands."""
    from awslocal_cli.cli.operation import SERVICE_TITLES, implemented_operations

    width = width or _width()
    docs_model = aws_docs(service)
    page = _Page(width)
    page.add(_frame(service, width))
    page.section("NAME")
    page.add(f"{INDENT}{service} -")
    page.section("DESCRIPTION")
    doc = (docs_model or {}).get("documentation")
    page.add(html_to_text(doc, INDENT, width) if doc else _fill(SERVICE_TITLES[service] + ".",
                                                                 INDENT, width))
    if not doc:
        page.add()
        _add_docs_hint(page, width)
    page.section("SYNOPSIS")
    page.add(f"{SUB}{PROG} {service} <command> [parameters]")
    page.add()
    page.add(_fill(f"Use '{PROG} {service} <command> help' for a command's page.", INDENT, width))
    page.section("AVAILABLE COMMANDS")
    for name in sorted(implemented_operations(service)):
        page.add(f"{INDENT}o {name}")
        page.add()
    page.section("EXAMPLES")
    from awslocal_cli.cli.examples import SERVICE_EXAMPLE, example_for

    example = example_for(service, SERVICE_EXAMPLE[service])
    page.add(_fill(example.title, INDENT, width))
    page.add()
    for line in example.script():
        page.add(f"{SUB}{line}")
    page.add()
    page.add(_frame(service, width))
    return page.render()


def root_page(width: int | None = None) -> str:
    """The help page of `awslocal` itself: the global options and the services."""
    from awslocal_cli.cli.operation import SERVICE_TITLES

    width = width or _width()
    page = _Page(width)
    page.add(_frame(PROG, width))
    page.section("NAME")
    page.add(f"{INDENT}{PROG} -")
    page.section("DESCRIPTION")
    page.add(_fill(
        "The AWS CLI v2 for kms, sqs, sns and sts get-caller-identity, offline, over a local "
        "state directory: no server, no AWS account, no credentials.", INDENT, width))
    page.section("SYNOPSIS")
    page.add(f"{SUB}{PROG} [options] <command> <subcommand> [parameters]")
    page.add()
    page.add(_fill(f"Use '{PROG} <command> help' for a command's page. Optional parameters are "
                   "shown in square brackets.", INDENT, width))
    _global_options(page)
    page.section("AVAILABLE SERVICES")
    for name in SERVICES:
        page.add(f"{INDENT}o {name}: {SERVICE_TITLES[name]}")
        page.add()
    page.add(f"{INDENT}o local: awslocal's own commands (clock, info, reset, deliveries, ...)")
    page.add()
    page.add(f"{INDENT}o serve: the state over HTTP, for the AWS CLI, SDKs and other tools")
    page.section("EXAMPLES")
    page.add(f"{SUB}{PROG} sts get-caller-identity")
    page.add(f"{SUB}{PROG} sqs send-message help")
    page.add()
    page.add(_frame(PROG, width))
    return page.render()


def click_page(path: list[str], width: int | None = None, group: str = "local") -> str:
    """The page of an `awslocal local ...` command or group (or of `awslocal serve`), from
    its click definition."""
    import click

    width = width or _width()
    command: click.Command
    if group == "serve":
        from awslocal_cli.cli.serve import serve

        command = serve
    else:
        from awslocal_cli.cli.local import local

        command = local
    for name in path:
        if not isinstance(command, click.Group):
            break
        sub = command.get_command(click.Context(command), name)
        if sub is None:
            from awslocal_cli.cli.options import invalid_choice
            from awslocal_cli.errors import UsageError

            raise UsageError(invalid_choice("operation", name, command.list_commands(
                click.Context(command))))
        command = sub
    full = " ".join([PROG, group, *path[: len(path)]]).strip()
    title = full.split()[-1]
    page = _Page(width)
    page.add(_frame(title, width))
    page.section("NAME")
    page.add(f"{INDENT}{title} -")
    doc = textwrap.dedent(command.help or "").strip()
    body, _, example = doc.partition("Example:")
    page.section("DESCRIPTION")
    page.add(_fill(body.strip() or title, INDENT, width))
    page.section("SYNOPSIS")
    params = [p for p in command.params if isinstance(p, (click.Option, click.Argument))]
    page.add(f"{SUB}{full}" + (" <command>" if isinstance(command, click.Group) else ""))
    for param in params:
        if isinstance(param, click.Argument):
            page.add(f"{SUB}<{param.name}>")
        else:
            value = "" if param.is_flag else " <value>"
            text = f"{param.opts[0]}{value}"
            page.add(f"{SUB}{text}" if param.required else f"{SUB}[{text}]")
    if isinstance(command, click.Group):
        page.section("AVAILABLE COMMANDS")
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            short = sub.get_short_help_str(limit=200) if sub else ""
            page.add(f"{INDENT}o {name}: {short}")
            page.add()
    options = [p for p in params if isinstance(p, click.Option)]
    if options:
        page.section("OPTIONS")
        for param in options:
            kind = "boolean" if param.is_flag else (
                "integer" if isinstance(param.type, click.types.IntParamType) else "string")
            page.add(f"{INDENT}{param.opts[0]} ({kind}){' [required]' if param.required else ''}")
            if param.help:
                page.add(_fill(param.help, SUB, width))
            if isinstance(param.type, click.Choice):
                page.add()
                page.add(f"{SUB}Possible values:")
                page.add()
                for choice in param.type.choices:
                    page.add(f"{SUB}o {choice}")
            page.add()
    page.section("EXAMPLES")
    example = " ".join(example.split()) or f"{full} --help"
    page.add(f"{SUB}{example}")
    page.add()
    page.add(_frame(title, width))
    return page.render()


# -- showing ----------------------------------------------------------------------------------


def page_for(words: list[str]) -> str:
    """The page that `awslocal WORDS... help` shows; UsageError for an unknown command."""
    from awslocal_cli.cli.operation import find_operation, implemented_operations
    from awslocal_cli.cli.options import invalid_choice
    from awslocal_cli.errors import UsageError

    if not words:
        return root_page()
    service = words[0]
    if service == "local":
        return click_page(words[1:])
    if service == "serve":
        return click_page([], group="serve")
    if service not in SERVICES:
        raise UsageError(invalid_choice("command", service, [*SERVICES, "local", "serve"]))
    if len(words) == 1:
        return service_page(service)
    operation = find_operation(service, words[1])
    if operation is None:
        raise UsageError(invalid_choice("operation", words[1],
                                        sorted(implemented_operations(service))))
    return operation_page(service, operation.operation)


def show(words: list[str], opts: Any) -> None:
    """Print a help page, through the pager when standard output is a terminal."""
    path: list[str] = []
    for word in words:  # the command words, up to the first option
        if word.startswith("-"):
            break
        path.append(word)
    text = page_for(path if path[:1] == ["local"] else path[:2])
    pager = None
    if "--no-cli-pager" not in opts.given and sys.stdout.isatty():
        pager = os.environ.get("AWS_PAGER")
        if pager is None:
            pager = os.environ.get("PAGER", "less")
    if not pager:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    import subprocess

    env = dict(os.environ)
    env.setdefault("LESS", "FRX")  # as the AWS CLI sets it: quit if one screen, keep colours
    try:
        proc = subprocess.Popen(pager, shell=True, stdin=subprocess.PIPE, env=env)
    except OSError:
        sys.stdout.write(text)
        return
    assert proc.stdin is not None
    try:
        proc.stdin.write(text.encode("utf-8"))
        proc.stdin.close()
    except BrokenPipeError:  # the reader quit the pager early
        pass
    proc.wait()
