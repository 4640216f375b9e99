"""The AWS CLI's own documented examples for kms, sqs and sns, run as written (issue 23).

Every `aws kms|sqs|sns ...` command of the reference CLI's bundled examples
(../shared/tools/aws-cli-v2/awscli/examples/{kms,sqs,sns}/*.rst) runs on a fresh state seeded
with state/examples/aws-docs.yaml, in us-west-2 (the region the seed and most examples use),
in a working directory that holds the input files the example's page shows (`Input file
(send-message.json)::`), so `file://` inputs resolve as they would for a reader who saved them.
tests/portable/doc_examples_covered.txt lists exactly the examples that succeed; the README's
claim quotes its counts. After a change to the seed or the tool:
`python tools/doc_examples.py --write` rewrites the list (review its diff).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT.parent / "shared" / "tools" / "aws-cli-v2" / "awscli" / "examples"
SEED = ROOT / "state" / "examples" / "aws-docs.yaml"
COVERED = Path(__file__).with_name("doc_examples_covered.txt")
SERVICES = ("kms", "sqs", "sns")
_INPUT = re.compile(r"\(\s*([\w.-]+\.(?:json|txt|yaml|yml|xml|bin|pem))\s*\)\s*::\s*$")


def _literal_blocks(lines: list[str]) -> list[tuple[str, list[str]]]:
    """(the paragraph line that introduced it, its lines dedented) for every `::` block."""
    blocks, i = [], 0
    while i < len(lines):
        if lines[i].rstrip().endswith("::"):
            intro, i = lines[i], i + 1
            while i < len(lines) and not lines[i].strip():
                i += 1
            body = []
            while i < len(lines) and (not lines[i].strip() or lines[i][:1] in (" ", "\t")):
                body.append(lines[i])
                i += 1
            while body and not body[-1].strip():
                body.pop()
            indent = min((len(b) - len(b.lstrip()) for b in body if b.strip()), default=0)
            blocks.append((intro, [b[indent:] for b in body]))
        else:
            i += 1
    return blocks


def examples() -> list[tuple[str, str, dict[str, str]]]:
    """(id `service/page.rst#n`, the command line as the page shows it (continuations joined,
    pipes and redirections kept), {input file name: text}) of every example."""
    found = []
    for service in SERVICES:
        for page in sorted((EXAMPLES / service).glob("*.rst")):
            blocks = _literal_blocks(page.read_text(encoding="utf-8").splitlines())
            inputs = {m.group(1): "\n".join(body) + "\n" for intro, body in blocks
                      if (m := _INPUT.search(intro))}
            n = 0
            for _, body in blocks:
                text = re.sub(r"\\\n\s*", " ", "\n".join(body))
                for line in text.splitlines():
                    if line.startswith(f"aws {service} "):
                        n += 1
                        found.append((f"{service}/{page.name}#{n}", line, inputs))
    return found


def awslocal_argv() -> list[str]:
    """How a shell runs awslocal here: the console script beside this interpreter, else -m."""
    script = Path(sys.executable).with_name("awslocal")
    return [sys.executable, str(script)] if script.exists() else [
        sys.executable, "-m", "awslocal_cli"]


def run_all(env: dict[str, str], errors: dict[str, str] | None = None) -> dict[str, int]:
    """id -> exit status of each example, run by bash as the page writes it (`aws` is
    awslocal) on a fresh copy of a seeded state, region us-west-2, with the page's input files
    in the working directory; the first line of each failure's stderr goes into `errors`."""
    import tempfile

    aws = " ".join(shlex.quote(a) for a in awslocal_argv())
    results = {}
    with tempfile.TemporaryDirectory(prefix="awslocal-docs-") as tmp:
        template = Path(tmp) / "template"
        base = {**env, "AWS_REGION": "us-west-2", "AWS_PAGER": ""}
        seeded = subprocess.run([*awslocal_argv(), "local", "seed", str(SEED)],
                                env={**base, "AWSLOCAL_STATE_DIR": str(template)},
                                capture_output=True, text=True, timeout=120)
        assert seeded.returncode == 0, f"the docs seed does not apply: {seeded.stderr}"
        for n, (name, command, inputs) in enumerate(examples()):
            work = Path(tmp) / f"ex{n}"
            work.mkdir()
            state = work / "state"
            shutil.copytree(template, state)
            for file_name, text in inputs.items():
                (work / file_name).write_text(text, encoding="utf-8")
            script = f"aws() {{ {aws} \"$@\"; }}\n{command}\n"
            done = subprocess.run(["bash", "-o", "pipefail", "-c", script], cwd=work,
                                  env={**base, "AWSLOCAL_STATE_DIR": str(state)},
                                  capture_output=True, text=True, timeout=120)
            results[name] = done.returncode
            if done.returncode and errors is not None:
                errors[name] = next((ln for ln in done.stderr.splitlines() if ln.strip()), "")
            shutil.rmtree(work, ignore_errors=True)
    return results


def covered() -> set[str]:
    return {line.strip() for line in COVERED.read_text().splitlines()
            if line.strip() and not line.startswith("#")}


def counts(names: set[str]) -> dict[str, tuple[int, int]]:
    every = [name for name, _, _ in examples()]
    return {s: (sum(n.startswith(s + "/") for n in names),
                sum(n.startswith(s + "/") for n in every)) for s in SERVICES}


@pytest.mark.needs_aws_v2
def test_exactly_the_listed_documented_examples_run(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AWSLOCAL_"))}
    env.update(HOME=str(tmp_path), AWS_CONFIG_FILE=str(tmp_path / "config"),
               AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "credentials"))
    ran = run_all(env)
    assert len(ran) > 100  # the extraction found the pages' commands
    ok = {name for name, code in ran.items() if code == 0}
    listed = covered()
    assert sorted(ok - listed) == [], "examples that now run: add them (tools/doc_examples.py)"
    assert sorted(listed - ok) == [], "listed examples that no longer run"


@pytest.mark.needs_aws_v2
def test_the_readme_quotes_the_covered_counts():
    text = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    for service, (ok, total) in counts(covered()).items():
        assert f"{service} {ok} of {total}" in text, (service, ok, total)


def test_the_extractor_reads_commands_continuations_and_input_files(tmp_path):
    page = (
        "**To send**\n\nCommand::\n\n  aws sqs send-message --queue-url URL \\\n"
        "      --message-attributes file://attrs.json\n\nInput file (attrs.json)::\n\n"
        "  {\"a\": 1}\n\nOutput::\n\n  {}\n"
    )
    blocks = _literal_blocks(page.splitlines())
    assert blocks[0][1] == [
        "aws sqs send-message --queue-url URL \\", "    --message-attributes file://attrs.json"]
    assert _INPUT.search(blocks[1][0]).group(1) == "attrs.json"


