"""The face of services/sqs/: every operation reachable, and a command loads only its module."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from awslocal_cli import model
from awslocal_cli.services import sqs


def test_every_operation_and_deliver_are_on_the_face():
    names = {model.snake_case(op) for op in model.operation_names("sqs").values()}
    assert len(names) == 23
    # Beside the operations: SNS's delivery, awslocal's inspection, the server's worker.
    extras = {"deliver", "inspect_message", "advance_tasks"}
    for name in names | extras:
        fn = getattr(sqs, name)
        assert callable(fn) and fn.__module__.startswith("awslocal_cli.services.sqs."), name
    assert sorted(sqs.__all__) == sorted(names | extras)


def _loaded_by(state: Path, argv: list[str]) -> set[str]:
    code = (
        "import io, contextlib, json, sys\nfrom awslocal_cli.cli.main import run\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = run({argv!r})\n"
        "print(json.dumps([code, sorted(sys.modules)]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"AWSLOCAL_STATE_DIR": str(state), "PATH": "",
                              "AWS_CONFIG_FILE": str(state.parent / "aws-config")})
    code, modules = json.loads(out.stdout.strip().splitlines()[-1])
    assert code in (0, None), out.stderr
    return set(modules)


def test_queue_commands_import_no_crypto_kms_or_policy(tmp_path: Path):
    state = tmp_path / "state"
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/q"
    _loaded_by(state, ["sqs", "create-queue", "--queue-name", "q"])
    for argv in (["sqs", "list-queues"],
                 ["sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "All"]):
        loaded = _loaded_by(state, argv)
        assert "awslocal_cli.services.sqs.queues" in loaded
        heavy = {m for m in loaded if m.split(".")[0] == "cryptography" or m in (
            "awslocal_cli.policy", "awslocal_cli.services.kms", "awslocal_cli.crypto",
            "awslocal_cli.services.sqs.send", "awslocal_cli.services.sqs.receive", "hashlib")}
        assert heavy == set(), (argv, heavy)
