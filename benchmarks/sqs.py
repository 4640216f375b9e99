"""SQS benchmarks: per-invocation latency, in-process throughput, receive cost against depth.

Run: python benchmarks/sqs.py [--quick]
Prints medians (and ratios) measured in this one run, on a temporary state directory, and how
long a long poll really waits, empty and when another process sends.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

from benchmarks_common import call, median_ms, time_subprocess

from awslocal_cli.context import Context
from awslocal_cli.services import kms, sqs
from awslocal_cli.services.sqs import md5
from awslocal_cli.services.sqs.lookup import find_queue
from awslocal_cli.store import sqs as store

ACCOUNT, REGION = "123456789012", "us-east-1"


def invocation_latency(state: str, runs: int) -> None:
    env = dict(os.environ, AWSLOCAL_STATE_DIR=state)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # measure with cached bytecode, as installed
    url = call(state, sqs.create_queue, QueueName="lat")["QueueUrl"]
    for _ in range(runs * 2):
        call(state, sqs.send_message, QueueUrl=url, MessageBody="seed")
    py = sys.executable
    base, _ = time_subprocess([py, "-c", "pass"], runs, env)
    print(f"python -c pass                         {base:8.1f} ms")
    cli = [py, "-m", "awslocal_cli", "sqs"]
    for name, args in (("send-message", ["--queue-url", url, "--message-body", "hello"]),
                       ("receive-message", ["--queue-url", url])):
        ms, ok = time_subprocess([*cli, name, *args], runs, env)
        note = "" if ok else "   (the CLI failed: not wired yet?)"
        print(f"awslocal sqs {name:<24}  {ms:8.1f} ms  x{ms / base:4.1f} of python -c pass{note}")
    # The same work without the CLI layer: the service call in a fresh process.
    for name, code in (
        ("send (service layer)", "sqs.send_message(ctx, QueueUrl=u, MessageBody='hello')"),
        ("receive (service layer)", "sqs.receive_message(ctx, QueueUrl=u)"),
    ):
        script = (
            "from awslocal_cli.context import Context\n"
            "from awslocal_cli.services import sqs\n"
            f"ctx = Context.from_options(state_dir={state!r})\n"
            f"u = {url!r}\n{code}\nctx.session.finish(True)\n"
        )
        ms, ok = time_subprocess([py, "-c", script], runs, env)
        print(f"{name:<38} {ms:8.1f} ms  x{ms / base:4.1f} of python -c pass")


def throughput(state: str, label: str, attributes: dict[str, str], n: int) -> None:
    url = call(state, sqs.create_queue, QueueName=f"tp-{uuid.uuid4().hex[:8]}",
               Attributes=attributes)["QueueUrl"]
    ctx = Context.from_options(state_dir=state, environ={})
    t = time.perf_counter()
    for i in range(n):
        sqs.send_message(ctx, QueueUrl=url, MessageBody=f"message {i} " + "x" * 100)
        if i % 100 == 99:
            ctx.session.checkpoint()
    ctx.session.finish(True)
    send_rate = n / (time.perf_counter() - t)
    t = time.perf_counter()
    done = 0
    while done < n:
        got = sqs.receive_message(ctx, QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not got:
            break
        sqs.delete_message_batch(ctx, QueueUrl=url, Entries=[
            {"Id": str(k), "ReceiptHandle": m["ReceiptHandle"]} for k, m in enumerate(got)])
        done += len(got)
        ctx.session.checkpoint()
    ctx.session.finish(True)
    recv_rate = done / (time.perf_counter() - t)
    ctx.session.close()
    print(f"{label:<10} send {send_rate:8.0f} msg/s   receive+delete (batches of 10) "
          f"{recv_rate:8.0f} msg/s")


def fill(state: str, url: str, depth: int) -> None:
    """Queue `depth` unencrypted messages in one transaction through the store layer."""
    ctx = Context.from_options(state_dir=state, environ={})
    queue = find_queue(ctx, url, None)  # the owner's own inspection: no policy check
    now = ctx.time()
    body = "filler message"
    digest = md5.md5_of_body(body)
    rows = ({"account": ACCOUNT, "region": REGION, "queue_id": queue["id"],
             "message_id": str(uuid.uuid4()), "body": body.encode(), "encryption": "NONE",
             "origin_arn": queue["arn"], "md5_body": digest, "size": len(body),
             "sent_at": now, "visible_at": now, "expires_at": now + 345600,
             "receive_count": 0, "sender_id": "AIDABENCH"} for _ in range(depth))
    store.insert_messages(ctx.db, rows)
    ctx.session.finish(True)
    ctx.session.close()


def depth_latency(state: str, depths: list[int], runs: int) -> None:
    results = {}
    for depth in depths:
        url = call(state, sqs.create_queue, QueueName=f"depth-{depth}",
                   Attributes={"SqsManagedSseEnabled": "false"})["QueueUrl"]
        fill(state, url, depth)
        samples = []
        for _ in range(runs):
            t = time.perf_counter()
            got = call(state, sqs.receive_message, QueueUrl=url)
            samples.append(time.perf_counter() - t)
            assert got["Messages"]
        results[depth] = median_ms(samples)
    first = results[depths[0]]
    for depth, ms in results.items():
        print(f"receive at depth {depth:>7,}: {ms:6.2f} ms  x{ms / first:4.2f} of depth "
              f"{depths[0]}")


def _late_sender(state: str, url: str, delay: float) -> None:
    time.sleep(delay)
    call(state, sqs.send_message, QueueUrl=url, MessageBody="late")


def long_polling(state: str) -> None:
    """Real waits across processes (the tests check the same on an injected clock)."""
    import multiprocessing

    url = call(state, sqs.create_queue, QueueName="poll")["QueueUrl"]
    t = time.perf_counter()
    assert call(state, sqs.receive_message, QueueUrl=url, WaitTimeSeconds=1) == {}
    print(f"empty long poll, WaitTimeSeconds=1:      {time.perf_counter() - t:6.3f} s")
    sender = multiprocessing.get_context("spawn").Process(target=_late_sender,
                                                          args=(state, url, 1.0))
    sender.start()
    t = time.perf_counter()
    got = call(state, sqs.receive_message, QueueUrl=url, WaitTimeSeconds=10)
    waited = time.perf_counter() - t
    sender.join(10)
    assert got["Messages"][0]["Body"] == "late"
    print(f"long poll woken by another process's send 1 s in (plus its start-up): "
          f"{waited:6.3f} s of WaitTimeSeconds=10")


def main() -> None:
    quick = "--quick" in sys.argv
    with tempfile.TemporaryDirectory() as tmp:
        state = str(Path(tmp) / "state")
        print("== per-invocation latency (median of subprocess runs)")
        invocation_latency(state, 5 if quick else 15)
        print("== in-process throughput (one Context, commit every 100 sends / each receive)")
        n = 300 if quick else 2000
        throughput(state, "none", {"SqsManagedSseEnabled": "false"}, n)
        throughput(state, "SSE-SQS", {}, n)
        key = call(state, kms.create_key)["KeyMetadata"]["KeyId"]
        throughput(state, "SSE-KMS", {"KmsMasterKeyId": key}, n)
        print("== receive latency against queue depth (median, one invocation each)")
        depth_latency(state, [100, 10_000] if quick else [100, 10_000, 100_000],
                      10 if quick else 30)
        print("== long polling (real time, another process sends)")
        long_polling(state)


if __name__ == "__main__":
    main()
