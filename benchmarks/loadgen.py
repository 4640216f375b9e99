"""A raw HTTP/1.1 load generator: keep-alive connections, pre-built requests, no SDK.

Each worker process drives its share of the connections with `selectors` (one request in
flight per connection, as an SDK client does), so the client side costs a few microseconds per
request and stays out of the measurement. `run()` starts the processes, waits for them and
returns requests/s and latency percentiles over all connections.

A request is a callable `make(i) -> bytes` (the whole HTTP request), so a run can vary what it
sends (a ReceiveMessage followed by the DeleteMessage of what it got is a `Flow`).
"""

from __future__ import annotations

import multiprocessing
import selectors
import socket
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable


def http_request(host: str, port: int, body: bytes, headers: dict[str, str],
                 path: str = "/") -> bytes:
    """One POST request, ready to write to a keep-alive connection."""
    head = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", f"Content-Length: {len(body)}"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


class Flow:
    """What one connection sends next, given the last response (None at the start)."""

    def next(self, last: bytes | None) -> bytes:  # pragma: no cover - interface
        raise NotImplementedError


class Repeat(Flow):
    def __init__(self, request: bytes) -> None:
        self.request = request

    def next(self, last: bytes | None) -> bytes:
        return self.request


class _Conn:
    def __init__(self, sock: socket.socket, flow: Flow) -> None:
        self.sock = sock
        self.flow = flow
        self.buf = b""
        self.started = 0.0
        self.errors = 0

    closing = False  # the last response said `Connection: close` (moto_server's werkzeug)

    def response(self) -> tuple[int, bytes] | None:
        """(status, body) of a complete response in the buffer, consumed; else None."""
        end = self.buf.find(b"\r\n\r\n")
        if end < 0:
            return None
        head = self.buf[:end].decode("latin-1")
        length = 0
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
            elif name.strip().lower() == "connection" and value.strip().lower() == "close":
                self.closing = True
        total = end + 4 + length
        if len(self.buf) < total:
            return None
        body = self.buf[end + 4:total]
        self.buf = self.buf[total:]
        return int(head.split(" ", 2)[1]), body


def _connect(host: str, port: int) -> socket.socket:
    sock = socket.create_connection((host, port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.setblocking(False)
    return sock


def _worker(host: str, port: int, flows: list[Flow], duration: float, warmup: float,
            out: multiprocessing.Queue) -> None:
    sel = selectors.DefaultSelector()
    conns = []
    for flow in flows:
        conn = _Conn(_connect(host, port), flow)
        conns.append(conn)
        sel.register(conn.sock, selectors.EVENT_READ, conn)
    latencies: list[float] = []
    errors = 0
    start = time.perf_counter()
    measure_from = start + warmup
    stop_at = measure_from + duration
    for conn in conns:
        conn.started = time.perf_counter()
        conn.sock.sendall(conn.flow.next(None))
    while True:
        now = time.perf_counter()
        if now >= stop_at:
            break
        for key, _ in sel.select(timeout=max(0.0, stop_at - now)):
            conn = key.data
            data = conn.sock.recv(65536)
            if not data:
                raise ConnectionError("the server closed a keep-alive connection")
            conn.buf += data
            got = conn.response()
            if got is None:
                continue
            status, body = got
            done = time.perf_counter()
            if done >= measure_from:
                latencies.append(done - conn.started)
                if status != 200:
                    errors += 1
            if conn.closing:  # a server that closes after each answer: connect anew
                sel.unregister(conn.sock)
                conn.sock.close()
                conn.sock, conn.buf, conn.closing = _connect(host, port), b"", False
                sel.register(conn.sock, selectors.EVENT_READ, conn)
            conn.started = time.perf_counter()
            conn.sock.setblocking(True)
            conn.sock.sendall(conn.flow.next(body))
            conn.sock.setblocking(False)
    for conn in conns:
        conn.sock.close()
    out.put((latencies, errors))


def run(host: str, port: int, make_flow: Callable[[int], Flow], connections: int, *,
        duration: float = 3.0, warmup: float = 0.5, processes: int = 2) -> dict[str, float]:
    """Drive `connections` keep-alive connections for `duration` s; rate and latencies."""
    processes = max(1, min(processes, connections))
    shares: list[list[Flow]] = [[] for _ in range(processes)]
    for i in range(connections):
        shares[i % processes].append(make_flow(i))
    ctx = multiprocessing.get_context("fork")
    out: multiprocessing.Queue = ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(host, port, share, duration, warmup, out))
             for share in shares]
    for p in procs:
        p.start()
    latencies: list[float] = []
    errors = 0
    for _ in procs:
        lat, err = out.get(timeout=duration + warmup + 120)
        latencies += lat
        errors += err
    for p in procs:
        p.join()
    latencies.sort()
    n = len(latencies)
    return {
        "rps": n / duration,
        "p50": latencies[n // 2] * 1000 if n else float("nan"),
        "p99": latencies[min(n - 1, int(n * 0.99))] * 1000 if n else float("nan"),
        "errors": errors,
        "count": n,
    }
