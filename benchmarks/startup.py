"""Start-up cost of every common command against the bare interpreter, in paired runs.

    python benchmarks/startup.py [--pairs N] [--only SUBSTRING] [--no-imports] [--command SCRIPT]
                                 [--python VENV_PYTHON ...]

Each command is a fresh process, as users run it (the installed `awslocal` script when it sits
beside this interpreter or on PATH, else `python -m awslocal_cli`; --command names another
script, e.g. one for an older tree). For each command, N pairs
are run back to back: `python -c pass`, then the command (A B A B ...); the figure is the
median of the per-pair ratios, so load from other processes on a shared machine hits both
halves of a pair alike. Everything runs twice: without a config file, and with a
~/.aws/config holding a profile that the command uses (a temporary HOME, AWS_PROFILE set).
With --python (repeatable), every command runs under each of those interpreters in the same run
(each a virtual environment with awslocal installed, e.g. one resolved to the newest releases and
one to tests/constraints-oldest.txt), each against its own `python -c pass`, and the table has a
column per interpreter and setup, headed by its cryptography release.
The target (issue 13) is every ratio at most 2.5x. The CPU-time ratio (user + system, from
the children's rusage) is shown beside it: it moves less when other processes load the machine.

Unless --no-imports, each command is also run once under `python -X importtime` and the table
names the notable modules it imported (cryptography, click, typing, ...), untimed.
"""

from __future__ import annotations

import argparse
import base64
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TARGET = 2.5
# Modules worth naming when a command imports them: each costs milliseconds of start-up.
NOTABLE = (
    "cryptography",
    "click",
    "typing",
    "pathlib",
    "uuid",
    "re",
    "datetime",
    "configparser",
    "urllib",
    "ipaddress",
    "hashlib",
    "json",
    "sqlite3",
    "jmespath",
    "yaml",
    "platformdirs",
)
CONFIG = """[default]
region = us-east-1
output = json

[profile bench]
region = us-east-1
output = json
"""


def awslocal_command(python: str = sys.executable) -> list[str]:
    beside = os.path.join(os.path.dirname(python), "awslocal")
    if os.path.exists(beside):
        return [python, beside]
    exe = shutil.which("awslocal") if python == sys.executable else None
    return [python, exe] if exe else [python, "-m", "awslocal_cli"]


def cryptography_release(python: str) -> str:
    proc = subprocess.run(
        [python, "-c", "from importlib.metadata import version; print(version('cryptography'))"],
        capture_output=True, text=True,
    )
    return proc.stdout.strip() or "?"


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of `cmd`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.decode()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def capture(cmd: list[str], env: dict[str, str]) -> str:
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr}")
    return proc.stdout


def notable_imports(cmd: list[str], env: dict[str, str]) -> list[str]:
    proc = subprocess.run(
        [cmd[0], "-X", "importtime", *cmd[1:]], capture_output=True, text=True, env=env
    )
    seen = set()
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            seen.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return [m for m in NOTABLE if m in seen]


class Fixture:
    """The state the commands run against: a queue, a key, a topic with a queue subscribed."""

    def __init__(self, cli: list[str], env: dict[str, str]) -> None:
        import json

        self.cli, self.env = cli, env

        def call(*args: str) -> dict:
            return json.loads(capture([*cli, *args], env) or "{}")

        self.call = call
        self.queue_url = call("sqs", "create-queue", "--queue-name", "bench")["QueueUrl"]
        self.sink_url = call("sqs", "create-queue", "--queue-name", "bench-sink")["QueueUrl"]
        sink_arn = call(
            "sqs", "get-queue-attributes", "--queue-url", self.sink_url,
            "--attribute-names", "QueueArn",
        )["Attributes"]["QueueArn"]
        self.sink_arn = sink_arn
        self.key_id = call("kms", "create-key")["KeyMetadata"]["KeyId"]
        self.ciphertext = call(
            "kms", "encrypt", "--key-id", self.key_id,
            "--plaintext", base64.b64encode(b"hello").decode(),
        )["CiphertextBlob"]
        self.topic_arn = call("sns", "create-topic", "--name", "bench")["TopicArn"]
        call("sns", "subscribe", "--topic-arn", self.topic_arn, "--protocol", "sqs",
             "--notification-endpoint", sink_arn)
        self.counter = 0

    def unique(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}-{os.getpid()}-{self.counter}"

    def seed(self, n: int) -> None:
        """Messages for receive-message to take (each run hides one for 30 s)."""
        for start in range(0, n, 10):
            entries = [f"Id={i},MessageBody=seed{i}" for i in range(start, min(n, start + 10))]
            self.call("sqs", "send-message-batch", "--queue-url", self.queue_url,
                      "--entries", *entries)

    def receipt_handle(self) -> str:
        """A fresh receipt handle for delete-message (received untimed, before the run)."""
        self.call("sqs", "send-message", "--queue-url", self.queue_url, "--message-body", "del")
        got = self.call("sqs", "receive-message", "--queue-url", self.queue_url,
                        "--visibility-timeout", "600")
        return got["Messages"][0]["ReceiptHandle"]


def commands(f: Fixture) -> dict[str, object]:
    """Command name -> its argv after `awslocal`, or a callable making one per run."""
    q, k = f.queue_url, f.key_id
    return {
        "sts get-caller-identity": ["sts", "get-caller-identity"],
        "sqs list-queues": ["sqs", "list-queues"],
        "sqs get-queue-url": ["sqs", "get-queue-url", "--queue-name", "bench"],
        "sqs get-queue-attributes": ["sqs", "get-queue-attributes", "--queue-url", q,
                                     "--attribute-names", "All"],
        "sqs create-queue": lambda: ["sqs", "create-queue", "--queue-name", f.unique("q")],
        "sqs send-message (SSE-SQS)": ["sqs", "send-message", "--queue-url", q,
                                       "--message-body", "hello"],
        "sqs send-message-batch": ["sqs", "send-message-batch", "--queue-url", q, "--entries",
                                   "Id=a,MessageBody=one", "Id=b,MessageBody=two"],
        "sqs receive-message": ["sqs", "receive-message", "--queue-url", q],
        "sqs delete-message": lambda: ["sqs", "delete-message", "--queue-url", q,
                                       "--receipt-handle", f.receipt_handle()],
        "kms create-key": ["kms", "create-key"],
        "kms describe-key": ["kms", "describe-key", "--key-id", k],
        "kms encrypt": ["kms", "encrypt", "--key-id", k, "--plaintext", "aGVsbG8="],
        "kms decrypt": ["kms", "decrypt", "--ciphertext-blob", f.ciphertext],
        "kms generate-data-key": ["kms", "generate-data-key", "--key-id", k,
                                  "--key-spec", "AES_256"],
        "kms list-keys": ["kms", "list-keys"],
        "sns create-topic": lambda: ["sns", "create-topic", "--name", f.unique("t")],
        "sns subscribe": ["sns", "subscribe", "--topic-arn", f.topic_arn, "--protocol", "sqs",
                          "--notification-endpoint", f.sink_arn],
        "sns publish (1 queue subscribed)": ["sns", "publish", "--topic-arn", f.topic_arn,
                                             "--message", "hello"],
        "sns list-topics": ["sns", "list-topics"],
        "sqs send-message --help": ["sqs", "send-message", "--help"],
    }


def measure(cases: dict[str, object], cli: list[str], env: dict[str, str],
            pairs: int) -> dict[str, tuple[float, float, float, float]]:
    """name -> (median ms of the command, median ms of python -c pass, median pair ratio of
    wall times, median pair ratio of CPU times)."""
    base_cmd = [cli[0], "-c", "pass"]
    results = {}
    for name, argv in cases.items():
        make = argv if callable(argv) else (lambda argv=argv: argv)
        run(base_cmd, env)
        run([*cli, *make()], env)  # warm the page cache and the .pyc files
        ratios, cpu_ratios, cmd_t, base_t = [], [], [], []
        for _ in range(pairs):
            cmd = [*cli, *make()]  # built before the clock starts (delete-message receives)
            b, b_cpu = run(base_cmd, env)
            c, c_cpu = run(cmd, env)
            base_t.append(b)
            cmd_t.append(c)
            ratios.append(c / b)
            cpu_ratios.append(c_cpu / b_cpu if b_cpu else float("nan"))
        results[name] = (statistics.median(cmd_t) * 1000, statistics.median(base_t) * 1000,
                         statistics.median(ratios), statistics.median(cpu_ratios))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=15)
    parser.add_argument("--only", default="", help="only commands whose name holds this")
    parser.add_argument("--no-imports", action="store_true", help="skip the import listing")
    parser.add_argument("--command", help="the awslocal script to run (with this interpreter)")
    parser.add_argument("--python", action="append", default=[],
                        help="an interpreter with awslocal installed (repeat to compare)")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="awslocal-startup-")
    try:
        home_plain = os.path.join(tmp, "home-plain")
        home_config = os.path.join(tmp, "home-config")
        os.makedirs(home_plain)
        os.makedirs(os.path.join(home_config, ".aws"))
        with open(os.path.join(home_config, ".aws", "config"), "w") as f:
            f.write(CONFIG)
        base_env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("AWS_", "AWSLOCAL_"))}
        # Measure what users run: an installed package has its bytecode cached. (Some
        # sandboxes set PYTHONDONTWRITEBYTECODE, which would make every run recompile.)
        base_env.pop("PYTHONDONTWRITEBYTECODE", None)
        base_env["AWSLOCAL_STATE_DIR"] = os.path.join(tmp, "state")
        setups = {
            "no config file": dict(base_env, HOME=home_plain),
            "~/.aws/config, AWS_PROFILE=bench": dict(base_env, HOME=home_config,
                                                     AWS_PROFILE="bench"),
        }
        if args.python:
            clis = {f"cryptography {cryptography_release(py)}": awslocal_command(py)
                    for py in args.python}
        else:
            cli = [sys.executable, args.command] if args.command else awslocal_command()
            clis = {"": cli}
        cli = next(iter(clis.values()))
        fixture = Fixture(cli, setups["no config file"])
        cases = {n: a for n, a in commands(fixture).items() if args.only in n}
        fixture.seed((args.pairs + 1) * len(setups) * len(clis) + 5)
        results = {}
        for tree, tree_cli in clis.items():
            for label, env in setups.items():
                results[f"{tree}, {label}" if tree else label] = measure(
                    cases, tree_cli, env, args.pairs)
        imports = {}
        if not args.no_imports:
            env = setups["no config file"]
            for name, argv in cases.items():
                seen = []
                for tree_cli in clis.values():
                    argv_now = argv() if callable(argv) else argv
                    seen.append(", ".join(notable_imports([*tree_cli, *argv_now], env)) or "-")
                imports[name] = " / ".join(dict.fromkeys(seen))
        labels = list(results)
        print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, Python "
              f"{sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
              f"{os.getloadavg()[0]:.1f}; {args.pairs} pairs per command and setup")
        for tree, tree_cli in clis.items():
            print(f"command{' (' + tree + ')' if tree else ''}: "
                  f"{' '.join(tree_cli)} ...")
        bases = [r[1] for res in results.values() for r in res.values()]
        print(f"python -c pass: median {statistics.median(bases):.1f} ms\n")
        header = "| command | " + " | ".join(f"{lab}: ms, x pass (cpu x)" for lab in labels)
        print(header + (" | notable imports |" if imports else " |"))
        print("| --- " * (1 + len(labels) + bool(imports)) + "|")
        over = []
        for name in cases:
            cells = []
            for label in labels:
                ms, _, ratio, cpu_ratio = results[label][name]
                mark = "" if ratio <= TARGET else " !"
                cells.append(f"{ms:.1f} ms, **{ratio:.2f}x**{mark} ({cpu_ratio:.2f}x)")
                if ratio > TARGET:
                    over.append(f"{name} ({label})")
            row = f"| `{name}` | " + " | ".join(cells)
            if imports:
                row += " | " + imports[name]
            print(row + " |")
        print(f"\nwall-time ratio above {TARGET}x: {len(over)} of {len(cases) * len(labels)}"
              + (f" ({'; '.join(over)})" if over else ""))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
