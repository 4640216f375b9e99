"""`awslocal configure`: the AWS CLI v2's configure command over the same files.

`configure` (interactive), `configure list`, `configure get NAME`, `configure set NAME VALUE`
and `configure list-profiles` read and write ~/.aws/config and ~/.aws/credentials
(AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE honoured) as awscli/customizations/configure/
does, so tutorials that start with `aws configure` work. Credentials are stored where the AWS
CLI stores them; the CLI needs none (it signs nothing), `awslocal serve` verifies its clients'
signatures against them. Departures: the sso, import,
add-model, mfa-login, export-credentials and agent-toolkit subcommands are not provided, and
`configure list` never looks a region up from instance metadata.
"""

from __future__ import annotations

import os
import sys

from awslocal_cli.cli.options import invalid_choice
from awslocal_cli.config import ProfileNotFound
from awslocal_cli.errors import CliError, ExitCode, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from awslocal_cli.cli.options import GlobalOptions

SUBCOMMANDS = ("list", "get", "set", "list-profiles")
NOT_SET = "<not set>"
CREDENTIAL_KEYS = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token",
                   "aws_security_token")
PROMPTS = (
    ("aws_access_key_id", "AWS Access Key ID"),
    ("aws_secret_access_key", "AWS Secret Access Key"),
    ("aws_session_token", "AWS Session Token"),
    ("region", "Default region name"),
    ("output", "Default output format"),
)
HELP = """\
NAME
       configure -

DESCRIPTION
       Configure settings of the shared config files (~/.aws/config and
       ~/.aws/credentials, or AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE),
       as the AWS CLI's configure command does. awslocal reads region, output,
       cli_binary_format, cli_timestamp_format and cli_error_format from them;
       credentials are stored for the clients of awslocal serve, which checks
       their signatures against them (any made-up key id and secret will do).

SYNOPSIS
          awslocal configure [--profile profile-name]
          awslocal configure list [--profile profile-name]
          awslocal configure get varname [--profile profile-name]
          awslocal configure set varname value [--profile profile-name]
          awslocal configure list-profiles

EXAMPLES
          $ awslocal configure
          AWS Access Key ID [None]: test
          AWS Secret Access Key [None]: test
          Default region name [None]: eu-west-1
          Default output format [None]: json
"""


def run_configure(args: list[str], opts: GlobalOptions) -> int:
    """Run `awslocal configure ARGS`; return the exit code."""
    if "--help" in args:
        sys.stdout.write(HELP)
        return ExitCode.OK
    if not args:
        return _interactive(opts)
    name, rest = args[0], args[1:]
    if name not in SUBCOMMANDS:
        if name.startswith("-"):
            raise UsageError(f"Unknown options: {', '.join(args)}", unknown_options=True)
        raise UsageError(invalid_choice("subcommand", name, list(SUBCOMMANDS)))
    positionals = [a for a in rest if not a.startswith("-") or a == "-"]
    unknown = [a for a in rest if a.startswith("-") and a != "-"]
    wanted = {"list": (), "list-profiles": (), "get": ("varname",), "set": ("varname", "value")}
    names = wanted[name]
    if len(positionals) < len(names):
        missing = ", ".join(names[len(positionals):])
        raise UsageError(f"the following arguments are required: {missing}")
    unknown += positionals[len(names):]
    if unknown:
        raise UsageError(f"Unknown options: {', '.join(unknown)}", unknown_options=True)
    if name == "list":
        return _list(opts)
    if name == "list-profiles":
        for profile in opts.shared.profiles():
            sys.stdout.write(f"{profile}\n")
        return ExitCode.OK
    if name == "get":
        return _get(opts, positionals[0])
    return _set(opts, positionals[0], positionals[1])


def _session_profile(opts: GlobalOptions) -> str | None:
    """The AWS CLI session's profile: --profile, AWS_PROFILE, AWS_DEFAULT_PROFILE, or None."""
    return opts.named_profile


# -- list ------------------------------------------------------------------------------------


def _row(name: str, value: Any, kind: Any, location: Any) -> str:
    return f"{name:<10} : {value!s:<24} : {kind!s:<16} : {location!s}\n"


def _mask(value: str | None) -> str:
    return "None" if value is None else "*" * 16 + value[-4:]


def _list(opts: GlobalOptions) -> int:
    out = sys.stdout
    env = opts.environ
    out.write(_row("NAME", "VALUE", "TYPE", "LOCATION"))
    if opts.profile is not None:
        out.write(_row("profile", opts.profile, "manual", "--profile"))
    elif env.get("AWS_PROFILE") or env.get("AWS_DEFAULT_PROFILE"):
        out.write(_row("profile", env.get("AWS_PROFILE") or env.get("AWS_DEFAULT_PROFILE"),
                       "env", "['AWS_PROFILE', 'AWS_DEFAULT_PROFILE']"))
    else:
        out.write(_row("profile", NOT_SET, None, None))
    out.flush()
    access, secret, method = _credentials(opts)
    if access is None:
        out.write(_row("access_key", NOT_SET, None, None))
        out.write(_row("secret_key", NOT_SET, None, None))
    else:
        out.write(_row("access_key", _mask(access), method, ""))
        out.write(_row("secret_key", _mask(secret), method, ""))
    region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")
    if region:
        out.write(_row("region", region, "env", "['AWS_REGION', 'AWS_DEFAULT_REGION']"))
    elif isinstance(opts.shared.scoped(_session_profile(opts)).get("region"), str):
        region = opts.shared.scoped(_session_profile(opts))["region"]
        out.write(_row("region", region, "config-file", opts.shared.config_file_setting))
    else:
        out.write(_row("region", NOT_SET, None, None))
    return ExitCode.OK


def _credentials(opts: GlobalOptions) -> tuple[str | None, str | None, str | None]:
    """botocore's chain, as far as files go: the environment (unless --profile was given),
    the credentials file, then the config file."""
    env = opts.environ
    if opts.profile is None and env.get("AWS_ACCESS_KEY_ID") and env.get("AWS_SECRET_ACCESS_KEY"):
        return env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], "env"
    profile = _session_profile(opts)
    opts.shared.scoped(profile)  # ProfileNotFound for a profile that is nowhere
    name = profile or "default"
    for method, profiles in (
        ("shared-credentials-file", opts.shared.credential_profiles()),
        ("config-file", opts.shared.config_profiles()),
    ):
        values = profiles.get(name, {})
        access, secret = values.get("aws_access_key_id"), values.get("aws_secret_access_key")
        if access and secret:
            return access, secret, method
    return None, None, None


# -- get -------------------------------------------------------------------------------------


def _get(opts: GlobalOptions, varname: str) -> int:
    if "." not in varname:
        value = opts.shared.scoped(_session_profile(opts)).get(varname)
    else:
        value = _dotted(opts, varname)
    if isinstance(value, str):
        sys.stdout.write(f"{value}\n")
        return ExitCode.OK
    if isinstance(value, dict):
        sys.stderr.write(
            f"varname ({varname}) must reference a value, not a section or sub-section."
        )
    return 1


def _dotted(opts: GlobalOptions, varname: str) -> Any:
    """`default.region`, `profile.dev.region`, `dev.region`, `s3.max_concurrent_requests`."""
    parts = varname.split(".")
    profiles = opts.shared.profiles()
    if parts[0] == "profile" and len(parts) >= 3:
        profile, name, remaining = parts[1], parts[2], parts[3:]
    elif parts[0] == "default" or parts[0] in profiles:
        profile, name, remaining = parts[0], parts[1], parts[2:]
    else:
        profile, name, remaining = _session_profile(opts) or "default", parts[0], parts[1:]
    value = profiles.get(profile, {}).get(name)
    if len(remaining) == 1:
        value = value.get(remaining[0]) if isinstance(value, dict) else None
    return value


# -- set -------------------------------------------------------------------------------------


def _set(opts: GlobalOptions, varname: str, value: str) -> int:
    profile = _session_profile(opts) or "default"
    item: Any = value
    if "." in varname:
        parts = varname.split(".")
        if parts[0] in ("default", "profile"):
            if parts[0] == "default":
                profile, remaining = "default", parts[1:]
            else:
                profile, remaining = parts[1], parts[2:]
            varname = remaining[0]
            if len(remaining) == 2:
                item = {remaining[1]: value}
        else:
            varname = parts[0]
            if len(parts) == 2:
                item = {parts[1]: value}
    if varname in CREDENTIAL_KEYS:
        update_file(opts.shared.credentials_path, profile, {varname: item},
                    check_permissions=True)
    else:
        update_file(opts.shared.config_path, section_of(profile), {varname: item})
    return ExitCode.OK


def section_of(profile: str) -> str:
    """The config file's section for a profile: `default`, else `profile NAME`."""
    if profile == "default":
        return profile
    if any(c in " \t" for c in profile):
        import shlex

        profile = shlex.quote(profile)
    return f"profile {profile}"


# -- interactive -----------------------------------------------------------------------------


def _interactive(opts: GlobalOptions) -> int:
    profile = _session_profile(opts)
    try:
        config = opts.shared.scoped(profile)
    except ProfileNotFound:
        config = {}
    if not config:
        # The AWS CLI's own tip, pointing at its own command.
        sys.stdout.write(
            "\nTip: You can deliver temporary credentials to the AWS CLI using your AWS "
            "Console session by running the command 'aws login'.\n\n"
        )
    new: dict[str, Any] = {}
    for name, prompt in PROMPTS:
        if name == "aws_session_token":
            access = new.get("aws_access_key_id")
            needs = bool(access) and str(access).startswith("ASIA")
            if not (needs or (not access and config.get("aws_session_token"))):
                continue
        current = config.get(name)
        shown = _mask(current) if name in CREDENTIAL_KEYS else current
        try:
            answer = input(f"{prompt} [{shown}]: ")
        except EOFError:
            answer = ""
        if answer and answer != current:
            new[name] = answer
    access = new.get("aws_access_key_id")
    if access and not str(access).startswith("ASIA") and config.get("aws_session_token"):
        new["aws_session_token"] = None
    credentials = {k: new.pop(k) for k in CREDENTIAL_KEYS if k in new}
    if credentials:
        update_file(opts.shared.credentials_path, profile or "default", credentials,
                    check_permissions=True)
    if new:
        section = section_of(profile) if profile is not None else "default"
        update_file(opts.shared.config_path, section, new)
    return ExitCode.OK


# -- the writer --------------------------------------------------------------------------------
# awscli/customizations/configure/writer.py's rules: a missing file is created 0600 (with its
# directory); a missing section is appended; in an existing section a key is rewritten in place
# (None removes it) and new keys go after the section's last key; nested values (`s3 =` and
# indented keys) are written four spaces in.


def _header(line: str) -> str | None:
    stripped = line.lstrip()
    if stripped.startswith("[") and "]" in stripped[1:]:
        inner = stripped[1 : stripped.index("]", 1)]
        return inner or None
    return None


def _option(line: str) -> tuple[str, int] | None:
    """(key, indent) of a `key = value` line, else None."""
    cut = min((at for at in (line.find("="), line.find(":")) if at > 0), default=-1)
    if cut <= 0 or line[0] in ":=":
        return None
    raw = line[:cut]
    return raw.strip(), len(raw) - len(raw.lstrip())


def _matches(header_line: str, section: str) -> bool:
    """Whether a header line opens `section` (`[profile dev]` or `[profile "dev"]`)."""
    stripped = header_line.lstrip()
    line_header = stripped[: stripped.find("]", 1) + 1]
    if line_header == f"[{section}]":
        return True
    parts = section.split(" ")
    return len(parts) > 1 and line_header == f'[{parts[0]} "{" ".join(parts[1:])}"]'


def _lines(values: dict[str, Any], indent: str = "") -> str:
    out = []
    for key, value in values.items():
        if isinstance(value, dict):
            out.append(f"{indent}{key} =\n")
            out.extend(f"{indent}    {k} = {v}\n" for k, v in value.items())
        elif value is not None:
            out.append(f"{indent}{key} = {value}\n")
    values.clear()
    return "".join(out)


def update_file(
    path: str, section: str, values: dict[str, Any], check_permissions: bool = False
) -> None:
    """Write `values` into `section` of the INI file at `path`, as the AWS CLI does."""
    for key, value in [("section name", section), *((k, v) for k, v in values.items())]:
        for text in (key, *(value.values() if isinstance(value, dict) else (value,))):
            if isinstance(text, str) and ("\n" in text or "\r" in text):
                raise CliError(
                    f"Invalid value for key {key}: newline characters and carriage returns "
                    "are not allowed."
                )
    values = dict(values)
    if not os.path.isfile(path):
        directory = os.path.dirname(path)
        if directory and not os.path.isdir(directory):
            os.makedirs(directory)
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            f.write(f"[{section}]\n{_lines(values)}")
        return
    with open(path, encoding="utf-8") as f:
        contents = f.readlines()
    start = next(
        (
            i
            for i, line in enumerate(contents)
            if not line.strip().startswith(("#", ";"))
            and _header(line) is not None
            and _matches(line, section)
        ),
        None,
    )
    if start is None:
        with open(path, "a", encoding="utf-8") as f:
            if contents and not contents[-1].endswith("\n"):
                f.write("\n")
            f.write(f"[{section}]\n{_lines(values)}")
    else:
        _update_section(contents, start, values)
        with open(path, "w", encoding="utf-8") as f:
            f.write("".join(contents))
    if check_permissions:
        _warn_if_permissive(path)


def _update_section(contents: list[str], start: int, values: dict[str, Any]) -> None:
    last = start
    j = start + 1
    while j < len(contents):
        line = contents[j]
        if _header(line) is not None:
            contents.insert(last + 1, _lines(values))
            return
        option = _option(line)
        if option is not None:
            last = j
            key, indent = option
            if key in values:
                if isinstance(values[key], dict):
                    _update_nested(contents, j, values.pop(key), indent)
                    return
                value = values.pop(key)
                contents[j] = "" if value is None else f"{key} = {value}\n"
        j += 1
    if values:
        if contents and not contents[-1].endswith("\n"):
            contents.append("\n")
        contents.insert(last + 2, _lines(values))


def _update_nested(contents: list[str], index: int, values: dict[str, str], indent: int) -> None:
    i = index + 1
    while i < len(contents):
        line = contents[i]
        option = _option(line)
        if _header(line) is not None or (option is not None and option[1] <= indent):
            break
        if option is not None and option[0] in values:
            contents[i] = f"{' ' * option[1]}{option[0]} = {values.pop(option[0])}\n"
        i += 1
    if values:
        contents.insert(i, "".join(f"{' ' * (indent + 4)}{k} = {v}\n" for k, v in values.items()))


def _warn_if_permissive(path: str) -> None:
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return
    if mode & 0o077:
        sys.stderr.write(
            f"\nawslocal: [WARNING]: The file '{path}' is accessible by other users. "
            f"Consider running 'chmod 600 {path}' to restrict access to only your user.\n"
        )

