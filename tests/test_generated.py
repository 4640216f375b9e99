"""Generated files (schema doc, shell completions) match the code that generates them."""

from __future__ import annotations

import importlib.util
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "tools" / "gen_docs.py")
gen_docs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen_docs)


def test_schema_doc_is_fresh():
    assert (ROOT / "state" / "SCHEMA.md").read_text(encoding="utf-8") == (
        gen_docs.schema_markdown()
    ), "state/SCHEMA.md is stale: run python tools/gen_docs.py"


@pytest.mark.parametrize("shell", sorted(gen_docs.SHELLS))
def test_completion_scripts_are_fresh(shell):
    path = ROOT / "completions" / gen_docs.SHELLS[shell]
    assert path.read_text(encoding="utf-8") == gen_docs.completion_script(shell), (
        f"{path} is stale: run python tools/gen_docs.py"
    )


def test_completion_answers_operations_and_options(monkeypatch, capsys):
    import subprocess
    import sys

    env = {"_AWSLOCAL_COMPLETE": "bash_complete", "COMP_WORDS": "awslocal sts get-c",
           "COMP_CWORD": "2"}
    import os

    out = subprocess.run([sys.executable, "-m", "awslocal_cli"], env={**os.environ, **env},
                         capture_output=True, text=True, cwd=ROOT)
    assert "get-caller-identity" in out.stdout
