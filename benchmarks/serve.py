"""`awslocal serve` under load, beside moto_server in the same run (when installed).

Run: python benchmarks/serve.py [--duration 3] [--quick] [--connections 1,8,64]
     [--no-verify-signatures]
Needs the test extras (`pip install -e '.[test]'`); moto is a comparison only, never a
dependency: with `pip install 'moto[server]'` its `moto_server` runs beside awslocal, else its
columns are skipped.

Both servers start on free loopback ports, on SSE-SQS queues (awslocal's default; moto is
asked for it too). For each load:

  raw    keep-alive HTTP connections sending pre-built requests (benchmarks/loadgen.py), from
         two processes of their own, so no SDK cost sits on the client side;
  boto3  boto3 clients, one per thread, in two processes;

at 1, 8 and 64 connections, for SendMessage, ReceiveMessage+DeleteMessage (one pair counted
as one operation; the queue is filled first so it never runs dry), KMS Encrypt and SNS
Publish to a topic with one SQS subscriber. Printed: operations/s, p50 and p99 of the single
requests (ms), errors, and awslocal's rate over moto's.

Then long polls: 40 and 1,000 consumers waiting on an empty queue (WaitTimeSeconds=20, raw
connections), and meanwhile: SendMessage latency on another queue (against none waiting), the
time from a send to the waiting consumer holding its message (send through the server; send
from another process with its own SQLite connection, as a CLI command does, minus its start-up).
"""

from __future__ import annotations

import argparse
import atexit
import base64
import json
import os
import platform
import selectors
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import loadgen

ACCOUNT = "123456789012"
# serve verifies signatures: every client signs with one of these keys (the raw clients with
# "bench", boto3 client n with "c<n>", each its own caller) and the same secret.
SECRET = "bench-secret"
KEYS = ["bench"] + [f"c{n}" for n in range(64)]
_credentials: list[str] = []


def _credentials_file() -> str:
    """A credentials file holding KEYS, for the servers (removed at exit)."""
    if not _credentials:
        fd, path = tempfile.mkstemp(prefix="awslocal-bench-", suffix=".credentials")
        with os.fdopen(fd, "w") as f:
            for key in KEYS:
                f.write(f"[{key}]\naws_access_key_id = {key}\naws_secret_access_key = {SECRET}\n")
        atexit.register(os.unlink, path)
        _credentials.append(path)
    return _credentials[0]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AWSLOCAL_"))}
    env["AWS_SHARED_CREDENTIALS_FILE"] = _credentials_file()
    env["AWS_CONFIG_FILE"] = os.devnull
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, proc: subprocess.Popen, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


class Target:
    def __init__(self, name: str, port: int, proc: subprocess.Popen) -> None:
        self.name = name
        self.port = port
        self.proc = proc
        self.endpoint = f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def start_awslocal(state: str, threads: int | None, verify: bool = True) -> Target:
    port = _free_port()
    argv = [sys.executable, "-m", "awslocal_cli", "--state-dir", state, "serve", "--port",
            str(port)]
    if threads:
        argv += ["--threads", str(threads)]
    if not verify:
        argv.append("--no-verify-signatures")
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=_env())
    if not _wait_port(port, proc):
        proc.kill()
        raise SystemExit("awslocal serve did not start")
    return Target("awslocal", port, proc)


def start_moto() -> Target | None:
    exe = shutil.which("moto_server")
    if exe is None:
        return None
    port = _free_port()
    proc = subprocess.Popen([exe, "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env())
    if not _wait_port(port, proc):
        proc.kill()
        return None
    return Target("moto", port, proc)


# -- requests -------------------------------------------------------------------------------

def _signed(t: Target, service: str, body: bytes, headers: dict[str, str]) -> bytes:
    """A POST signed with SigV4 by botocore, ready to write to a keep-alive connection. A
    signature holds for 15 minutes, so each run builds its requests afresh."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    request = AWSRequest("POST", f"http://127.0.0.1:{t.port}/", data=body, headers=headers)
    SigV4Auth(Credentials("bench", SECRET), service, "us-east-1").add_auth(request)
    return loadgen.http_request("127.0.0.1", t.port, body, dict(request.headers.items()))


def sqs_request(t: Target, action: str, members: dict) -> bytes:
    headers = {"Content-Type": "application/x-amz-json-1.0",
               "X-Amz-Target": f"AmazonSQS.{action}"}
    return _signed(t, "sqs", json.dumps(members).encode(), headers)


def kms_request(t: Target, action: str, members: dict) -> bytes:
    headers = {"Content-Type": "application/x-amz-json-1.1",
               "X-Amz-Target": f"TrentService.{action}"}
    return _signed(t, "kms", json.dumps(members).encode(), headers)


def sns_request(t: Target, params: dict) -> bytes:
    from urllib.parse import urlencode

    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    body = urlencode({**params, "Version": "2010-03-31"}).encode()
    return _signed(t, "sns", body, headers)


class ReceiveDelete(loadgen.Flow):
    """ReceiveMessage, then DeleteMessage of what it got; a pair is one operation."""

    def __init__(self, t: Target, url: str) -> None:
        self.t = t
        self.url = url
        self.receive = sqs_request(t, "ReceiveMessage", {"QueueUrl": url,
                                                         "VisibilityTimeout": 600})
        self.deleting = False

    def next(self, last: bytes | None) -> bytes:
        if last is not None and not self.deleting:
            messages = json.loads(last or b"{}").get("Messages") or []
            if messages:
                self.deleting = True
                return sqs_request(self.t, "DeleteMessage", {
                    "QueueUrl": self.url, "ReceiptHandle": messages[0]["ReceiptHandle"]})
        self.deleting = False
        return self.receive


def boto3_session(key: str = "bench"):
    import boto3

    return boto3.Session(aws_access_key_id=key, aws_secret_access_key=SECRET,
                         region_name="us-east-1")


class Setup:
    """A target's queue, key and topic (with its SQS subscriber), made with boto3."""

    def __init__(self, t: Target) -> None:
        s = boto3_session()
        self.sqs = s.client("sqs", endpoint_url=t.endpoint)
        self.kms = s.client("kms", endpoint_url=t.endpoint)
        self.sns = s.client("sns", endpoint_url=t.endpoint)
        sse = {"SqsManagedSseEnabled": "true"}
        tag = time.monotonic_ns()
        self.send_url = self.sqs.create_queue(QueueName=f"send-{tag}", Attributes=sse)["QueueUrl"]
        self.recv_url = self.sqs.create_queue(QueueName=f"recv-{tag}", Attributes=sse)["QueueUrl"]
        self.sub_url = self.sqs.create_queue(QueueName=f"sub-{tag}", Attributes=sse)["QueueUrl"]
        self.lp_url = self.sqs.create_queue(QueueName=f"lp-{tag}", Attributes=sse)["QueueUrl"]
        self.key = self.kms.create_key()["KeyMetadata"]["KeyId"]
        self.topic = self.sns.create_topic(Name=f"t-{tag}")["TopicArn"]
        arn = self.sqs.get_queue_attributes(QueueUrl=self.sub_url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        self.sns.subscribe(TopicArn=self.topic, Protocol="sqs", Endpoint=arn)

    def fill(self, t: Target, count: int) -> None:
        """`count` messages into the receive queue, in batches over 8 raw connections."""
        batch = sqs_request(t, "SendMessageBatch", {"QueueUrl": self.recv_url, "Entries": [
            {"Id": str(i), "MessageBody": "y" * 256} for i in range(10)]})
        sent = 0
        deadline = time.monotonic() + 60  # a slow server gets what a minute gives
        while sent < count and time.monotonic() < deadline:
            r = loadgen.run("127.0.0.1", t.port, lambda i: loadgen.Repeat(batch), 8,
                            duration=1.0, warmup=0.0)
            sent += int(r["count"]) * 10


# Receive+Delete last: moto_server slows down badly on a deep queue.
RAW_OPS = ("SendMessage", "KMS Encrypt", "SNS Publish", "Receive+Delete")


def raw_flow(t: Target, setup: Setup, op: str):
    if op == "SendMessage":
        req = sqs_request(t, "SendMessage", {"QueueUrl": setup.send_url,
                                             "MessageBody": "x" * 256})
        return lambda i: loadgen.Repeat(req)
    if op == "Receive+Delete":
        return lambda i: ReceiveDelete(t, setup.recv_url)
    if op == "KMS Encrypt":
        req = kms_request(t, "Encrypt", {"KeyId": setup.key,
                                         "Plaintext": base64.b64encode(b"p" * 64).decode()})
        return lambda i: loadgen.Repeat(req)
    req = sns_request(t, {"Action": "Publish", "TopicArn": setup.topic, "Message": "m" * 256})
    return lambda i: loadgen.Repeat(req)


# -- boto3 load -----------------------------------------------------------------------------

def _boto3_worker(endpoint: str, op: str, setup: dict, threads: int, duration: float,
                  warmup: float, out) -> None:
    import threading

    from botocore.config import Config

    # A server that stops answering costs an error after 30 s, not botocore's 3 x 60 s.
    config = Config(read_timeout=30, retries={"max_attempts": 1})
    clients = []
    for n in range(threads):
        s = boto3_session(f"c{n}")
        clients.append(tuple(s.client(name, endpoint_url=endpoint, config=config)
                             for name in ("sqs", "kms", "sns")))
    start = time.perf_counter() + 0.2
    measure_from, stop_at = start + warmup, start + warmup + duration
    results: list[tuple[list[float], int]] = []

    def work(n: int) -> None:
        sqs, kms, sns = clients[n]
        lat: list[float] = []
        errors = 0
        while time.perf_counter() < start:
            time.sleep(0.001)
        while True:
            t = time.perf_counter()
            if t >= stop_at:
                break
            try:
                if op == "SendMessage":
                    sqs.send_message(QueueUrl=setup["send_url"], MessageBody="x" * 256)
                elif op == "Receive+Delete":
                    got = sqs.receive_message(QueueUrl=setup["recv_url"],
                                              VisibilityTimeout=600).get("Messages", [])
                    for m in got:
                        sqs.delete_message(QueueUrl=setup["recv_url"],
                                           ReceiptHandle=m["ReceiptHandle"])
                    if not got:
                        continue
                elif op == "KMS Encrypt":
                    kms.encrypt(KeyId=setup["key"], Plaintext=b"p" * 64)
                else:
                    sns.publish(TopicArn=setup["topic"], Message="m" * 256)
            except Exception:
                errors += 1
            done = time.perf_counter()
            if done >= measure_from:
                lat.append(done - t)
        results.append((lat, errors))

    ts = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for th in ts:
        th.start()
    for th in ts:
        th.join()
    out.put(([x for lat, _ in results for x in lat], sum(e for _, e in results)))


def boto3_run(t: Target, setup: Setup, op: str, connections: int, duration: float,
              warmup: float) -> dict[str, float]:
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    processes = min(2, connections)
    shares = [connections // processes + (1 if i < connections % processes else 0)
              for i in range(processes)]
    info = {"send_url": setup.send_url, "recv_url": setup.recv_url, "key": setup.key,
            "topic": setup.topic}
    procs = [ctx.Process(target=_boto3_worker, args=(t.endpoint, op, info, n, duration,
                                                      warmup, out)) for n in shares]
    for p in procs:
        p.start()
    lat: list[float] = []
    errors = 0
    for _ in procs:
        a, e = out.get(timeout=duration + warmup + 300)
        lat += a
        errors += e
    for p in procs:
        p.join()
    lat.sort()
    n = len(lat)
    return {"rps": n / duration, "p50": lat[n // 2] * 1000 if n else float("nan"),
            "p99": lat[min(n - 1, int(n * 0.99))] * 1000 if n else float("nan"),
            "errors": errors, "count": n}


# -- long polls -----------------------------------------------------------------------------

_OTHER_PROCESS = r"""
import sys, time
from awslocal_cli.context import Context
from awslocal_cli.dispatch import invoke
from awslocal_cli.services import sqs
state, url = sys.argv[1], sys.argv[2]
for line in sys.stdin:
    t = time.time()
    invoke(Context.from_options(state_dir=state, environ={}), sqs.send_message, QueueUrl=url,
           MessageBody="from a process")
    print(t, flush=True)
"""


def _read_all(sock: socket.socket, buf: bytearray) -> bool:
    """Whether `buf` (fed from sock) now holds one complete response; consumes it."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return False
    length = 0
    for line in bytes(buf[:end]).decode("latin-1").split("\r\n")[1:]:
        k, _, v = line.partition(":")
        if k.strip().lower() == "content-length":
            length = int(v)
    if len(buf) < end + 4 + length:
        return False
    del buf[:end + 4 + length]
    return True


class _KeepAlive:
    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()

    def call(self, request: bytes) -> float:
        t = time.perf_counter()
        self.sock.sendall(request)
        while not _read_all(self.sock, self.buf):
            self.buf += self.sock.recv(65536)
        return time.perf_counter() - t


def long_polls(t: Target, setup: Setup, waiting: int, state: str | None,
               samples: int) -> dict[str, float]:
    """Send latency and wake-up latency with `waiting` consumers parked on an empty queue."""
    url = setup.sqs.create_queue(QueueName=f"lp{waiting}-{time.monotonic_ns()}")["QueueUrl"]
    other = _KeepAlive(t.port)
    send_other = sqs_request(t, "SendMessage", {"QueueUrl": setup.send_url, "MessageBody": "o"})
    base = [other.call(send_other) for _ in range(samples)]
    receive = sqs_request(t, "ReceiveMessage", {"QueueUrl": url, "WaitTimeSeconds": 20})
    sel = selectors.DefaultSelector()
    socks = []
    for _ in range(waiting):
        s = socket.create_connection(("127.0.0.1", t.port))
        s.sendall(receive)
        s.setblocking(False)
        buf = bytearray()
        sel.register(s, selectors.EVENT_READ, buf)
        socks.append(s)
    time.sleep(1.0 + waiting / 1000)  # all parked

    def wait_wake(timeout: float = 25.0) -> float | None:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            for key, _ in sel.select(timeout=0.5):
                sock, buf = key.fileobj, key.data
                data = sock.recv(65536)
                if not data:
                    sel.unregister(sock)
                    continue
                buf += data
                if _read_all(sock, buf):
                    woke = time.perf_counter()
                    sock.setblocking(True)
                    sock.sendall(receive)  # wait again
                    sock.setblocking(False)
                    return woke
        return None

    busy = [other.call(send_other) for _ in range(samples)]
    send_lp = sqs_request(t, "SendMessage", {"QueueUrl": url, "MessageBody": "wake"})
    wakes = []
    for _ in range(samples):
        t0 = time.perf_counter()
        other.sock.sendall(send_lp)
        woke = wait_wake()
        while not _read_all(other.sock, other.buf):
            other.buf += other.sock.recv(65536)
        if woke is not None:
            wakes.append(woke - t0)
        time.sleep(0.02)
    process_wakes = []
    if state is not None:
        proc = subprocess.Popen([sys.executable, "-c", _OTHER_PROCESS, state,
                                 url.replace(t.endpoint, "https://sqs.us-east-1.amazonaws.com")],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                env=_env())
        for _ in range(samples):
            proc.stdin.write("go\n")
            proc.stdin.flush()
            woke = wait_wake()
            sent_at = float(proc.stdout.readline())
            if woke is not None:
                process_wakes.append(time.time() - (time.perf_counter() - woke) - sent_at)
            time.sleep(0.02)
        proc.stdin.close()
        proc.wait(30)
    for s in socks:
        s.close()
    other.sock.close()
    med = statistics.median
    return {"send_idle": med(base) * 1000, "send_busy": med(busy) * 1000,
            "send_busy_max": max(busy) * 1000,
            "wake": med(wakes) * 1000 if wakes else float("nan"),
            "wake_process": med(process_wakes) * 1000 if process_wakes else float("nan"),
            "woken": len(wakes), "samples": samples}


# -- main -----------------------------------------------------------------------------------

def _fmt(r: dict[str, float]) -> str:
    err = f" err {int(r['errors'])}" if r["errors"] else ""
    return f"{r['rps']:7.0f}/s {r['p50']:6.1f} {r['p99']:6.1f}{err}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=3.0)
    parser.add_argument("--connections", default="1,8,64")
    parser.add_argument("--threads", type=int, default=None, help="awslocal serve --threads")
    parser.add_argument("--quick", action="store_true", help="1 s per run, no boto3 at 64")
    parser.add_argument("--skip-boto3", action="store_true")
    parser.add_argument("--skip-raw", action="store_true")
    parser.add_argument("--ops", default=",".join(RAW_OPS))
    parser.add_argument("--no-moto", action="store_true", help="awslocal only")
    parser.add_argument("--no-long-polls", action="store_true")
    parser.add_argument("--no-verify-signatures", action="store_true",
                        help="serve --no-verify-signatures (to see what verification costs)")
    args = parser.parse_args()
    duration = 1.0 if args.quick else args.duration
    warmup = 0.5
    conns = [int(c) for c in args.connections.split(",")]
    ops = [o for o in RAW_OPS if o in args.ops.split(",")]
    print(f"awslocal serve benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
          f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f}; {duration:.0f} s per run; signatures "
          f"{'not ' if args.no_verify_signatures else ''}verified")
    with tempfile.TemporaryDirectory() as tmp:
        state = os.path.join(tmp, "state")
        targets = [start_awslocal(state, args.threads, not args.no_verify_signatures)]
        moto = None if args.no_moto else start_moto()
        if moto is None:
            print("moto_server not on PATH (pip install 'moto[server]'): no moto columns")
        else:
            targets.append(moto)
        try:
            setups = {t.name: Setup(t) for t in targets}
            send_rates: dict[tuple[str, str, int], float] = {}
            for mode in ("raw", "boto3"):
                if (mode == "raw" and args.skip_raw) or (mode == "boto3" and args.skip_boto3):
                    continue
                if mode == "boto3" and moto is not None and not args.skip_raw:
                    # moto_server stays busy with the raw rows' deep queue long after them:
                    # the boto3 rows get a fresh one.
                    moto.stop()
                    targets.remove(moto)
                    moto = start_moto()
                    if moto is not None:
                        targets.append(moto)
                        setups["moto"] = Setup(moto)
                print(f"\n{mode} clients: operations/s, p50 ms, p99 ms per request")
                head = f"{'operation':16}{'conns':>6}  {'awslocal serve':>26}"
                if moto:
                    head += f"  {'moto_server':>26}  {'ratio':>6}"
                print(head)
                for op in ops:
                    for c in conns:
                        if mode == "boto3" and args.quick and c > 8:
                            continue
                        row = f"{op:16}{c:6d}  "
                        got = {}
                        for t in targets:
                            if op == "Receive+Delete":
                                # enough messages that the queue never runs dry: what the
                                # sends managed in as long, and half as much again
                                rate = send_rates.get((mode, t.name, c), 1000.0)
                                setups[t.name].fill(t, int(rate * (duration + warmup) * 1.5)
                                                    + 200)
                            if mode == "raw":
                                r = loadgen.run("127.0.0.1", t.port,
                                                raw_flow(t, setups[t.name], op), c,
                                                duration=duration, warmup=warmup)
                                if op == "Receive+Delete":
                                    r["rps"] /= 2  # a pair is one operation
                            else:
                                r = boto3_run(t, setups[t.name], op, c, duration, warmup)
                            got[t.name] = r
                            if op == "SendMessage":
                                send_rates[(mode, t.name, c)] = r["rps"]
                            row += f"{_fmt(r):>26}  "
                        if moto and got["moto"]["rps"] and not got["moto"]["errors"]:
                            row += f"{got['awslocal']['rps'] / got['moto']['rps']:5.1f}x"
                        elif moto:
                            row += "    -"  # no ratio to a server that failed requests
                        print(row, flush=True)
            if not args.no_long_polls:
                print("\nlong polls on awslocal serve (WaitTimeSeconds=20, raw connections): "
                      "SendMessage ms (median, max) with none waiting / with them waiting; "
                      "send-to-wake ms (median) through the server / from another process")
            for n in () if args.no_long_polls else (40, 1000):
                r = long_polls(targets[0], setups["awslocal"], n, state, 10 if args.quick
                               else 20)
                print(f"{n:5d} waiting: send {r['send_idle']:.1f} / {r['send_busy']:.1f} "
                      f"(max {r['send_busy_max']:.1f}); wake {r['wake']:.1f} / "
                      f"{r['wake_process']:.1f}; {r['woken']} of {r['samples']} woken",
                      flush=True)
        finally:
            for t in targets:
                t.stop()


if __name__ == "__main__":
    main()
