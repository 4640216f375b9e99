"""The install commands the tool prints work from where the user is (issue 24).

awslocal is installed from a checkout, a directory or a wheel, never from an index, so every hint
names this installation and this interpreter rather than `pip install 'awslocal-cli[...]'`.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from awslocal_cli import install

CHECKOUT = Path(__file__).resolve().parent.parent


def test_an_editable_checkout_is_named_by_its_path():
    url = {"url": "file:///home/you/src/awslocal", "dir_info": {"editable": True}}
    assert install.requirement("serve", url) == ["-e", "/home/you/src/awslocal[serve]"]


def test_a_directory_install_and_a_wheel_keep_their_form():
    directory = {"url": "file:///opt/my%20tools/awslocal", "dir_info": {}}
    assert install.requirement("sdk", directory) == ["/opt/my tools/awslocal[sdk]"]
    wheel = {"url": "file:///tmp/dist/awslocal_cli-0.1.0-py3-none-any.whl",
             "archive_info": {"hashes": {}}}
    assert install.requirement("docs", wheel) == [
        "awslocal-cli[docs] @ file:///tmp/dist/awslocal_cli-0.1.0-py3-none-any.whl"
    ]


def test_an_index_install_names_the_project():
    assert install.requirement("serve", {}) == ["awslocal-cli[serve]"]


def test_the_command_names_this_interpreter_and_quotes_the_path():
    url = {"url": "file:///home/you/my%20src/awslocal", "dir_info": {"editable": True}}
    command = install.pip_command("serve", url)
    assert shlex.split(command) == [
        sys.executable, "-m", "pip", "install", "-e", "/home/you/my src/awslocal[serve]"
    ]


def test_this_test_environment_is_told_to_install_from_this_checkout():
    """The suite runs on an editable install of the checkout (README, .ci/run)."""
    args = shlex.split(install.pip_command("serve"))
    assert args[:4] == [sys.executable, "-m", "pip", "install"]
    target = args[-1]
    assert target.endswith("[serve]")
    if args[-2] == "-e":
        assert Path(target.removesuffix("[serve]")).resolve() == CHECKOUT
        assert (CHECKOUT / "pyproject.toml").is_file()


def test_serve_without_uvicorn_prints_a_command_that_installs_it(awslocal, monkeypatch):
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    result = awslocal("serve", "--port", "0")
    assert result.exit_code == 253, result  # a configuration error, as the AWS CLI's
    assert "awslocal serve needs uvicorn" in result.stderr
    assert install.pip_command("serve") in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("blocked", ["boto3", "none"])
def test_the_sdk_without_boto3_names_the_extra(blocked):
    code = (
        "import sys\n"
        + (f"sys.modules[{blocked!r}] = None\n" if blocked != "none" else "")
        + "try:\n"
        "    import awslocal_cli.sdk\n"
        "except ImportError as exc:\n"
        "    print(type(exc).__name__, exc.name, exc, sep='|')\n"
        "else:\n"
        "    print('imported')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    if blocked == "none":
        assert out == "imported"
        return
    kind, name, message = out.split("|", 2)
    assert (kind, name) == ("ImportError", "boto3")
    assert "'sdk' extra" in message
    assert install.pip_command("sdk") in message
