"""The entry point: dispatch and exit codes (the global options are in cli/options.py).

Exceptions become exit codes here and nowhere else (`ExitCode`, the AWS CLI v2 table). Error
text follows AWS CLI v2.34, whose errors read `aws: [ERROR]: ...` (we print `awslocal:`).
"""

from __future__ import annotations

import os
import sys

from awslocal_cli import __version__
from awslocal_cli.cli.options import (
    ERROR_FORMATS,
    PROG,
    SERVICES,
    USAGE,
    GlobalOptions,
    split_globals,
)
from awslocal_cli.errors import (
    AwsError,
    CliError,
    ConfigurationError,
    ExitCode,
    ParamValidationError,
    UsageError,
)

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs 7 ms of start-up; annotations only
    from typing import IO, Any, NoReturn


def version_string() -> str:
    import platform

    return (
        f"awslocal-cli/{__version__} Python/{platform.python_version()} "
        f"{platform.system()}/{platform.release()} source/{platform.machine()}"
    )


# -- error reporting ---------------------------------------------------------------------------


def _write_error(stream: IO[str], message: str) -> None:
    stream.write(f"\n{PROG}: [ERROR]: {message.strip()}\n")


def _write_structured(stream: IO[str], info: dict[str, Any], opts: GlobalOptions) -> None:
    from awslocal_cli.output import render

    render(
        info, output=opts.cli_error_format, operation_name="error", stream=stream, color=opts.color
    )


def _write_enhanced_details(stream: IO[str], fields: dict[str, Any]) -> None:
    if not fields:
        return
    stream.write("\nAdditional error details:\n")
    complex_seen = False
    for key, value in fields.items():
        if value is None or isinstance(value, (str, int, float, bool)):
            stream.write(f"{key}: {value}\n")
        elif (
            isinstance(value, list)
            and len(value) < 5
            and all(isinstance(v, (str, int, float, bool)) or v is None for v in value)
        ):
            stream.write(f"{key}: [{', '.join(str(v) for v in value)}]\n")
        elif (
            isinstance(value, dict)
            and len(value) < 5
            and all(isinstance(v, (str, int, float, bool)) or v is None for v in value.values())
        ):
            inner = ", ".join(f"{k}: {v}" for k, v in value.items())
            stream.write(f"{key}: {{{inner}}}\n")
        else:
            stream.write(f"{key}: <complex value>\n")
            complex_seen = True
    if complex_seen:
        stream.write(
            'Use "--cli-error-format json" or another error format to see the full details.\n'
        )


def report_service_error(
    exc: AwsError, operation: str, opts: GlobalOptions, stream: IO[str]
) -> None:
    message = (
        f"An error occurred ({exc.code}) when calling the {operation} operation: {exc.message}"
    )
    fmt = opts.cli_error_format
    if fmt == "legacy":
        _write_error(stream, message)
    elif fmt == "enhanced":
        _write_error(stream, message)
        _write_enhanced_details(stream, exc.fields)
    else:
        _write_structured(stream, _error_info(exc), opts)


def _error_info(exc: AwsError) -> dict[str, Any]:
    """The error as the AWS CLI's structured formats print it (errorhandler.py over botocore's
    parsed error): the JSON protocols (KMS, SQS) parse Message before Code, the query protocol
    (SNS, STS) Code before Message; then, in JSON, the error shape's modeled members, among
    them a lowercase `message` (the same text) when the shape has one and is found by the
    error's code. A query error's XML names `Message` only, so botocore finds no `message`
    there (checked against the AWS CLI v2 through awslocal serve)."""
    service = getattr(exc, "service", None)
    info: dict[str, Any] = {"Code": exc.code, "Message": exc.message}
    if service is None:
        return {**info, **exc.fields}
    from awslocal_cli import model as models

    service_model = models.load(service)
    if service_model.get("metadata", {}).get("protocol") != "json":
        return {**info, **exc.fields}
    info = {"Message": exc.message, "Code": exc.code}
    for name, shape in service_model.get("shapes", {}).items():
        if shape.get("exception") and exc.code in (name, shape.get("error", {}).get("code")):
            if "message" in shape.get("members", {}):
                info["message"] = exc.message
            break
    return {**info, **exc.fields}


def report_cli_error(exc: CliError, opts: GlobalOptions, stream: IO[str]) -> None:
    if isinstance(exc, UsageError) and exc.unknown_options:
        # Unknown options print the usage first, with no structured form (as the AWS CLI).
        stream.write(f"\nusage: {USAGE}\n")
        _write_error(stream, exc.message)
        return
    if exc.exit_code == ExitCode.UNEXPECTED:
        # The AWS CLI's last-resort handler (GeneralExceptionHandler) prints any other failure
        # as its bare message, in every --cli-error-format: `Invalid base64: "..."`,
        # `invalid literal for int() ...`, `Invalid endpoint: ...`.
        _write_error(stream, exc.message)
        return
    message = exc.message
    if isinstance(exc, UsageError):
        message = f"{message}\n\nusage: {USAGE}"
    fmt = opts.cli_error_format
    if fmt == "legacy":
        _write_error(stream, message)
    elif fmt == "enhanced":
        _write_error(stream, f"An error occurred ({exc.error_code}): {message}")
    else:
        _write_structured(stream, {"Code": exc.error_code, "Message": message}, opts)


# -- running ----------------------------------------------------------------------------------


def run(argv: list[str]) -> int:
    """Run one invocation; return the process exit code.

    `awslocal <service> <operation> ...` goes straight to the operation without importing
    click (start-up is the product); help, completion, `local` and usage errors go through
    the click command tree in awslocal_cli.cli.tree.
    """
    opts = GlobalOptions()
    stderr = sys.stderr
    try:
        try:
            opts, rest = split_globals(argv)
        except UsageError as exc:
            opts = getattr(exc, "options", None) or opts
            raise
        if opts.version:
            sys.stdout.write(version_string() + "\n")
            return ExitCode.OK
        opts.apply_config()
        rest = _help_to_flag(rest)
        if not rest:
            raise UsageError("the following arguments are required: command")
        if rest[0] == "configure":
            from awslocal_cli.cli.configure import run_configure

            return run_configure(rest[1:], opts)
        if "--help" in rest:
            from awslocal_cli.cli.help import show

            show(rest, opts)
            return ExitCode.OK
        if len(rest) >= 2 and rest[0] in SERVICES:
            from awslocal_cli.cli.operation import find_operation

            operation = find_operation(rest[0], rest[1])
            if operation is not None:
                operation.run(operation.parse(rest[2:]), opts)
                return ExitCode.OK
        from awslocal_cli.cli.tree import invoke

        invoke(rest, opts)
        return ExitCode.OK
    except AwsError as exc:
        report_service_error(exc, getattr(exc, "operation", "") or "", opts, stderr)
        return ExitCode.SERVICE
    except CliError as exc:
        _config_error_format(opts)
        if opts.debug:
            _print_traceback(stderr)
        report_cli_error(exc, opts, stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stdout.write("\n")
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        # `awslocal ... | head`: the reader went away; that is not our failure.
        _silence_stdout()
        return ExitCode.OK
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else ExitCode.UNEXPECTED
    except Exception as exc:
        import sqlite3

        output = sys.modules.get("awslocal_cli.output")
        if output is not None and isinstance(exc, output.QueryError):
            report_cli_error(ParamValidationError(str(exc)), opts, stderr)
            return ExitCode.USAGE

        bad = _not_utf8(exc, argv)
        if bad is not None:
            # Bytes that are not UTF-8 reach us as surrogate escapes (PEP 383); values the
            # checks above did not reject fail where they meet UTF-8 (SQLite, JSON): say so.
            report_cli_error(ParamValidationError(
                f"Parameter validation failed: the command line holds bytes that are not valid "
                f"UTF-8 ({bad!r}). Pass text in UTF-8, or binary data with fileb://."
            ), opts, stderr)
            return ExitCode.USAGE
        if isinstance(exc, sqlite3.DatabaseError):
            if opts.debug:
                _print_traceback(stderr)
            report_cli_error(ConfigurationError(f"The state is unusable: {exc}."), opts, stderr)
            return ExitCode.CONFIGURATION
        if opts.debug:
            _print_traceback(stderr)
            _write_error(stderr, f"{type(exc).__name__}: {exc}")
        else:
            _write_error(
                stderr,
                f"{type(exc).__name__}: {exc}\nRun the command again with --debug to see "
                "the traceback.",
            )
        return ExitCode.UNEXPECTED


def _not_utf8(exc: BaseException, argv: list[str]) -> str | None:
    """The argument holding surrogate escapes, when `exc` is their UnicodeEncodeError."""
    if not isinstance(exc, UnicodeEncodeError) or "surrogate" not in str(exc.reason):
        return None
    for arg in argv:
        if any("\udc80" <= c <= "\udcff" for c in arg):
            return arg
    return None


def _config_error_format(opts: GlobalOptions) -> None:
    """An error met before the config files were read still takes their cli_error_format."""
    if "--cli-error-format" in opts.given or opts.environ.get("AWS_CLI_ERROR_FORMAT"):
        return
    try:
        value = opts.scoped_config().get("cli_error_format")
    except CliError:
        return
    if isinstance(value, str) and value.lower() in ERROR_FORMATS:
        opts.cli_error_format = value.lower()


def _help_to_flag(rest: list[str]) -> list[str]:
    """`awslocal sqs help`, `awslocal sqs send-message help` -> `--help`, as the AWS CLI reads."""
    commands_only = not any(word.startswith("-") for word in rest)
    if rest and rest[-1] == "help" and (len(rest) <= 3 or (rest[0] == "local" and commands_only)):
        return [*rest[:-1], "--help"]
    return rest


def _print_traceback(stream: IO[str]) -> None:
    import traceback

    traceback.print_exc(file=stream)


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: list[str] | None = None) -> NoReturn:
    """The `awslocal` console script."""
    args = sys.argv[1:] if argv is None else argv
    if os.environ.get("_AWSLOCAL_COMPLETE"):
        from awslocal_cli.cli.complete import complete

        complete()
    sys.exit(run(list(args)))


def console() -> NoReturn:
    """The `awslocal` console script and `python -m awslocal_cli`: `main()`, then out without
    the interpreter's teardown.

    When run() returns, the invocation is over: its transaction committed (or rolled back), the
    state closed (SQLite's checkpoint and fsync included), the answer written. Freeing every
    module and object at exit then costs about 3 ms, a tenth of a command, so the output is
    flushed and the process leaves with os._exit. If anything asked for work at exit (an atexit
    callback, a thread still running) or flushing fails, the ordinary exit runs instead.
    `main()` itself still raises SystemExit, for callers that embed it.
    """
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    else:  # pragma: no cover - main() always raises SystemExit
        code = ExitCode.OK
    if not isinstance(code, int) or not _nothing_left_at_exit():
        sys.exit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        _silence_stdout()  # the reader went away, as run() treats it
    except (OSError, ValueError):
        sys.exit(code)  # the ordinary exit reports it as Python does
    os._exit(code)


def _nothing_left_at_exit() -> bool:
    import atexit

    callbacks = getattr(atexit, "_ncallbacks", None)
    if callbacks is None or callbacks():
        return False
    threading = sys.modules.get("threading")
    if threading is None:
        return True
    main_thread = threading.main_thread()
    return not any(t is not main_thread and t.is_alive() and not t.daemon
                   for t in threading.enumerate())
