"""SNS benchmarks: publish latency per invocation, and in-process publish throughput by fan-out.

Run: python benchmarks/sns.py [--quick]
Prints medians (and ratios) measured in this one run, on a temporary state directory. The
HTTP case delivers to a server on 127.0.0.1 in this process.
"""

from __future__ import annotations

import http.server
import json
import os
import sys
import tempfile
import threading
import time

from benchmarks_common import call, median_ms, time_subprocess

from awslocal_cli.services import kms, sns, sqs

ACCOUNT, REGION = "123456789012", "us-east-1"


def _topic(state: str, name: str, encrypted: bool, queues: int, http_url: str | None) -> str:
    attrs = {}
    if encrypted:
        attrs["KmsMasterKeyId"] = call(state, kms.create_key)["KeyMetadata"]["KeyId"]
    topic = call(state, sns.create_topic, Name=name, Attributes=attrs)["TopicArn"]
    for i in range(queues):
        qname = f"{name}-q{i}"
        arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{qname}"
        policy = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "sqs:SendMessage", "Resource": arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": topic}}}]}
        call(state, sqs.create_queue, QueueName=qname, Attributes={"Policy": json.dumps(policy)})
        call(state, sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=arn)
    if http_url:
        call(state, sns.subscribe, TopicArn=topic, Protocol="http", Endpoint=http_url)
        token = SERVER_BODIES[-1]["Token"]
        call(state, sns.confirm_subscription, TopicArn=topic, Token=token)
    return topic


SERVER_BODIES: list[dict] = []


def _server() -> http.server.ThreadingHTTPServer:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if self.headers.get("x-amz-sns-message-type") == "SubscriptionConfirmation":
                SERVER_BODIES.append(json.loads(body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def invocation_latency(state: str, runs: int) -> None:
    env = dict(os.environ, AWSLOCAL_STATE_DIR=state)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # measure with cached bytecode, as installed
    py = sys.executable
    base, _ = time_subprocess([py, "-c", "pass"], runs, env)
    print(f"python -c pass                              {base:8.1f} ms")
    plain = _topic(state, "lat-plain", False, 1, None)
    secret = _topic(state, "lat-kms", True, 1, None)
    cli = [py, "-m", "awslocal_cli", "sns"]
    for label, args in (
        ("sns get-topic-attributes", ["get-topic-attributes", "--topic-arn", plain]),
        ("sns publish (1 queue)", ["publish", "--topic-arn", plain, "--message", "hi"]),
        ("sns publish (KMS topic, 1 queue)", ["publish", "--topic-arn", secret,
                                              "--message", "hi"]),
    ):
        ms, ok = time_subprocess([*cli, *args], runs, env)
        note = "" if ok else "   (the CLI failed)"
        print(f"awslocal {label:<34} {ms:8.1f} ms  x{ms / base:4.1f} of python -c pass{note}")


def throughput(state: str, count: int, http_url: str) -> None:
    print(f"\nin-process publish, {count} messages each (one invocation per publish)")
    cases = [("no subscriber", False, 0, None), ("1 queue", False, 1, None),
             ("5 queues", False, 5, None), ("1 queue, KMS topic", True, 1, None),
             ("5 queues, KMS topic", True, 5, None), ("1 HTTP endpoint", False, 0, http_url)]
    baseline = None
    for i, (label, encrypted, queues, url) in enumerate(cases):
        topic = _topic(state, f"tp{i}", encrypted, queues, url)
        samples = []
        for n in range(count):
            t = time.perf_counter()
            call(state, sns.publish, TopicArn=topic, Message=f"message {n}")
            samples.append(time.perf_counter() - t)
        ms = median_ms(samples)
        baseline = baseline or ms
        print(f"  {label:<24} median {ms:6.2f} ms/publish  {1000 / ms:8.0f} msg/s  "
              f"x{ms / baseline:4.1f} of no subscriber")


def main() -> None:
    quick = "--quick" in sys.argv
    server = _server()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    with tempfile.TemporaryDirectory() as tmp:
        state = os.path.join(tmp, "state")
        invocation_latency(state, 5 if quick else 20)
        throughput(state, 50 if quick else 300, url)
    server.shutdown()


if __name__ == "__main__":
    main()
