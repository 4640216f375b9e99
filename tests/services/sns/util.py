"""What the SNS tests share: a queue whose policy lets a topic send to it, an HTTP endpoint."""

from __future__ import annotations

import http.server
import json
import threading

from awslocal_cli.services import sqs

ACCOUNT = "123456789012"


def topic_queue(inv, name, topic=None, attributes=None):
    """Create queue `name` (its policy letting `topic` send, if given); (url, arn)."""
    attrs = dict(attributes or {})
    if name.endswith(".fifo"):
        attrs.setdefault("FifoQueue", "true")
    arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:{name}"
    if topic:
        attrs["Policy"] = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "sqs:SendMessage", "Resource": arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": topic}}}]})
    url = inv(sqs.create_queue, QueueName=name, Attributes=attrs)["QueueUrl"]
    return url, arn


class Endpoint:
    """A local HTTP server that records each POST and answers with scripted status codes."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.codes: list[int] = []
        endpoint = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                endpoint.requests.append({"path": self.path, "headers": dict(self.headers),
                                          "body": body.decode()})
                code = endpoint.codes.pop(0) if endpoint.codes else 200
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sns"
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def messages(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.requests]
