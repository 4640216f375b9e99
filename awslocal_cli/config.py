"""The AWS CLI's shared files, ~/.aws/config and ~/.aws/credentials, read as botocore reads them.

Both are read at most once per invocation, and only when a setting is asked for that neither an
option nor the environment gave. The reader is our own, not configparser: importing
configparser (it pulls in re and enum) costs 7-16 ms, more than the rest of a command's
imports together; a file of a few lines parses in microseconds here. It follows
RawConfigParser's rules for what AWS config files contain (sections, `key = value` or
`key: value`, full-line `#`/`;` comments, indented continuation lines for nested values such
as `s3 =\\n    max_concurrent_requests = 10`, keys lower-cased); a line configparser refuses
makes the file unusable, as botocore's "Unable to parse config file".

Profiles (botocore.configloader.build_profile_map): in the config file `[default]` and
`[profile NAME]`; in the credentials file `[NAME]`, whose values join the profile's.
"""

from __future__ import annotations

import os

from awslocal_cli.errors import CliError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

DEFAULT_CONFIG_FILE = "~/.aws/config"
DEFAULT_CREDENTIALS_FILE = "~/.aws/credentials"


class ConfigParseError(CliError):
    """botocore's ConfigParseError: the AWS CLI prints its message alone and exits 255."""


class ProfileNotFound(CliError):
    """botocore's ProfileNotFound (exit 255)."""

    def __init__(self, profile: str) -> None:
        super().__init__(f"The config profile ({profile}) could not be found")
        self.profile = profile


def parse_ini(text: str, path: str) -> dict[str, dict[str, Any]]:
    """Sections -> {key: value}; a nested value (`key =` then indented lines) is a dict."""
    sections: dict[str, dict[str, Any]] = {}
    current: dict[str, Any] | None = None
    key: str | None = None
    key_indent = 0
    for raw in text.splitlines():
        stripped = raw.strip()
        if not stripped:
            key = None  # simplification: an empty line ends a value
            continue
        if stripped[0] in "#;":
            continue
        indent = len(raw) - len(raw.lstrip())
        if current is not None and key is not None and indent > key_indent:
            current[key] = f"{current[key]}\n{stripped}"  # a continuation line
            continue
        if stripped.startswith("[") and "]" in stripped:
            name = stripped[1 : stripped.rindex("]")]
            if not name or name in sections:
                raise ConfigParseError(f"Unable to parse config file: {path}")
            current = sections[name] = {}
            key = None
            continue
        if current is None:
            raise ConfigParseError(f"Unable to parse config file: {path}")
        cut = min((at for at in (raw.find("="), raw.find(":")) if at >= 0), default=-1)
        name = raw[:cut].strip().lower() if cut >= 0 else ""
        if not name or name in current:
            raise ConfigParseError(f"Unable to parse config file: {path}")
        current[name] = raw[cut + 1 :].strip()
        key, key_indent = name, indent
    for values in sections.values():
        for name, value in values.items():
            if value.startswith("\n"):  # botocore's raw_config_parse: one level of nesting
                values[name] = _nested(value)
    return sections


def _nested(value: str) -> dict[str, str]:
    """botocore's _parse_nested: `key = value` lines under a key with no value of its own."""
    nested: dict[str, str] = {}
    for line in value.strip().splitlines():
        name, eq, item = line.partition("=")
        if eq:
            nested[name.strip()] = item.strip()
    return nested


def _read(path: str) -> dict[str, dict[str, Any]]:
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError):
        return {}  # botocore reads a missing or unreadable file as empty
    return parse_ini(text, path)


class SharedConfig:
    """The config and credentials files of one invocation, read on first use."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ
        self._profiles: dict[str, dict[str, Any]] | None = None
        self._credentials: dict[str, dict[str, Any]] | None = None

    # -- where ---------------------------------------------------------------------------------

    @property
    def config_file_setting(self) -> str:
        """As the AWS CLI names it (`configure list`): the variable's value, unexpanded."""
        return self.environ.get("AWS_CONFIG_FILE") or DEFAULT_CONFIG_FILE

    @property
    def config_path(self) -> str:
        return os.path.expanduser(self.config_file_setting)

    @property
    def credentials_path(self) -> str:
        setting = self.environ.get("AWS_SHARED_CREDENTIALS_FILE") or DEFAULT_CREDENTIALS_FILE
        return os.path.expanduser(setting)

    # -- what ----------------------------------------------------------------------------------

    def config_profiles(self) -> dict[str, dict[str, Any]]:
        """Profiles of the config file alone."""
        if self._profiles is None:
            profiles: dict[str, dict[str, Any]] = {}
            for section, values in _read(self.config_path).items():
                if section.startswith("profile"):
                    parts = section.split()
                    if len(parts) == 2 and parts[0] == "profile":
                        profiles[parts[1].strip("\"'")] = values
                elif section == "default":
                    profiles["default"] = values
            self._profiles = profiles
        return self._profiles

    def credential_profiles(self) -> dict[str, dict[str, Any]]:
        if self._credentials is None:
            self._credentials = _read(self.credentials_path)
        return self._credentials

    def profiles(self) -> dict[str, dict[str, Any]]:
        """Every profile, the credentials file's values joined to the config file's."""
        merged = {name: dict(values) for name, values in self.config_profiles().items()}
        for name, values in self.credential_profiles().items():
            merged.setdefault(name, {}).update(values)
        return merged

    def scoped(self, profile: str | None) -> dict[str, Any]:
        """The named profile's settings (ProfileNotFound if it is nowhere), or, with no profile
        named, the default profile's (none needed)."""
        profiles = self.profiles()
        if profile is None:
            return profiles.get("default", {})
        if profile not in profiles:
            raise ProfileNotFound(profile)
        return profiles[profile]


def named_profile(environ: Mapping[str, str], option: str | None) -> str | None:
    """--profile, then AWS_PROFILE, then AWS_DEFAULT_PROFILE (botocore's order); None if none."""
    return option or environ.get("AWS_PROFILE") or environ.get("AWS_DEFAULT_PROFILE") or None
