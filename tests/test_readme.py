"""Every shell snippet of README.md runs, twice in a row, on one temporary state; and each one
also runs alone, on a fresh state of its own, as a reader who jumps to a section runs it.

How blocks are picked (keep this in mind when adding README sections):
- a fenced block whose info string is `sh` is run, in order, each one twice in a row, with
  `bash -e -o pipefail` in a temporary directory that looks like the checkout (a link to each
  of its top-level entries, so `state/examples/...` resolves, while files a snippet writes stay
  in the temporary directory), this environment's `awslocal` first on PATH and
  AWSLOCAL_STATE_DIR pointing at one temporary state shared by all blocks. Indented fences
  (inside list items) count too.
- a block whose first line is `# readme-test: skip (reason)` is shown to readers but not run:
  use it for what installs packages, edits shell start-up files, needs the network (HTTPS
  endpoints) or runs this suite. Other fences (`json`, `python`, `console`, `text`) are never
  run.
- a block whose first line is `# readme-test: serve` (`sh`, `python` or `hcl`) belongs to the
  `awslocal serve` examples: those run, in order and each twice, in their own test, on a state
  and credentials files of their own, against one `awslocal serve` on a free port (every
  `127.0.0.1:4566` in them is rewritten to it) started just before the first of them that names
  it. `sh` blocks get an `aws` first on PATH (the AWS CLI v1 of AWSLOCAL_TEST_AWSCLI1, else the
  reference v2 beside the checkout, else one on PATH; the test is skipped without any), `python`
  blocks run with this interpreter (boto3), and an `hcl` block is applied with `terraform` when
  it and an offline mirror of the hashicorp/aws provider (AWSLOCAL_TEST_TERRAFORM_MIRROR, else
  /opt/tf-plugins) are present.
So a snippet must be self-sufficient (it makes the queues, keys and topics it uses, or says
what it needs), idempotent (names that CreateQueue/CreateTopic accept twice, or an explicit
`awslocal local reset --yes` where it says so) and must not fail: where a command is meant to
be refused, the snippet says what happens (`|| echo ...`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BIN = Path(sys.executable).parent
SKIP = "# readme-test: skip"
SERVE = "# readme-test: serve"
README_ENDPOINT = "127.0.0.1:4566"
FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<info>[^`\s]*)[ \t]*$")


def blocks(text: str) -> list[tuple[int, str, str]]:
    """(line number, info string, body) of every fenced block, indentation removed."""
    found = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, info, start = m.group("indent"), m.group("info"), i + 1
        body = []
        i += 1
        while i < len(lines) and lines[i].strip() != "```":
            line = lines[i]
            body.append(line[len(indent):] if line.startswith(indent) else line.lstrip())
            i += 1
        found.append((start, info, "\n".join(body) + "\n"))
        i += 1
    return found


def snippets() -> list[tuple[int, str]]:
    return [
        (line, body)
        for line, info, body in blocks(README.read_text(encoding="utf-8"))
        if info == "sh" and not body.lstrip().startswith((SKIP, SERVE))
    ]


def serve_snippets() -> list[tuple[int, str, str]]:
    return [
        (line, info, body)
        for line, info, body in blocks(README.read_text(encoding="utf-8"))
        if info in ("sh", "python", "hcl") and body.lstrip().startswith(SERVE)
    ]


def test_the_extractor_sees_indented_and_skipped_blocks():
    text = "a\n```sh\necho 1\n```\n- item\n\n  ```sh\n  echo 2\n  ```\n```sh\n# readme-test: " \
           "skip (network)\ncurl x\n```\n```json\n{}\n```\n"
    found = blocks(text)
    assert [(info, body) for _, info, body in found] == [
        ("sh", "echo 1\n"), ("sh", "echo 2\n"), ("sh", "# readme-test: skip (network)\ncurl x\n"),
        ("json", "{}\n")]
    assert len(snippets()) >= 6


def _sandbox(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A working directory that looks like the checkout, and an environment on a fresh state."""
    if shutil.which("awslocal", path=str(BIN)) is None:
        pytest.skip("no awslocal console script beside this interpreter")
    work = tmp_path / "work"
    work.mkdir()
    for entry in ROOT.iterdir():
        if entry.name not in (".git", ".venv", ".venv-ci") and not entry.name.startswith("."):
            (work / entry.name).symlink_to(entry)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AWSLOCAL_"))}
    env.update(
        PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        AWSLOCAL_STATE_DIR=str(tmp_path / "state"),
        AWS_CONFIG_FILE=str(tmp_path / "aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "aws-credentials"),
        HOME=str(tmp_path),
        AWS_PAGER="",
    )
    return work, env


def _run(line: int, body: str, work: Path, env: dict[str, str], what: str) -> None:
    done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", body], cwd=work,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, (
        f"README.md line {line}, {what} failed ({done.returncode}):\n{body}\n"
        f"stdout:\n{done.stdout[-2000:]}\nstderr:\n{done.stderr[-2000:]}"
    )


def test_readme_snippets_run_twice(tmp_path):
    work, env = _sandbox(tmp_path)
    for line, body in snippets():
        for attempt in (1, 2):
            _run(line, body, work, env, f"run {attempt}")


@pytest.mark.parametrize(("line", "body"), snippets(), ids=lambda v: str(v)[:20])
def test_each_readme_snippet_runs_alone_on_a_fresh_state(tmp_path, line, body):
    work, env = _sandbox(tmp_path)
    _run(line, body, work, env, "alone on a fresh state")


def _aws_cli(tmp: Path) -> Path | None:
    """A directory holding an `aws` for the serve snippets, or None when there is no AWS CLI."""
    shim = tmp / "aws-bin"
    shim.mkdir()
    v1 = os.environ.get("AWSLOCAL_TEST_AWSCLI1", "")
    v2 = Path(os.environ.get("AWSLOCAL_TEST_AWSV2") or ROOT.parent / "shared/tools/aws-v2")
    venv = Path(os.environ.get("AWS_V2_VENV") or Path.home() / ".cache/aws-cli-v2-venv")
    if v1 and os.access(v1, os.X_OK):
        command = f'exec "{v1}" "$@"'
    elif v2.exists() and (venv / ".ready").exists():
        # The reference v2 without its wrapper, which would set placeholder keys in the
        # environment (they win over AWS_PROFILE).
        source = v2.parent / "aws-cli-v2"
        command = f'PYTHONPATH="{source}" exec "{venv}/bin/python" "{source}/bin/aws" "$@"'
    elif shutil.which("aws"):
        command = f'exec "{shutil.which("aws")}" "$@"'
    else:
        return None
    (shim / "aws").write_text(f"#!/bin/sh\n{command}\n")
    (shim / "aws").chmod(0o755)
    return shim


def _terraform_mirror() -> Path | None:
    mirror = Path(os.environ.get("AWSLOCAL_TEST_TERRAFORM_MIRROR") or "/opt/tf-plugins")
    if shutil.which("terraform") and (mirror / "registry.terraform.io/hashicorp/aws").is_dir():
        return mirror
    return None


def test_readme_serve_snippets_run_twice(tmp_path):
    if shutil.which("awslocal", path=str(BIN)) is None:
        pytest.skip("no awslocal console script beside this interpreter")
    pytest.importorskip("uvicorn")
    pytest.importorskip("boto3")
    found = serve_snippets()
    assert [info for _, info, _ in found].count("hcl") == 1 and len(found) >= 5
    shim = _aws_cli(tmp_path)
    if shim is None:
        pytest.skip("no AWS CLI (AWSLOCAL_TEST_AWSCLI1, the reference v2, or aws on PATH)")
    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AWSLOCAL_"))}
    env.update(
        PATH=f"{shim}{os.pathsep}{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        AWSLOCAL_STATE_DIR=str(tmp_path / "state"),
        AWS_CONFIG_FILE=str(tmp_path / "aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "aws-credentials"),
        HOME=str(tmp_path),
        AWS_PAGER="",
    )
    server = None
    endpoint = README_ENDPOINT
    try:
        for line, info, body in found:
            if server is None and README_ENDPOINT in body:
                server = subprocess.Popen(
                    [str(BIN / "awslocal"), "serve", "--port", "0"], env=env,
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                started = server.stdout.readline()
                assert started.startswith("awslocal serve: listening on http://"), (
                    started + server.stderr.read())
                endpoint = started.split("http://", 1)[1].split(" ", 1)[0]
            body = body.replace(README_ENDPOINT, endpoint)
            for attempt in (1, 2):
                if info == "sh":
                    argv = ["bash", "-e", "-o", "pipefail", "-c", body]
                elif info == "python":
                    argv = [sys.executable, "-c", body]
                else:
                    argv = _terraform(tmp_path, body, env)
                    if argv is None:
                        break
                done = subprocess.run(argv, cwd=work, env=env, capture_output=True, text=True,
                                      timeout=300)
                assert done.returncode == 0, (
                    f"README.md line {line}, run {attempt} failed ({done.returncode}):\n{body}\n"
                    f"stdout:\n{done.stdout[-2000:]}\nstderr:\n{done.stderr[-2000:]}"
                )
                if "a-guess" in body:  # the Security section's refused request
                    assert "InvalidSignatureException" in done.stdout + done.stderr
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
            server.stdout.close()
            server.stderr.close()
    assert server is not None
    listed = subprocess.run([str(BIN / "awslocal"), "sqs", "list-queues", "--output", "text"],
                            env=env, capture_output=True, text=True, timeout=60)
    assert "/123456789012/orders" in listed.stdout
    if _terraform_mirror() is not None:  # the Terraform example made its topic
        topics = subprocess.run([str(BIN / "awslocal"), "sns", "list-topics", "--output",
                                 "text"], env=env, capture_output=True, text=True, timeout=60)
        assert ":123456789012:orders" in topics.stdout


def _terraform(tmp: Path, body: str, env: dict) -> list[str] | None:
    """`terraform init && terraform apply` of the block, offline, or None without terraform."""
    mirror = _terraform_mirror()
    if mirror is None:
        return None
    directory = tmp / "terraform"
    directory.mkdir(exist_ok=True)
    (directory / "main.tf").write_text(body)
    config = tmp / "terraform.rc"
    config.write_text(
        'provider_installation {\n  filesystem_mirror {\n'
        f'    path    = "{mirror}"\n    include = ["registry.terraform.io/hashicorp/aws"]\n'
        '  }\n  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n')
    env["TF_CLI_CONFIG_FILE"] = str(config)
    env["CHECKPOINT_DISABLE"] = "1"
    return ["bash", "-e", "-c",
            f'cd "{directory}" && terraform init -input=false -no-color >/dev/null && '
            "terraform apply -auto-approve -input=false -no-color"]
