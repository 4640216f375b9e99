"""boto3 in process: awslocal_cli.sdk against moto's mock_aws, in one run.

Run: python benchmarks/sdk.py [--calls 300] [--depth 500]
Needs boto3 (`pip install -e '.[test]'`); moto is a comparison only, never a dependency
(`pip install moto`), and its column is skipped without it. For the server route, see
benchmarks/serve.py.

What a boto3 user gets: each figure is a whole boto3 call (botocore's serialization, signing
and parsing included), one client, on an SSE-SQS queue already holding `--depth` messages.
Operations: SendMessage, ReceiveMessage + DeleteMessage (a pair), KMS Encrypt, SNS Publish to
a topic with one SQS subscriber. The two routes take turns call by call, so a busy machine
slows them alike; printed: median ms per call, calls/s (1 / median) and awslocal's ratio.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time

# Receive+Delete first: the queue goes from --depth down by --calls, SendMessage fills it again.
OPS = ("Receive+Delete", "SendMessage", "KMS Encrypt", "SNS Publish")


def _calls(clients, depth: int):
    sqs, kms, sns = clients
    attrs = {"SqsManagedSseEnabled": "true"}
    url = sqs.create_queue(QueueName="bench", Attributes=attrs)["QueueUrl"]
    sub = sqs.create_queue(QueueName="bench-sub", Attributes=attrs)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=sub, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"]
    topic = sns.create_topic(Name="bench")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    for start in range(0, depth, 10):
        sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": str(i), "MessageBody": "d" * 256} for i in range(start, start + 10)])

    def receive_delete() -> None:
        for m in sqs.receive_message(QueueUrl=url).get("Messages", []):
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])

    return {
        "SendMessage": lambda: sqs.send_message(QueueUrl=url, MessageBody="x" * 256),
        "Receive+Delete": receive_delete,
        "KMS Encrypt": lambda: kms.encrypt(KeyId=key, Plaintext=b"p" * 64),
        "SNS Publish": lambda: sns.publish(TopicArn=topic, Message="m" * 256),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--depth", type=int, default=500)
    args = parser.parse_args()
    from awslocal_cli import sdk

    print(f"in-process boto3 benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
          f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f}; {args.calls} calls per operation, queue "
          f"depth {args.depth}")
    with tempfile.TemporaryDirectory() as tmp:
        session = sdk.session(os.path.join(tmp, "state"), "us-east-1", environ={})
        routes = {"awslocal sdk": _calls(
            tuple(session.client(s) for s in ("sqs", "kms", "sns")), args.depth)}
        mock = None
        try:
            import boto3
            from moto import mock_aws

            for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
                os.environ.setdefault(name, "testing")
            mock = mock_aws()
            mock.start()
            moto = boto3.Session(region_name="us-east-1")
            routes["moto mock_aws"] = _calls(
                tuple(moto.client(s) for s in ("sqs", "kms", "sns")), args.depth)
        except ImportError:
            print("moto not installed (pip install moto): no moto column")
        try:
            # Warm both (imports, first calls), then take turns call by call.
            for calls in routes.values():
                for op in OPS:
                    for _ in range(5):
                        calls[op]()
            samples = {name: {op: [] for op in OPS} for name in routes}
            for op in OPS:
                for _ in range(args.calls):
                    for name, calls in routes.items():
                        t = time.perf_counter()
                        calls[op]()
                        samples[name][op].append(time.perf_counter() - t)
        finally:
            if mock is not None:
                mock.stop()
    names = list(routes)
    print(f"\n{'operation':16}" + "".join(f"{n:>26}" for n in names)
          + ("   ratio" if len(names) > 1 else ""))
    for op in OPS:
        row = f"{op:16}"
        med = {}
        for n in names:
            med[n] = statistics.median(samples[n][op]) * 1000
            row += f"{med[n]:12.2f} ms {1000 / med[n]:7.0f}/s"
        if len(names) > 1:
            row += f"   {med[names[1]] / med[names[0]]:5.1f}x"
        print(row)
    print("(ratio: awslocal's calls/s over moto's; each call a whole boto3 call, in process)")


if __name__ == "__main__":
    main()
