"""boto3 calls per second: in process (awslocal_cli.sdk), through `awslocal serve`, and moto.

Run: python benchmarks/sdk.py [--quick]
Needs boto3 and waitress (`pip install -e '.[test]'`). moto is a benchmark-only comparison,
never a dependency of awslocal: when `moto_server` is on PATH (`pip install 'moto[server]'`) it
runs beside awslocal in the same run, else its column is skipped.

For send-message, receive-message, KMS encrypt and SNS publish (a topic without subscribers),
one client calls the operation N times; the table gives the median latency and calls per second
(1 / median) for each route, and the ratios to moto. Then 8 clients in threads send and
receive at once against one server (awslocal serve, moto): aggregate calls per second.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import boto3

ACCOUNT = "123456789012"


def _session(key: str = "bench") -> boto3.Session:
    return boto3.Session(aws_access_key_id=key, aws_secret_access_key="secret",
                         region_name="us-east-1")


class Route:
    """A way to reach an endpoint with boto3: make clients, stop when done."""

    def __init__(self, name: str, make, stop=lambda: None) -> None:
        self.name = name
        self.client = make
        self.stop = stop


def in_process(state: str) -> Route:
    from awslocal_cli import sdk

    return Route("in process", lambda service, key="bench": sdk.client(
        service, state_dir=state, profile=key))


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AWSLOCAL_"))}
    env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    return env


def _stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def awslocal_serve(state: str) -> Route:
    proc = subprocess.Popen(
        [sys.executable, "-m", "awslocal_cli", "--state-dir", state, "serve", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=_env())
    line = proc.stdout.readline()
    if "listening on" not in line:
        proc.kill()
        raise SystemExit(f"awslocal serve did not start: {line!r}")
    endpoint = line.split(" on ", 1)[1].split(" ", 1)[0]
    return Route("awslocal serve", lambda service, key="bench": _session(key).client(
        service, endpoint_url=endpoint), lambda: _stop(proc))


def moto_server() -> Route | None:
    exe = shutil.which("moto_server")
    if exe is None:
        return None
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([exe, "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env())
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                return None
            time.sleep(0.1)
    return Route("moto_server", lambda service, key="bench": _session(key).client(
        service, endpoint_url=endpoint), lambda: _stop(proc))


def _setup(route: Route) -> dict[str, object]:
    """Per route: the four calls to time, on a fresh queue, key and topic."""
    sqs, kms, sns = route.client("sqs"), route.client("kms"), route.client("sns")
    url = sqs.create_queue(QueueName=f"bench-{time.monotonic_ns()}")["QueueUrl"]
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    topic = sns.create_topic(Name=f"bench-{time.monotonic_ns()}")["TopicArn"]
    for _ in range(3):  # warm up each path (imports, first connection)
        sqs.send_message(QueueUrl=url, MessageBody="warm")
        sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    return {
        "send-message": lambda: sqs.send_message(QueueUrl=url, MessageBody="x" * 256),
        "receive-message": lambda: sqs.receive_message(QueueUrl=url, VisibilityTimeout=600),
        "encrypt": lambda: kms.encrypt(KeyId=key, Plaintext=b"p" * 64),
        "publish": lambda: sns.publish(TopicArn=topic, Message="m" * 256),
    }


def single_client(routes: list[Route], runs: int) -> dict[str, dict[str, float]]:
    """Median ms per call for each route and operation, the routes taking turns call by call
    (so that a busy machine slows them alike and the ratios stay fair)."""
    calls = {r.name: _setup(r) for r in routes}
    samples: dict[str, dict[str, list[float]]] = {r.name: {} for r in routes}
    for op in ("send-message", "receive-message", "encrypt", "publish"):
        for _ in range(runs):
            for r in routes:
                t = time.perf_counter()
                calls[r.name][op]()
                samples[r.name].setdefault(op, []).append(time.perf_counter() - t)
    return {name: {op: statistics.median(v) * 1000 for op, v in ops.items()}
            for name, ops in samples.items()}


def concurrent(route: Route, clients: int, per_client: int) -> tuple[float, int, int]:
    """8 threads, each sending `per_client` messages and receiving/deleting as many."""
    url = route.client("sqs").create_queue(QueueName=f"busy-{time.monotonic_ns()}")["QueueUrl"]
    made = [route.client("sqs", key=f"c{n}") for n in range(clients)]
    received: list[str] = []
    lock = threading.Lock()
    calls = [0] * clients

    def work(n: int) -> None:
        sqs = made[n]
        for i in range(per_client):
            sqs.send_message(QueueUrl=url, MessageBody=f"{n}-{i}")
            got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1).get("Messages", [])
            calls[n] += 2
            for m in got:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
                calls[n] += 1
                with lock:
                    received.append(m["Body"])

    threads = [threading.Thread(target=work, args=(n,)) for n in range(clients)]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - t
    return sum(calls) / elapsed, len(received), len(set(received))


def main() -> None:
    quick = "--quick" in sys.argv
    runs = 50 if quick else 300
    per_client = 25 if quick else 100
    with tempfile.TemporaryDirectory() as tmp:
        routes = [in_process(os.path.join(tmp, "inproc")),
                  awslocal_serve(os.path.join(tmp, "serve"))]
        moto = moto_server()
        if moto is None:
            print("moto_server not on PATH: its column is skipped")
        else:
            routes.append(moto)
        try:
            results = single_client(routes, runs)
            print(f"\nOne boto3 client, {runs} calls each: median ms per call (calls/s)")
            names = [r.name for r in routes]
            print(f"{'operation':18}" + "".join(f"{n:>24}" for n in names)
                  + ("   in-process/moto  serve/moto" if moto else ""))
            for op in results[names[0]]:
                row = f"{op:18}"
                for n in names:
                    ms = results[n][op]
                    row += f"{ms:10.2f} ms ({1000 / ms:6.0f}/s)"
                if moto:
                    m = results["moto_server"][op]
                    row += (f"   {m / results['in process'][op]:13.2f}x"
                            f"  {m / results['awslocal serve'][op]:9.2f}x")
                print(row)
            print("(ratios: calls/s of awslocal over calls/s of moto; above 1 is faster)")
            print(f"\n8 clients in threads, each {per_client} x (send, receive, delete) on one "
                  "queue:")
            for r in routes[1:]:
                rate, got, unique = concurrent(r, 8, per_client)
                print(f"{r.name:18} {rate:8.0f} calls/s  received {got} ({unique} distinct) "
                      f"of {8 * per_client} sent")
        finally:
            for r in routes:
                r.stop()


if __name__ == "__main__":
    main()
