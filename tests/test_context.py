"""The Context's view of ~/.aws/config: the region of a profile, as configparser reads it."""

from __future__ import annotations

import configparser

import pytest

from awslocal_cli.context import read_profile_region
from awslocal_cli.errors import ConfigurationError

CONFIGS = [
    "[default]\nregion = eu-west-1\n",
    "[default]\nregion=eu-west-1\noutput = json\n\n[profile dev]\nregion = ap-south-1\n",
    "# a comment\n; another\n[profile dev]\nRegion : us-west-2\n",
    "[profile dev]\nregion = \n",
    "[profile dev]\noutput = json\n",
    "[profile dev]\r\nregion = eu-north-1\r\n",
    "[profile dev]\nregion = eu-west-2 # not a comment to configparser\n",
    "[profile dev]\nregion = eu-west-1\n  continued\n",
    "[DEFAULT]\nregion = eu-central-1\n[profile dev]\noutput = json\n",
    "[profile dev]\nregion = eu-west-1\nregion = eu-west-2\n",
    "[profile dev]\nregion = eu-west-1\n[profile dev]\nregion = eu-west-2\n",
    "region = eu-west-1\n[profile dev]\n",
    "[profile dev]\njust words\n",
    "[profile dev]\n= eu-west-1\n",
    "[profile dev] trailing\nregion = eu-west-1\n",
    "[ profile dev ]\nregion = eu-west-1\n",
    "[profile dev]\n\tregion = eu-west-1\n",
    "",
]


def _configparser_answer(text: str, profile: str) -> str | type[Exception] | None:
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(text)
    except configparser.Error:
        return ConfigurationError
    section = "default" if profile == "default" else f"profile {profile}"
    if parser.has_section(section) and parser.has_option(section, "region"):
        return parser.get(section, "region").strip() or None
    return None


@pytest.mark.parametrize("text", CONFIGS)
@pytest.mark.parametrize("profile", ["default", "dev"])
def test_profile_region_reads_as_configparser_does(tmp_path, text: str, profile: str) -> None:
    path = tmp_path / "config"
    path.write_bytes(text.encode())
    env = {"AWS_CONFIG_FILE": str(path)}
    expected = _configparser_answer(text, profile)
    if expected is ConfigurationError:
        with pytest.raises(ConfigurationError, match="Unable to parse config file"):
            read_profile_region(profile, env)
    else:
        assert read_profile_region(profile, env) == expected


def test_missing_config_file_has_no_region(tmp_path) -> None:
    assert read_profile_region("default", {"AWS_CONFIG_FILE": str(tmp_path / "none")}) is None
