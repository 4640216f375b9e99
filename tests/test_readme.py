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
        if info == "sh" and not body.lstrip().startswith(SKIP)
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
