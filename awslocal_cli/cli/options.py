"""The global options, the command names and the usage text every part of the CLI shares.

awslocal_cli.cli.main (the click-free hot path) and awslocal_cli.cli.tree (the click tree) both
read these; neither imports the other for them, so imports in cli/ go one way:
main -> tree -> local, each -> options. Nothing here imports click.
"""

from __future__ import annotations

import os

from awslocal_cli.errors import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs 7 ms of start-up; annotations only
    from typing import Any

    import click

__all__ = [
    "ERROR_FORMATS",
    "GLOBAL_FLAGS",
    "GLOBAL_VALUE_OPTIONS",
    "OUTPUT_FORMATS",
    "PROG",
    "SERVICES",
    "USAGE",
    "GlobalOptions",
    "invalid_choice",
    "opts_of",
    "split_globals",
]

PROG = "awslocal"
USAGE = (
    f"{PROG} [options] <command> <subcommand> [<subcommand> ...] [parameters]\n"
    "To see help text, you can run:\n"
    "\n"
    f"  {PROG} help\n"
    f"  {PROG} <command> help\n"
    f"  {PROG} <command> <subcommand> help\n"
)

OUTPUT_FORMATS = ("json", "text", "table", "yaml", "yaml-stream", "off")
ERROR_FORMATS = ("legacy", "json", "yaml", "text", "table", "enhanced")

# Global options the AWS CLI accepts anywhere on the line: name -> allowed values (None: any).
GLOBAL_VALUE_OPTIONS: dict[str, tuple[str, ...] | None] = {
    "--output": OUTPUT_FORMATS,
    "--query": None,
    "--region": None,
    "--profile": None,
    "--color": ("on", "off", "auto"),
    "--cli-binary-format": ("base64", "raw-in-base64-out"),
    "--cli-error-format": ERROR_FORMATS,
    "--state-dir": None,
    # Accepted so scripts written for other endpoints run unchanged; no effect offline
    # (checked as the AWS CLI checks it, see check_endpoint_url).
    "--endpoint-url": None,
    "--cli-read-timeout": None,
    "--cli-connect-timeout": None,
    "--ca-bundle": None,
}
# model.SERVICES, spelled out: importing model here would load it for `--version` too.
SERVICES = ("kms", "sqs", "sns", "sts", "cloudtrail")
GLOBAL_FLAGS = (
    "--debug",
    "--no-cli-pager",
    "--no-paginate",
    "--no-verify-ssl",
    "--no-sign-request",
    "--cli-auto-prompt",
    "--no-cli-auto-prompt",
)
# The AWS CLI's main parser, in the order its options are added (awscli/data/cli.json), which is
# the order argparse lists them in "ambiguous option" errors; --state-dir is ours, last.
GLOBAL_OPTION_ORDER = {
    name: None
    for name in (
        "--debug",
        "--endpoint-url",
        "--no-verify-ssl",
        "--no-paginate",
        "--output",
        "--query",
        "--profile",
        "--region",
        "--version",
        "--color",
        "--no-sign-request",
        "--ca-bundle",
        "--cli-read-timeout",
        "--cli-connect-timeout",
        "--cli-binary-format",
        "--no-cli-pager",
        "--cli-auto-prompt",
        "--no-cli-auto-prompt",
        "--cli-error-format",
        "--state-dir",
    )
}


def _negative_number(token: str) -> bool:
    """argparse's `^-\\d+$|^-\\d*\\.\\d+$`, without importing re."""
    body = token[1:]
    whole, dot, fraction = body.partition(".")
    if not dot:
        return body.isdigit() and body.isascii()
    return (whole == "" or (whole.isdigit() and whole.isascii())) and (
        fraction.isdigit() and fraction.isascii()
    )


def parse_optional(
    token: str, options: dict[str, Any], abbrev: bool = True
) -> tuple[str | None, str | None] | None:
    """How argparse (Python 3.11, allow_abbrev on, as the AWS CLI runs it) reads `token`.

    None: a value (not an option). Otherwise (option, explicit value after `=`), where option
    is the full name of the one option `token` is a unique prefix of, or None for an option
    this parser does not know. A prefix of several options is argparse's "ambiguous option"
    error (raised as a UsageError).
    """
    if not token or token[0] != "-":
        return None
    if token in options:
        return token, None
    if len(token) == 1:
        return None
    name, eq, explicit = token.partition("=")
    if eq and name in options:
        return name, explicit
    if token[1] == "-" and abbrev:
        matches = [option for option in options if option.startswith(name)]
        if len(matches) > 1:
            raise UsageError(f"ambiguous option: {token} could match {', '.join(matches)}")
        if matches:
            return matches[0], explicit if eq else None
    if _negative_number(token):
        return None  # no option of ours looks like a negative number: `-5` is a value
    if " " in token:
        return None
    return None, None


class GlobalOptions:
    """What the global options say for this run, and what the environment and the shared
    config files add (`apply_config`), in the AWS CLI v2's order (awscli/clidriver.py):

    - output: --output, AWS_DEFAULT_OUTPUT, the profile's `output`, json. A value that is no
      format fails when the response is printed (`Unknown output type: xml`, exit 255).
    - cli_binary_format: --cli-binary-format, the profile's `cli_binary_format`, base64.
    - cli_error_format: --cli-error-format, AWS_CLI_ERROR_FORMAT, the profile's
      `cli_error_format`, enhanced (an unknown value means enhanced).
    - cli_timestamp_format: the profile's `cli_timestamp_format` (iso8601 or wire), iso8601.
    - profile: --profile, AWS_PROFILE, AWS_DEFAULT_PROFILE; none means `default`, which then
      needs no file. A profile named but found in neither file fails (exit 255).
    - region: --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's `region`, and then,
      departing from AWS (which fails with NoRegion), us-east-1.
    """

    def __init__(self) -> None:
        self.output = "json"
        self.query: str | None = None
        self.region: str | None = None
        self.profile: str | None = None
        self.color = "auto"
        self.cli_binary_format = "base64"
        self.cli_error_format = "enhanced"
        self.cli_timestamp_format = "iso8601"
        self.state_dir: str | None = None
        self.debug = False
        self.paginate = True
        self.endpoint_url: str | None = None
        self.version = False
        self.given: set[str] = set()
        self.environ: Any = os.environ
        self._shared: Any = None
        self._scoped: dict[str, Any] | None = None

    @classmethod
    def from_env(cls, environ: Any = None) -> GlobalOptions:
        env = os.environ if environ is None else environ
        opts = cls()
        opts.environ = env
        output = env.get("AWS_DEFAULT_OUTPUT")
        if output:
            opts.output = output
        error_format = (env.get("AWS_CLI_ERROR_FORMAT") or "").lower()
        if error_format in ERROR_FORMATS:
            opts.cli_error_format = error_format
        return opts

    @property
    def shared(self) -> Any:
        """The shared config files (awslocal_cli.config.SharedConfig), read when used."""
        if self._shared is None:
            from awslocal_cli.config import SharedConfig

            self._shared = SharedConfig(self.environ)
        return self._shared

    @property
    def named_profile(self) -> str | None:
        from awslocal_cli.config import named_profile

        return named_profile(self.environ, self.profile)

    def scoped_config(self) -> dict[str, Any]:
        """The profile's settings; {} when the named profile does not exist (checked apart,
        by `check_profile`, where the AWS CLI checks it)."""
        if self._scoped is None:
            from awslocal_cli.config import ProfileNotFound

            try:
                self._scoped = self.shared.scoped(self.named_profile)
            except ProfileNotFound:
                self._scoped = {}
        return self._scoped

    def check_profile(self) -> None:
        """The AWS CLI's ProfileNotFound, when it makes a client: a named profile must exist."""
        named = self.named_profile
        if named is not None:
            self.shared.scoped(named)

    def apply_config(self) -> None:
        """Fill in what neither an option nor the environment said from the config files."""
        config = self.scoped_config()
        if "--output" not in self.given and not self.environ.get("AWS_DEFAULT_OUTPUT"):
            value = config.get("output")
            if isinstance(value, str) and value:
                self.output = value
        if "--cli-binary-format" not in self.given:
            value = config.get("cli_binary_format")
            if isinstance(value, str) and value:
                if value not in ("base64", "raw-in-base64-out"):
                    from awslocal_cli.errors import CliError

                    # The AWS CLI looks the format up in a table: a KeyError, printed bare.
                    raise CliError(f"'{value}'")
                self.cli_binary_format = value
        if "--cli-error-format" not in self.given and (
            (self.environ.get("AWS_CLI_ERROR_FORMAT") or "").lower() not in ERROR_FORMATS
        ):
            value = config.get("cli_error_format")
            if isinstance(value, str) and value.lower() in ERROR_FORMATS:
                self.cli_error_format = value.lower()
        value = config.get("cli_timestamp_format", "iso8601")
        if value not in ("iso8601", "wire"):
            from awslocal_cli.errors import ConfigurationError

            raise ConfigurationError(
                f"Unknown cli_timestamp_format value: {value}, valid values are "
                '"wire" or "iso8601"'
            )
        self.cli_timestamp_format = value

    def resolved_region(self) -> str | None:
        """--region, AWS_REGION, AWS_DEFAULT_REGION, the profile's region; None if none."""
        region = self.region or self.environ.get("AWS_REGION") or self.environ.get(
            "AWS_DEFAULT_REGION"
        )
        if region:
            return str(region)
        value = self.scoped_config().get("region")
        return value if isinstance(value, str) and value else None


def split_globals(args: list[str], environ: Any = None) -> tuple[GlobalOptions, list[str]]:
    """Take the global options out of `args`, wherever they stand; return them and the rest.

    As the AWS CLI's main parser reads them (argparse): a unique prefix names a global option
    (`--reg`, `--out`, `--endpoint` for --endpoint-url), an ambiguous one is an error, and an
    option's value is the next argument unless that looks like an option. The `local` group's
    options are ours and not the AWS CLI's, so there only full names are global options.
    """
    opts = GlobalOptions.from_env(environ)
    options: dict[str, Any] = GLOBAL_OPTION_ORDER
    abbrev = _command(args) != "local"
    rest: list[str] = []
    problem: str | None = None  # raised after the loop, so --cli-error-format still applies
    i = 0
    while i < len(args):
        token = args[i]
        if token == "--":  # argparse: everything after it is a value, not an option
            rest.extend(args[i:])
            break
        parsed = parse_optional(token, options, abbrev)
        name = parsed[0] if parsed else None
        if name is None:
            rest.append(token)
            i += 1
            continue
        explicit = parsed[1] if parsed else None
        i += 1
        if name == "--version":
            if problem is None:
                opts.version = True
                return opts, rest
            continue
        if name in GLOBAL_FLAGS:
            if explicit is not None:
                problem = problem or f"argument {name}: ignored explicit argument '{explicit}'"
                continue
            opts.given.add(name)
            if name == "--debug":
                opts.debug = True
            elif name == "--no-paginate":
                opts.paginate = False
            continue
        if explicit is not None:
            value = explicit
        elif i < len(args) and parse_optional(args[i], options, abbrev) is None:
            value = args[i]
            i += 1
        else:
            problem = problem or f"argument {name}: expected one argument"
            continue
        choices = GLOBAL_VALUE_OPTIONS[name]
        if choices is not None and value not in choices:
            problem = problem or invalid_choice(name, value, list(choices))
            continue
        opts.given.add(name)
        setattr(opts, name[2:].replace("-", "_"), value)
    if problem:
        raise UsageError(problem, options=opts)
    if opts.endpoint_url is not None:
        check_endpoint_scheme(opts.endpoint_url)
    return opts, rest


def check_client_options(opts: Any) -> None:
    """What the AWS CLI checks as it makes its client (exit 255): the endpoint's host, then
    the timeouts, which argparse took as text and int() converts."""
    check_endpoint_url(getattr(opts, "endpoint_url", None))
    for name in ("cli_read_timeout", "cli_connect_timeout"):
        value = getattr(opts, name, None)
        if value is not None and not _is_int(value):
            from awslocal_cli.errors import CliError

            raise CliError(f"invalid literal for int() with base 10: '{value}'")


def _command(args: list[str]) -> str | None:
    """The first argument that is neither a global option nor its value (full names only)."""
    i = 0
    while i < len(args):
        token = args[i]
        if token in GLOBAL_VALUE_OPTIONS:
            i += 2
        elif token.startswith("-"):
            i += 1
        else:
            return token
    return None


def _is_int(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


def check_endpoint_scheme(url: str) -> None:
    """--endpoint-url needs a scheme (awscli/customizations/globalargs.py), checked as the
    global options are read, before the operation's own options."""
    from urllib.parse import urlparse

    if not urlparse(url).scheme:
        from awslocal_cli.errors import ParamValidationError

        raise ParamValidationError(
            f'Bad value for --endpoint-url "{url}": scheme is missing.  Must be of the form '
            "http://<hostname>/ or https://<hostname>/"
        )


def check_endpoint_url(url: str | None) -> None:
    """The endpoint's host, as botocore checks it when the AWS CLI makes its client (exit 255,
    after the options are converted, before the request is validated); the URL is not used.
    """
    if url is None:
        return
    from urllib.parse import urlsplit

    from awslocal_cli.errors import CliError

    unsafe = set("\t\r\n")  # botocore's UNSAFE_URL_CHARS
    try:
        hostname = urlsplit(url).hostname
    except ValueError:
        hostname = None
    valid = not (unsafe & set(url)) and hostname is not None and _valid_hostname(hostname)
    if not valid:
        raise CliError(f"Invalid endpoint: {url}")


def check_endpoint_transport(url: str | None) -> None:
    """urllib3 sends only http and https; the AWS CLI fails at sending time otherwise (255)."""
    if url is None:
        return
    from urllib.parse import urlsplit

    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        from awslocal_cli.errors import CliError

        raise CliError(
            f"An HTTP Client raised an unhandled exception: Not supported URL scheme {scheme}"
        )


def _valid_hostname(hostname: str) -> bool:
    """botocore.utils.is_valid_endpoint_url's host rule (labels of letters, digits and
    hyphens), or an IPv6 literal."""
    if ":" in hostname:  # urlsplit hands IPv6 literals over without their brackets
        import ipaddress

        try:
            ipaddress.IPv6Address(hostname.split("%", 1)[0])
        except ValueError:
            return False
        return True
    if len(hostname) > 255:
        return False
    if hostname.endswith("."):
        hostname = hostname[:-1]
    labels = hostname.split(".")
    allowed = set("abcdefghijklmnopqrstuvwxyz0123456789-")
    return all(
        0 < len(label) <= 63
        and set(label.lower()) <= allowed
        and not label.startswith("-")
        and not label.endswith("-")
        for label in labels
    )


def invalid_choice(what: str, value: str, choices: list[str]) -> str:
    from difflib import get_close_matches

    message = f"argument {what}: Found invalid choice '{value}'\n"
    close = get_close_matches(value, choices, cutoff=0.8)
    if close:
        message += "\nMaybe you meant:\n\n" + "\n".join(f"  * {c}" for c in close)
    return message



def opts_of(ctx: click.Context) -> GlobalOptions:
    """The run's global options, kept in the root click context's obj."""
    root = ctx.find_root()
    if not isinstance(root.obj, GlobalOptions):
        root.obj = GlobalOptions()
    return root.obj
