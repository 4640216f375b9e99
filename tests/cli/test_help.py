"""Help pages: the AWS CLI's layout at every level, our models' facts, a working example each.

The examples (awslocal_cli/cli/examples.py) are run here, each against a fresh state, line by
line as a user would type them: `awslocal ...` lines in-process, `VAR=$(awslocal ...)` lines
capture stdout into VAR, and lines with pipes, redirections or other programs (openssl) through
a real bash with this environment's `awslocal` on PATH.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from awslocal_cli import install
from awslocal_cli.cli import help as helppages
from awslocal_cli.cli.examples import all_examples
from awslocal_cli.cli.operation import Operation, implemented_operations
from awslocal_cli.model import SERVICES

SECTIONS = ("NAME", "DESCRIPTION", "SYNOPSIS", "OPTIONS", "OUTPUT", "EXAMPLES", "AWSLOCAL NOTES")
OPERATIONS = [(s, op) for s in SERVICES for op in sorted(implemented_operations(s).values())]
BIN = Path(sys.executable).parent


def _headings(text: str) -> list[str]:
    return [line for line in text.splitlines() if line and not line[0].isspace()]


@pytest.fixture
def no_botocore(monkeypatch):
    monkeypatch.setitem(sys.modules, "botocore", None)
    monkeypatch.setattr(helppages, "_docs", {})


@pytest.mark.parametrize(("service", "operation"), OPERATIONS)
def test_every_operation_has_a_page_in_the_aws_layout(service, operation, no_botocore):
    text = helppages.operation_page(service, operation, width=80)
    headings = _headings(text)
    assert [h for h in headings if h in SECTIONS] == list(SECTIONS)
    op = Operation(service, operation)
    for spec in op.specs.values():
        assert f"--{spec.option}" in text
    assert helppages.DOCS_HINT in " ".join(text.split())
    assert "awslocal " in text.split("\nEXAMPLES\n")[1]


def test_every_local_command_has_a_page():
    from awslocal_cli.cli.local import local

    def walk(group: click.Group, path: list[str]):
        ctx = click.Context(group)
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            yield [*path, name], command
            if isinstance(command, click.Group):
                yield from walk(command, [*path, name])

    seen = 0
    for path, command in walk(local, []):
        assert (command.help or "").strip(), f"awslocal local {' '.join(path)} has no help"
        text = helppages.click_page(path, width=80)
        headings = _headings(text)
        for section in ("NAME", "DESCRIPTION", "SYNOPSIS", "EXAMPLES"):
            assert section in headings, (path, text)
        assert "awslocal local" in text.split("\nEXAMPLES\n")[1]
        seen += 1
    assert seen >= 8


def test_help_without_botocore_shows_our_models_facts(awslocal, no_botocore):
    result = awslocal("kms", "create-key", "help")
    assert result.exit_code == 0, result
    text = result.stdout
    key_spec = text.split("--key-spec (string)")[1].split("\n       --")[0]
    assert "o ECC_NIST_P256" in key_spec and "o SYMMETRIC_DEFAULT" in key_spec
    assert "Constraints: length 0 to 8192" in text  # --description
    assert install.pip_command("docs") in " ".join(text.split())
    assert "KeyMetadata -> (structure)" in text.split("\nOUTPUT\n")[1]
    random = awslocal("kms", "generate-random", "help").stdout
    assert "Constraints: value 1 to 1024" in random
    queue = awslocal("sqs", "get-queue-url", "help").stdout
    assert "--queue-name (string) [required]" in queue


def test_help_with_botocore_shows_aws_text_without_html(awslocal):
    pytest.importorskip("botocore")
    import botocore.loaders

    # AWS's text is never copied into this repository, not even here: read what to expect.
    docs = botocore.loaders.Loader().load_service_model("sqs", "service-2")
    operation = helppages.html_to_text(
        docs["operations"]["SendMessage"]["documentation"], "", 10**6)
    member = helppages.html_to_text(
        docs["shapes"]["SendMessageRequest"]["members"]["QueueUrl"]["documentation"], "", 10**6)
    text = awslocal("sqs", "send-message", "--help").stdout
    flat = " ".join(text.split())
    assert operation.split("\n")[0] in flat
    assert member.split("\n")[0] in flat
    assert "<p>" not in text and "<code>" not in text and "&quot;" not in text
    assert "pip install" not in text


def test_notes_come_from_the_service_docstring(awslocal):
    text = awslocal("kms", "create-custom-key-store", "help").stdout
    notes = " ".join(text.split("\nAWSLOCAL NOTES\n")[1].split())
    assert "Departs from AWS: no cluster or proxy exists" in notes


@pytest.mark.parametrize(
    ("args", "title"),
    [
        (["help"], "AWSLOCAL()"),
        (["--help"], "AWSLOCAL()"),
        (["sqs", "help"], "SQS()"),
        (["sqs", "--help"], "SQS()"),
        (["sqs", "send-message", "help"], "SEND-MESSAGE()"),
        (["sqs", "send-message", "--queue-url", "x", "--help"], "SEND-MESSAGE()"),
        (["local", "help"], "LOCAL()"),
        (["local", "clock", "advance", "--help"], "ADVANCE()"),
        (["--region", "eu-west-1", "kms", "help"], "KMS()"),
    ],
)
def test_help_at_every_level(awslocal, args, title):
    result = awslocal(*args)
    assert result.exit_code == 0, result
    assert result.stdout.startswith(title)
    assert result.stderr == ""


def test_root_page_lists_services_and_global_options(awslocal):
    text = awslocal("help").stdout
    listed = text.split("\nAVAILABLE SERVICES\n")[1].split("\nEXAMPLES\n")[0]
    names = [line.split()[1].rstrip(":") for line in listed.splitlines() if line.strip()]
    assert names == [*SERVICES, "local", "serve"]
    options = text.split("\nGLOBAL OPTIONS\n")[1]
    assert "--output (string)" in options and "o yaml-stream" in options


def test_unknown_operation_help_is_a_usage_error(awslocal):
    result = awslocal("sqs", "send-mesage", "help")
    assert result.exit_code == 252
    assert "Found invalid choice 'send-mesage'" in result.stderr
    assert "send-message" in result.stderr


def test_pager_on_a_terminal(awslocal, monkeypatch, tmp_path):
    out = tmp_path / "paged.txt"
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    from awslocal_cli.cli.options import GlobalOptions

    opts = GlobalOptions()
    monkeypatch.setenv("AWS_PAGER", f"cat > {shlex.quote(str(out))}")
    helppages.show(["sts", "--help"], opts)
    assert out.read_text().startswith("STS()")
    out.unlink()
    opts.given.add("--no-cli-pager")
    helppages.show(["sts", "--help"], opts)
    assert not out.exists()
    monkeypatch.setenv("AWS_PAGER", "")  # an empty AWS_PAGER turns paging off, as in the AWS CLI
    helppages.show(["sts", "--help"], GlobalOptions())
    assert not out.exists()


def test_pager_on_a_real_terminal(tmp_path):
    """Through a pseudo-terminal: the page goes to $PAGER (here a script that marks it)."""
    pty = pytest.importorskip("pty")
    marker = tmp_path / "pager.sh"
    marker.write_text("#!/bin/sh\necho PAGED-BY-PAGER; head -1\n")
    marker.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "AWS_PAGER"}
    env["PAGER"] = str(marker)
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.execve(sys.executable, [sys.executable, "-m", "awslocal_cli", "sts", "help"], env)
    chunks = []
    while True:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.waitpid(pid, 0)
    seen = b"".join(chunks).decode()
    assert "PAGED-BY-PAGER" in seen and "STS()" in seen


def test_help_imports_no_cryptography():
    code = (
        "import sys\n"
        "from awslocal_cli.cli.main import run\n"
        "assert run(['kms', 'create-key', 'help']) == 0\n"
        "assert run(['sqs', 'help']) == 0\n"
        "bad = [m for m in ('cryptography', 'jmespath', 'yaml', 'tabulate') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# -- the examples work ------------------------------------------------------------------------

EXAMPLES = all_examples()
_ASSIGN = re.compile(r"([A-Z_]+)=\$\((.*)\)")


def _expand(text: str, values: dict[str, str]) -> str:
    """$NAME outside single quotes -> its value, as bash expands it."""
    out, quoted, i = [], False, 0
    while i < len(text):
        c = text[i]
        if c == "'" :
            quoted = not quoted
        if c == "$" and not quoted:
            m = re.match(r"\$([A-Z_]+)", text[i:])
            if m:
                out.append(values[m.group(1)])
                i += len(m.group(0))
                continue
        out.append(c)
        i += 1
    return "".join(out)


def _needs_shell(command: str) -> bool:
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    tokens = list(lexer)
    return tokens[0] != "awslocal" or any(t in ("|", ">", "<", ";", "&&") for t in tokens)


def run_script(lines: list[str], awslocal, cwd: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in lines:
        m = _ASSIGN.fullmatch(line)
        target, command = (m.group(1), m.group(2)) if m else (None, line)
        if _needs_shell(command):
            if shutil.which("awslocal", path=str(BIN)) is None:
                pytest.skip("no awslocal console script beside this interpreter")
            if "openssl" in command and shutil.which("openssl") is None:
                pytest.skip("openssl is not installed")
            env = {**os.environ, **values, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
            done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", command], cwd=cwd,
                                  env=env, capture_output=True, text=True)
            assert done.returncode == 0, (line, done.stdout, done.stderr)
            stdout = done.stdout
        else:
            args = shlex.split(_expand(command, values))
            result = awslocal(*args[1:])
            assert result.exit_code == 0, (line, result)
            stdout = result.stdout
        if target:
            values[target] = stdout.strip()
            assert values[target] and values[target] != "None", (line, stdout)
    return values


@pytest.mark.parametrize("key", sorted(EXAMPLES), ids=lambda k: f"{k[0]}-{k[1]}")
def test_example_works_on_a_fresh_state(key, awslocal, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run_script(EXAMPLES[key].script(), awslocal, tmp_path)
