"""Start-up cost of awslocal against the bare interpreter, measured alternately in one run.

    python benchmarks/startup.py [--runs N]

Prints the median wall time of `python -c pass`, `awslocal --version` and
`awslocal sts get-caller-identity` (each a fresh process, as users run them) and their ratios
to the bare interpreter; the target is a full invocation within 2.5x. Also lists which heavy
modules each command imported (none of cryptography, jmespath, yaml, tabulate for these).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HEAVY = ("cryptography", "jmespath", "yaml", "tabulate", "click", "botocore", "platformdirs")


def awslocal_command() -> list[str]:
    exe = shutil.which("awslocal")
    return [exe] if exe else [sys.executable, "-m", "awslocal_cli"]


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
    return time.perf_counter() - start


def heavy_imports(args: list[str], env: dict[str, str]) -> list[str]:
    code = (
        "import sys\nfrom awslocal_cli.cli.main import run\n"
        f"import io, contextlib\nbuf = io.StringIO()\n"
        f"with contextlib.redirect_stdout(buf):\n    run({args!r})\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True)
    lines = out.stdout.strip().splitlines()
    return [m for m in (lines[-1] if lines else "").split(",") if m]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    state = tempfile.mkdtemp(prefix="awslocal-bench-")
    env = dict(os.environ, AWSLOCAL_STATE_DIR=state)
    # Measure what users run: an installed package has its bytecode cached. (Some sandboxes set
    # PYTHONDONTWRITEBYTECODE, which would make every run recompile every module.)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cases = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "awslocal --version": [*awslocal_command(), "--version"],
        "awslocal sts get-caller-identity": [*awslocal_command(), "sts", "get-caller-identity"],
    }
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for cmd in cases.values():  # warm the page cache and .pyc files
        timed(cmd, env)
    for _ in range(args.runs):
        for name, cmd in cases.items():  # alternate, so drift hits every case alike
            samples[name].append(timed(cmd, env))
    base = statistics.median(samples["python -c pass"])
    print(f"runs per case: {args.runs} (alternating), Python {sys.version.split()[0]}")
    print(f"{'case':40} {'median ms':>10} {'ratio':>7}")
    for name, xs in samples.items():
        med = statistics.median(xs)
        print(f"{name:40} {med * 1000:10.1f} {med / base:7.2f}x")
    for argv in (["--version"], ["sts", "get-caller-identity"]):
        mods = heavy_imports(argv, env)
        print(f"heavy imports for {' '.join(argv)!r}: {', '.join(mods) or 'none'}")
    shutil.rmtree(state, ignore_errors=True)


if __name__ == "__main__":
    main()
