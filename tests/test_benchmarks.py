"""The benchmarks still run: each script, in its smallest setting, prints its table.

A benchmark is a plain script nobody runs in CI for its figures (these machines are noisy), so
a change elsewhere could break one unnoticed (serve began verifying signatures, and the serve
benchmark's unsigned requests stopped it from starting). These runs check that the scripts
work and that what they print is a measurement, not that any figure is good.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("boto3")

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _run(*argv: str, timeout: float = 240) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AWSLOCAL_"))}
    proc = subprocess.run([sys.executable, *argv], capture_output=True, text=True, env=env,
                          timeout=timeout, cwd=BENCHMARKS.parent)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.stdout


def test_the_serve_benchmark_drives_a_verifying_server_with_signed_requests() -> None:
    pytest.importorskip("uvicorn")
    out = _run(str(BENCHMARKS / "serve.py"), "--quick", "--no-moto", "--ops", "SendMessage",
               "--connections", "1", "--no-long-polls")
    assert "signatures verified" in out
    rows = re.findall(r"^SendMessage +1 +(\d+)/s +([\d.]+) +([\d.]+)(.*)$", out, re.M)
    assert len(rows) == 2, out  # raw clients, then boto3 clients
    for rate, p50, p99, rest in rows:
        assert int(rate) > 0 and 0 < float(p50) <= float(p99), out
        assert "err" not in rest, out  # a refused signature would be an error per request


def test_the_sdk_benchmark_prints_every_operation() -> None:
    out = _run(str(BENCHMARKS / "sdk.py"), "--calls", "5", "--depth", "10")
    for op in ("Receive+Delete", "SendMessage", "KMS Encrypt", "SNS Publish"):
        assert re.search(rf"^{re.escape(op)} +[\d.]+ ms +\d+/s", out, re.M), out
