"""Start-up of two checkouts of awslocal, measured in pairs in one run (before/after a change).

    python benchmarks/compare_trees.py BEFORE_DIR AFTER_DIR [--runs N]

Each DIR is a checkout with its own virtual environment in DIR/.venv (`pip install -e DIR`).
For each command, the two trees run alternately (A B A B ...), each on a state directory of
its own prepared the same way (one SSE-KMS queue with messages, one key, one topic with a
queue subscribed), so machine drift hits both alike. Prints the median wall time of each and
the median of the per-pair ratios after/before.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

COMMANDS = {
    "--version": ["--version"],
    "sts get-caller-identity": ["sts", "get-caller-identity"],
    "sqs list-queues": ["sqs", "list-queues"],
    "sqs send-message": ["sqs", "send-message", "--queue-url", "{queue}", "--message-body", "hi"],
    "sqs receive-message": ["sqs", "receive-message", "--queue-url", "{queue}"],
    "kms describe-key": ["kms", "describe-key", "--key-id", "alias/bench"],
    "kms encrypt": ["kms", "encrypt", "--key-id", "alias/bench", "--plaintext", "aGVsbG8="],
    "sns list-topics": ["sns", "list-topics"],
    "sns publish": ["sns", "publish", "--topic-arn", "{topic}", "--message", "hi"],
}


def run(python: str, args: list[str], env: dict[str, str], *, capture: bool = False) -> str:
    done = subprocess.run(
        [python, "-m", "awslocal_cli", *args], env=env, check=True, text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return (done.stdout or "").strip()


def prepare(python: str, state: str) -> dict[str, str]:
    """One key with an alias, an SSE-KMS queue, a topic with that queue subscribed."""
    env = dict(os.environ, AWSLOCAL_STATE_DIR=state)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    key = run(python, ["kms", "create-key", "--query", "KeyMetadata.KeyId", "--output", "text"],
              env, capture=True)
    run(python, ["kms", "create-alias", "--alias-name", "alias/bench", "--target-key-id", key],
        env)
    queue = run(python, ["sqs", "create-queue", "--queue-name", "bench", "--query", "QueueUrl",
                         "--output", "text"], env, capture=True)
    topic = run(python, ["sns", "create-topic", "--name", "bench", "--query", "TopicArn",
                         "--output", "text"], env, capture=True)
    arn = run(python, ["sqs", "get-queue-attributes", "--queue-url", queue, "--attribute-names",
                       "QueueArn", "--query", "Attributes.QueueArn", "--output", "text"],
              env, capture=True)
    run(python, ["sns", "subscribe", "--topic-arn", topic, "--protocol", "sqs",
                 "--notification-endpoint", arn], env)
    return {"env_state": state, "queue": queue, "topic": topic}


def timed(python: str, args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    run(python, args, env)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    trees = {}
    for label, tree in (("before", args.before), ("after", args.after)):
        python = os.path.join(tree, ".venv", "bin", "python")
        state = tempfile.mkdtemp(prefix=f"awslocal-cmp-{label}-")
        values = prepare(python, state)
        env = dict(os.environ, AWSLOCAL_STATE_DIR=state)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        trees[label] = (python, env, values)
    bare = [sys.executable, "-c", "pass"]
    print(f"runs per command: {args.runs} pairs, Python {sys.version.split()[0]}")
    print(f"{'command':26} {'before ms':>10} {'after ms':>10} {'after/before':>13}")
    base = [0.0]
    for _ in range(args.runs):
        start = time.perf_counter()
        subprocess.run(bare, check=True)
        base.append(time.perf_counter() - start)
    for name, template in COMMANDS.items():
        samples: dict[str, list[float]] = {"before": [], "after": []}
        ratios = []
        for _ in range(args.runs):
            pair = {}
            for label, (python, env, values) in trees.items():
                argv = [a.format(**values) for a in template]
                pair[label] = timed(python, argv, env)
                samples[label].append(pair[label])
            ratios.append(pair["after"] / pair["before"])
        print(f"{name:26} {statistics.median(samples['before']) * 1000:10.1f} "
              f"{statistics.median(samples['after']) * 1000:10.1f} "
              f"{statistics.median(ratios):12.2f}x")
    print(f"python -c pass: {statistics.median(base[1:]) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
