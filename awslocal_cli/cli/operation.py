"""Operations as commands, built from the service model, parsed the AWS CLI's way.

`awslocal <service> <operation>` reaches every operation that `awslocal_cli.services.<service>`
implements, with the options the AWS CLI derives from the operation's input members. Values
are parsed as the AWS CLI parses them (several values after one list option, shorthand or JSON
for structures, file:// and fileb://, --cli-input-json), passed to the service function,
paginated as the AWS CLI paginates, and rendered by awslocal_cli.output.

This module does not import click: the hot path of every invocation runs through it. The click
wrappers (help, completion) are in awslocal_cli.cli.tree.
"""

from __future__ import annotations

from awslocal_cli import model as models
from awslocal_cli.dispatch import service_module
from awslocal_cli.errors import ParamValidationError, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

PAGING_OPTIONS = ("starting-token", "page-size", "max-items")
INPUT_OPTIONS = ("cli-input-json", "cli-input-yaml", "generate-cli-skeleton")
# Options the AWS CLI renames (awscli/customizations/argrename.py).
RENAMES = {("sns", "Subscribe", "Endpoint"): "notification-endpoint"}
SERVICE_TITLES = {
    "kms": "AWS Key Management Service (KMS)",
    "sqs": "Amazon Simple Queue Service (SQS)",
    "sns": "Amazon Simple Notification Service (SNS)",
    "sts": "AWS Security Token Service (STS)",
    "cloudtrail": "AWS CloudTrail (LookupEvents over the local event log)",
}


def implemented_operations(service: str) -> dict[str, str]:
    """CLI name -> API operation name, for the operations the service module implements."""
    module = service_module(service)
    if module is None:
        return {}
    return {
        cli: op
        for cli, op in models.operation_names(service).items()
        if callable(getattr(module, models.snake_case(op), None))
    }


def find_operation(service: str, name: str) -> Operation | None:
    """The operation `awslocal <service> <name>` runs, if the service implements it."""
    op = models.operation_names(service).get(name)
    if op is None:
        return None
    module = service_module(service)
    if module is None or not _implements(module, models.snake_case(op)):
        return None
    return Operation(service, op)


def _implements(module: Any, function: str) -> bool:
    # A lazy face lists its operations in __all__; asking it for the function would import the
    # operation's module (and sqlite3, json, ...), which `--help` does not need.
    names = getattr(module, "__all__", None)
    if names is not None and function in names:
        return True
    return callable(getattr(module, function, None))


class Param:
    """One option of an operation command."""

    __slots__ = ("kind", "member", "option", "required", "shape")

    def __init__(
        self, option: str, member: str | None, shape: str | None, kind: str, required: bool = False
    ) -> None:
        self.option = option  # without the leading --
        self.member = member  # the API member; None for the CLI's own options
        self.shape = shape
        self.kind = kind  # scalar | list | flag | blob | structure | optional
        self.required = required


class Operation:
    """One API operation: its options, how to parse them, and how to run it."""

    def __init__(self, service: str, operation: str) -> None:
        self.service = service
        self.operation = operation
        self.name = models.kebab_case(operation)
        self.model = models.load(service)
        self.op_model = self.model["operations"][operation]
        self.paginator = self.model.get("paginators", {}).get(operation)
        self.specs = self._build_specs()

    # -- building ----------------------------------------------------------------------------

    @property
    def input_shape(self) -> dict[str, Any]:
        ref = self.op_model.get("input")
        return self.model["shapes"][ref["shape"]] if ref else {"members": {}, "required": []}

    def _build_specs(self) -> dict[str, Param]:
        shapes = self.model["shapes"]
        shape = self.input_shape
        required = set(shape.get("required", []))
        specs: dict[str, Param] = {}
        for member, ref in shape.get("members", {}).items():
            target = shapes[ref["shape"]]
            kind = {
                "list": "list",
                "boolean": "flag",
                "blob": "blob",
                "structure": "structure",
                "map": "structure",
            }.get(target["type"], "scalar")
            option = RENAMES.get((self.service, self.operation, member)) or models.kebab_case(
                member
            )
            specs[option] = Param(option, member, ref["shape"], kind, member in required)
        specs["cli-input-json"] = Param("cli-input-json", None, None, "scalar")
        specs["cli-input-yaml"] = Param("cli-input-yaml", None, None, "scalar")
        specs["generate-cli-skeleton"] = Param("generate-cli-skeleton", None, None, "optional")
        if self.paginator:
            for option in PAGING_OPTIONS:
                if option not in specs:
                    specs[option] = Param(option, None, None, "scalar")
        return specs

    def metavar(self, spec: Param) -> str:
        if spec.shape is None:
            return "TEXT"
        shape = self.model["shapes"][spec.shape]
        kind = shape["type"]
        if kind == "list":
            member = self.model["shapes"][shape["member"]["shape"]]["type"]
            return f"{member.upper()} [{member.upper()} ...]"
        return kind.upper()

    def option_help(self, spec: Param) -> str:
        if spec.member is None:
            return {
                "cli-input-json": "Read the request from a JSON document (or file://path).",
                "cli-input-yaml": "Read the request from a YAML document (or file://path).",
                "generate-cli-skeleton": "Print a request skeleton: input (default), "
                "yaml-input or output.",
                "starting-token": "Continue a previous listing from its NextToken.",
                "page-size": "Items to fetch per underlying service call.",
                "max-items": "Stop after this many items; prints a NextToken to continue.",
            }[spec.option]
        shape = self.model["shapes"][spec.shape]
        text = f"{spec.member} ({shape['type']}{', required' if spec.required else ''})"
        if "enum" in shape:
            text += ": one of " + ", ".join(shape["enum"])
        elif "min" in shape or "max" in shape:
            text += f": {shape.get('min', '')}..{shape.get('max', '')}"
        return text

    def help_text(self) -> str:
        example = [f"awslocal {self.service} {self.name}"]
        for spec in self.specs.values():
            if spec.required:
                example.append(f"--{spec.option} ...")
        return (
            f"Calls the {self.operation} operation of {SERVICE_TITLES[self.service]}.\n\n"
            f"Example: {' '.join(example)}"
        )

    # -- parsing -----------------------------------------------------------------------------

    def option_table(self) -> dict[str, tuple[Param, bool]]:
        """`--name` -> (its Param, negated), in the AWS CLI's order: `--no-x` follows `--x`."""
        table: dict[str, tuple[Param, bool]] = {}
        for spec in self.specs.values():
            table[f"--{spec.option}"] = (spec, False)
            if spec.kind == "flag":
                table[f"--no-{spec.option}"] = (spec, True)
        return table

    def parse(self, args: list[str]) -> dict[str, Any]:
        """The options given, by option name: strings, lists of strings, or booleans.

        As argparse reads them in the AWS CLI (allow_abbrev on): any unique prefix names an
        option, an ambiguous one fails; a value that looks like an option (`-x`) is not taken
        as an option's value (`-5` and text with a space are). Errors come in argparse's order:
        ambiguity, then values (left to right), then missing required options, then unknown ones.
        """
        from awslocal_cli.cli.options import parse_optional

        table = self.option_table()
        end = args.index("--") if "--" in args else len(args)
        kinds = [parse_optional(token, table) for token in args[:end]] + [None] * (
            len(args) - end
        )
        raw: dict[str, Any] = {}
        unknown: list[str] = []
        i = 0
        while i < len(args):
            if args[i] == "--":  # argparse: the rest are values, none an option's
                unknown.extend(args[i + 1 :])
                break
            parsed = kinds[i]
            if parsed is None or parsed[0] is None:
                unknown.append(args[i])
                i += 1
                continue
            name, explicit = parsed
            spec, negated = table[name]
            i += 1
            if spec.kind == "flag":
                if explicit is not None:
                    raise UsageError(f"argument {name}: ignored explicit argument '{explicit}'")
                raw[spec.option] = not negated
            elif spec.kind == "list":
                if explicit is not None:
                    values = [explicit]
                else:
                    values = []
                    while i < len(args) and kinds[i] is None:
                        values.append(args[i])
                        i += 1
                raw[spec.option] = values  # the AWS CLI accepts none (an empty list)
            elif explicit is not None:
                raw[spec.option] = explicit
            elif i < len(args) and kinds[i] is None:
                raw[spec.option] = args[i]
                i += 1
            elif spec.kind == "optional":  # --generate-cli-skeleton alone means input
                raw[spec.option] = "input"
            else:
                raise UsageError(f"argument {name}: expected one argument")
            if spec.member is None and spec.option in ("page-size", "max-items"):
                # PageArgument's type=int: argparse converts it as it reads it.
                try:
                    raw[spec.option] = int(raw[spec.option])
                except ValueError:
                    raise UsageError(
                        f"argument {name}: invalid int value: '{raw[spec.option]}'"
                    ) from None
        skeleton = raw.get("generate-cli-skeleton")
        if skeleton is not None and skeleton not in ("input", "output", "yaml-input"):
            raise UsageError(
                f"argument --generate-cli-skeleton: Found invalid choice '{skeleton}'\n"
            )
        if not _overrides_required(args):
            missing = [
                f"--{s.option}" for s in self.specs.values() if s.required and s.option not in raw
            ]
            if missing:
                raise UsageError(f"the following arguments are required: {', '.join(missing)}")
        if unknown:
            raise UsageError(f"Unknown options: {', '.join(unknown)}", unknown_options=True)
        return raw

    # -- running -----------------------------------------------------------------------------

    def run(self, raw: dict[str, Any], opts: Any) -> None:
        """Build the request, call the service (paginating), and print the response."""
        skeleton = raw.get("generate-cli-skeleton")
        if skeleton in ("input", "yaml-input"):
            self._print_skeleton(skeleton)
            return
        # The AWS CLI reads the named profile when it makes its session's client: after the
        # options are parsed, before they are converted.
        check_profile = getattr(opts, "check_profile", None)
        if check_profile is not None:
            check_profile()
        if opts.query is not None:
            # Compiled before the call, as the AWS CLI does, so a bad --query never consumes
            # a message or changes state.
            from awslocal_cli.output import compile_query

            compile_query(opts.query)
        request = self._build_request(raw, opts)
        if skeleton == "output":
            # The AWS CLI answers from a stubbed client: the request is converted and
            # validated, then the sample response is printed as --output and --query say.
            self._print_output_skeleton(opts)
            return
        paging = self._paging(raw, request, opts)
        limit_key = (self.paginator or {}).get("limit_key")
        if paging is not None and paging["page_size"] is not None and limit_key:
            # botocore validates each page's request, --page-size in the limit member.
            from awslocal_cli.validate import validate_request

            ref = self.op_model["input"]
            validate_request(self.model, ref["shape"], {**request, limit_key: paging["page_size"]})
        from awslocal_cli.cli.options import check_endpoint_transport

        check_endpoint_transport(getattr(opts, "endpoint_url", None))
        from awslocal_cli import dispatch

        resolved = getattr(opts, "resolved_region", None)
        context = dispatch.open_context(
            region=resolved() if resolved is not None else opts.region,
            profile=getattr(opts, "named_profile", opts.profile),
            state_dir=opts.state_dir,
        )
        if opts.debug:
            _debug(
                f"calling {self.service} {self.operation} in {context.region} as "
                f"{context.principal}; state dir {context.session.state_dir}; request members: "
                + (", ".join(f"{k} ({_size(v)})" for k, v in request.items()) or "none")
            )
        runner = None
        pager: Any = None
        if paging is not None:
            from awslocal_cli.cli.paginate import PageIterator

            def runner(function: Any, context: Any, request: dict[str, Any]) -> dict[str, Any]:
                nonlocal pager
                pager = PageIterator(function, context, request, self.paginator, **paging)
                return pager.build_full_result()

        from awslocal_cli.errors import AwsError

        try:
            response = dispatch.call(
                context, self.service, self.operation, request, runner=runner
            )
        except AwsError as exc:
            exc.service = self.service  # type: ignore[attr-defined]  # for the error's format
            raise
        ref = self.op_model.get("output")
        if ref:
            # botocore builds each structure in the model's member order, and the AWS CLI
            # prints what botocore built.
            response = in_model_order(self.model, ref["shape"], response)
            if pager is not None:
                pager.pages[:] = [in_model_order(self.model, ref["shape"], p)
                                  for p in pager.pages]
        from awslocal_cli.output import FORMATS

        if opts.output not in FORMATS:
            # As the AWS CLI: the call is made, then no formatter is found (exit 255).
            dispatch.finish(context)
            from awslocal_cli.errors import CliError

            raise CliError(f"Unknown output type: {opts.output}")
        timestamps = getattr(opts, "cli_timestamp_format", "iso8601")
        if pager is not None and opts.output in ("text", "yaml-stream"):
            from awslocal_cli.output import render_pages

            render_pages(
                pager.pages,
                pager.result_keys,
                pager.resume_token,
                output=opts.output,
                query=opts.query,
                timestamp_format=timestamps,
            )
        else:
            from awslocal_cli.output import render

            render(
                response,
                output=opts.output,
                query=opts.query,
                operation_name=self.operation,
                color=opts.color,
                timestamp_format=timestamps,
            )
        dispatch.finish(context)

    def _print_output_skeleton(self, opts: Any) -> None:
        from awslocal_cli.cli import argconv
        from awslocal_cli.output import render

        ref = self.op_model.get("output")
        value = argconv.to_output_skeleton(self.model, ref["shape"]) if ref else {}
        from awslocal_cli.output import FORMATS

        if opts.output not in FORMATS:
            from awslocal_cli.errors import CliError

            raise CliError(f"Unknown output type: {opts.output}")
        render(
            value,
            output=opts.output,
            query=opts.query,
            operation_name=self.operation,
            color=opts.color,
        )

    def _print_skeleton(self, kind: str) -> None:
        from awslocal_cli.cli import argconv
        from awslocal_cli.output import dumps_json

        ref = self.op_model.get("input")
        value = argconv.to_cli_input_skeleton(self.model, ref["shape"]) if ref else {}
        if kind == "yaml-input":
            from awslocal_cli.cli.yamlskeleton import botocore_docs, yaml_input_skeleton

            if ref is None:
                print("{}")
                return
            docs = botocore_docs(self.service)
            print(yaml_input_skeleton(self.model, ref["shape"], docs), end="")
        else:
            print(dumps_json(value))

    def _build_request(self, raw: dict[str, Any], opts: Any) -> dict[str, Any]:
        request: dict[str, Any] = {}
        ref = self.op_model.get("input")
        shape_name = ref["shape"] if ref else None
        if "cli-input-json" in raw and "cli-input-yaml" in raw:
            raise ParamValidationError("Only one --cli-input- parameter may be specified.")
        for option in ("cli-input-json", "cli-input-yaml"):
            if option in raw:
                request.update(self._read_input(option, raw[option], opts))
        for option, value in raw.items():
            spec = self.specs[option]
            if spec.member is None:
                continue
            from awslocal_cli.cli import argconv

            try:
                if spec.kind == "flag":
                    request[spec.member] = value
                    continue
                values = value if isinstance(value, list) else [value]
                loaded: list[Any] = []
                for item in values:
                    content = argconv.load_param_file(item, param_name=spec.option)
                    loaded.append(item if content is None else content)
                converted_input: Any = loaded if spec.kind == "list" else loaded[0]
                request[spec.member] = argconv.convert(
                    self.model,
                    spec.shape,
                    converted_input,
                    param_name=spec.option,
                    binary_format=opts.cli_binary_format,
                    member=spec.member,
                )
            except argconv.ParamError as exc:
                raise ParamValidationError(str(exc), exit_code=exc.exit_code) from None
        from awslocal_cli.cli.options import check_client_options

        # The AWS CLI makes its client here: after converting the options, before botocore
        # validates the request.
        check_client_options(opts)
        if shape_name is not None and (request or self.input_shape.get("required")):
            from awslocal_cli.validate import coerce, validate_request

            request = coerce(self.model, shape_name, request, opts.cli_binary_format)
            validate_request(self.model, shape_name, request)
        return request

    def _read_input(self, option: str, text: str, opts: Any) -> dict[str, Any]:
        from awslocal_cli.cli.paramfile import ParamError, load_param_file

        try:
            content = load_param_file(text, param_name=option)
        except ParamError as exc:
            raise ParamValidationError(str(exc)) from None
        if isinstance(content, bytes):
            content = content.decode("utf-8")
        document = text if content is None else content
        if option == "cli-input-json":
            import json

            try:
                data = json.loads(document)
            except ValueError:  # customizations/cliinput.py names it without the dashes
                raise ParamValidationError(
                    "Error parsing parameter 'cli-input-json': Invalid JSON received."
                ) from None
        else:
            import yaml

            try:
                data = yaml.safe_load(document)
            except yaml.YAMLError:
                raise ParamValidationError(
                    "Error parsing parameter 'cli-input-yaml': Invalid YAML received."
                ) from None
        if not isinstance(data, dict):
            raise ParamValidationError(
                f"Error parsing parameter '--{option}': Invalid type: expecting map, "
                f"received {type(data)}"
            )
        return data

    def _paging(self, raw: dict[str, Any], request: dict[str, Any], opts: Any) -> dict | None:
        if not self.paginator:
            return None
        tokens = self.paginator["input_token"]
        tokens = tokens if isinstance(tokens, list) else [tokens]
        manual = [t for t in [*tokens, self.paginator.get("limit_key")] if t and t in request]
        paging_used = [f"--{o}" for o in PAGING_OPTIONS if o in raw]
        if manual or not opts.paginate:
            if paging_used and not opts.paginate:
                raise ParamValidationError(
                    "Cannot specify --no-paginate along with pagination arguments: "
                    + ", ".join(paging_used)
                )
            return None

        def positive(option: str) -> int | None:
            if option not in raw:
                return None
            try:
                return int(raw[option])
            except ValueError:
                raise ParamValidationError(
                    f"invalid literal for int() with base 10: '{raw[option]}'"
                ) from None

        max_items = positive("max-items")
        if max_items is not None and max_items <= 0:
            import sys

            sys.stderr.write(
                "warning: Non-positive values for --max-items may result in undefined behavior.\n"
            )
        return {
            "starting_token": raw.get("starting-token"),
            "page_size": positive("page-size"),
            "max_items": max_items,
        }


def _overrides_required(args: list[str]) -> bool:
    """Whether required options may be missing: the AWS CLI relaxes them when the exact token
    `--cli-input-json`, `--cli-input-yaml` or `--generate-cli-skeleton` (not followed by
    `output`) is on the line (customizations/arguments.py, generatecliskeleton.py)."""
    if "--cli-input-json" in args or "--cli-input-yaml" in args:
        return True
    if "--generate-cli-skeleton" in args:
        at = args.index("--generate-cli-skeleton")
        return args[at + 1 : at + 2] != ["output"]
    return False


def _size(value: Any) -> str:
    """What --debug says of a value: its type and size, never its content (it may be secret)."""
    if isinstance(value, (bytes, str, list, dict)):
        return f"{type(value).__name__}, {len(value)}"
    return type(value).__name__


def _debug(message: str) -> None:
    import sys
    import time

    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    sys.stderr.write(f"{stamp} - awslocal - DEBUG - {message}\n")


def in_model_order(model: dict[str, Any], shape_name: str, value: Any) -> Any:
    """`value` with each structure's members in the model's order, as the AWS CLI prints them.

    botocore's parsers build a response structure by walking its shape's members, so the AWS
    CLI prints them in model order whatever order the endpoint sent; a service function's dict
    may list them otherwise (SendMessageBatch's entries: Id, MessageId, MD5OfMessageBody).
    Maps keep their order; members the model does not name stay, after the rest.
    """
    shape = model["shapes"].get(shape_name)
    if shape is None:
        return value
    kind = shape.get("type")
    if kind == "structure" and isinstance(value, dict):
        members = shape.get("members", {})
        out = {name: in_model_order(model, members[name]["shape"], value[name])
               for name in members if name in value}
        for name, item in value.items():
            if name not in out:
                out[name] = item
        return out
    if kind == "list" and isinstance(value, list):
        return [in_model_order(model, shape["member"]["shape"], item) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {k: in_model_order(model, shape["value"]["shape"], v) for k, v in value.items()}
    return value
