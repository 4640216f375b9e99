"""The console's WSGI application: routes, templates, security headers, the live fragment.

Read-only: GET and HEAD only (anything else is 405; a later change of state must be a POST
carrying a CSRF token). Every page is rendered on the server from a Jinja2 template with
autoescaping, under a Content-Security-Policy that allows no inline script and nothing from
elsewhere, so a message body `<script>` is text. Pages poll themselves: the console's script
asks for the page's `<main>` again (header `X-Awslocal-Console: live`) every 1.5 s and swaps it
in when it changed.

Only requests from this machine are answered (the client's address is loopback), even when
serve listens on another interface: the console shows message bodies and needs no signature.
The Host header must name a loopback address, `localhost` or an IP literal: a web page in the
same browser cannot reach the console through a DNS name it controls (DNS rebinding).
"""

from __future__ import annotations

import contextlib
import json
import mimetypes
import os
import sys
import time
from urllib.parse import parse_qs, quote

from awslocal_cli.console import depth, views
from awslocal_cli.console.address import PREFIX
from awslocal_cli.console.reading import looking
from awslocal_cli.errors import AwsError, CliError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path
    from typing import Any, TextIO

    from awslocal_cli.clock import Clock
    from awslocal_cli.context import Context

HERE = os.path.dirname(os.path.abspath(__file__))
STATIC = os.path.join(HERE, "static")
POLL_MS = 1500
SECURITY_HEADERS = [
    ("Content-Security-Policy",
     "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
     "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("Cache-Control", "no-store"),
]
NAV = [("overview", "Overview"), ("keys", "KMS keys"), ("queues", "SQS queues"),
       ("topics", "SNS topics"), ("trail", "Trail"), ("topology", "Topology")]


class Page:
    """One answer: a status, a template with its data (or raw bytes), and extra headers."""

    def __init__(self, status: int, template: str | None = None, *, body: bytes = b"",
                 content_type: str = "text/html; charset=utf-8", **data: Any) -> None:
        self.status, self.template, self.body = status, template, body
        self.content_type, self.data = content_type, data


def _loopback_client(addr: str | None) -> bool:
    """Whether the request comes from this machine (no address: an in-process caller)."""
    import ipaddress

    if not addr:
        return True
    try:
        ip = ipaddress.ip_address(addr.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return bool(ip.is_loopback or (mapped is not None and mapped.is_loopback))


def _loopback_host(host: str) -> bool:
    import ipaddress

    name = host.rsplit("]", 1)[0].lstrip("[") if host.startswith("[") else host.split(":")[0]
    name = name.rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class ConsoleApp:
    """The WSGI application under /_awslocal/ (mounted by awslocal_cli.wire.wsgi.App)."""

    def __init__(self, state_dir: str | Path | None = None, *,
                 environ: Mapping[str, str] | None = None, clock: Clock | None = None,
                 log: TextIO | None = None) -> None:
        self.state_dir = state_dir
        self.environ = os.environ if environ is None else environ
        self.clock = clock
        self.log = log
        self._env: Any = None

    # -- templates ---------------------------------------------------------------------------

    @property
    def templates(self) -> Any:
        if self._env is None:
            import jinja2

            env = jinja2.Environment(
                loader=jinja2.FileSystemLoader(os.path.join(HERE, "templates")),
                autoescape=True,
                trim_blocks=True, lstrip_blocks=True)
            env.filters["when"] = views.when
            env.filters["pretty_json"] = lambda v: json.dumps(v, indent=2, default=str)
            env.filters["short"] = _short
            self._env = env
        return self._env

    # -- WSGI --------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any],
                 start_response: Callable[..., Any]) -> list[bytes]:
        started = time.perf_counter()
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "") or "/"
        query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        live = environ.get("HTTP_X_AWSLOCAL_CONSOLE") == "live"
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        if not _loopback_client(environ.get("REMOTE_ADDR")):
            page = Page(403, body=b"The awslocal console answers only requests from this "
                        b"machine (loopback).\n", content_type="text/plain; charset=utf-8")
        elif not _loopback_host(host):
            page = Page(403, body=b"The awslocal console answers only on loopback addresses "
                        b"(localhost, 127.0.0.1, ::1) or an IP address.\n",
                        content_type="text/plain; charset=utf-8")
        elif method not in ("GET", "HEAD"):
            page = Page(405, body=b"The awslocal console is read-only: GET only.\n",
                        content_type="text/plain; charset=utf-8")
        else:
            page = self._answer(path[len(PREFIX):] or "/", query)
        body = page.body
        if page.template is not None:
            try:
                body = self._render(page, path, query, live)
            except ImportError:
                page = Page(503, content_type="text/plain; charset=utf-8")
                body = b"The awslocal console needs jinja2: pip install 'awslocal-cli[serve]'\n"
            except Exception as exc:  # a template that fails: one line, the traceback logged
                self._trace(exc)
                page = Page(500, content_type="text/plain; charset=utf-8")
                body = (f"The console failed to show this page ({type(exc).__name__}); "
                        "`awslocal serve --debug` logs why.\n").encode()
        headers = [("Content-Type", page.content_type), ("Content-Length", str(len(body))),
                   *SECURITY_HEADERS]
        if page.status == 405:
            headers.append(("Allow", "GET, HEAD"))
        start_response(f"{page.status} {_REASONS.get(page.status, 'OK')}", headers)
        if self.log is not None:
            self._log(environ, path, page.status, started)
        return [b"" if method == "HEAD" else body]

    def _trace(self, exc: BaseException) -> None:
        import traceback

        stream = self.log or sys.stderr
        with contextlib.suppress(OSError, ValueError):
            stream.write("awslocal serve: console: "
                         + "".join(traceback.format_exception(exc)))

    def _log(self, environ: Mapping[str, Any], path: str, status: int, started: float) -> None:
        elapsed = (time.perf_counter() - started) * 1000
        try:
            assert self.log is not None
            self.log.write(f"awslocal serve: {environ.get('REMOTE_ADDR', '-')} "
                           f"{environ.get('REQUEST_METHOD')} {path} console {status} "
                           f"{elapsed:.1f} ms\n")
            self.log.flush()
        except (OSError, ValueError):
            pass

    def _render(self, page: Page, path: str, query: dict[str, str], live: bool) -> bytes:
        region = query.get("region") or ""

        def url(name: str, *parts: str, **params: str) -> str:
            base = {"overview": "/", "keys": "/kms/keys", "key": "/kms/keys",
                    "queues": "/sqs/queues", "queue": "/sqs/queues", "topics": "/sns/topics",
                    "topic": "/sns/topics", "trail": "/trail", "topology": "/topology",
                    "static": "/static"}[name]
            out = PREFIX + base + "".join("/" + quote(p, safe="") for p in parts)
            if region and name != "static":
                params = {"region": region, **params}
            params = {k: v for k, v in params.items() if v}
            if params:
                from urllib.parse import urlencode

                out += "?" + urlencode(params)
            return out

        template = self.templates.get_template(page.template)
        data = {"url": url, "nav": NAV, "poll_ms": POLL_MS, "region_param": region,
                "status": page.status, **page.data}
        data.setdefault("section", "")
        data.setdefault("title", "awslocal console")
        if live:
            context = template.new_context(data)
            return "".join(template.blocks["main"](context)).encode("utf-8")
        return template.render(data).encode("utf-8")

    # -- routes ------------------------------------------------------------------------------

    def _answer(self, path: str, query: dict[str, str]) -> Page:
        parts = [p for p in path.split("/") if p]
        if parts[:1] == ["static"]:
            return _static("/".join(parts[1:]))
        if parts == ["health"]:
            return Page(200, body=json.dumps({"console": True, "state": str(
                self.state_dir)}).encode(), content_type="application/json")
        try:
            with looking(self.state_dir, region=query.get("region") or None,
                         environ=self.environ, clock=self.clock) as ctx:
                page = self._page(ctx, parts, query)
                if page.status == 200 or page.status == 404:
                    page.data.setdefault("clock", views.clock(ctx, self._pinned()))
                    page.data.setdefault("region", ctx.region)
                    page.data.setdefault("account", ctx.account)
                return page
        except views.NotFound as exc:
            return self._missing(str(exc))
        except CliError as exc:  # a bad ?region=, a state that cannot be opened
            return self._missing(getattr(exc, "message", None) or str(exc), status=400)
        except AwsError as exc:
            return self._missing(f"{exc.code}: {exc.message}", status=400)
        except Exception as exc:  # a page must not take the server down or show a traceback
            self._trace(exc)
            return self._missing(f"The console failed to read this page ({type(exc).__name__})"
                                 "; `awslocal serve --debug` logs why.", status=500)

    def _pinned(self) -> bool:
        return bool(self.environ.get("AWSLOCAL_NOW"))

    def _missing(self, why: str, status: int = 404) -> Page:
        return Page(status, "missing.html", why=why, title="Not found" if status == 404
                    else "Cannot show this page", region="", account="",
                    clock=None)

    def _page(self, ctx: Context, parts: list[str], query: dict[str, str]) -> Page:
        match parts:
            case []:
                return Page(200, "overview.html", section="overview", title="Overview",
                            o=views.overview(ctx, self._pinned()))
            case ["kms", "keys"]:
                return Page(200, "keys.html", section="keys", title="KMS keys",
                            keys=views.list_keys(ctx), users=views._key_users(ctx))
            case ["kms", "keys", key_id]:
                detail = views.key_detail(ctx, key_id)
                return Page(200, "key.html", section="keys",
                            title=f"Key {detail['Key']['KeyId']}", k=detail)
            case ["sqs", "queues"]:
                return Page(200, "queues.html", section="queues", title="SQS queues",
                            queues=views.list_queues(ctx))
            case ["sqs", "queues", name]:
                detail = views.queue_detail(ctx, name)
                return Page(200, "queue.html", section="queues", title=f"Queue {name}",
                            q=detail, chart=depth.chart(ctx, detail["Url"]))
            case ["sns", "topics"]:
                return Page(200, "topics.html", section="topics", title="SNS topics",
                            topics=views.list_topics(ctx))
            case ["sns", "topics", name]:
                return Page(200, "topic.html", section="topics", title=f"Topic {name}",
                            t=views.topic_detail(ctx, name))
            case ["trail"]:
                filters = {k: query.get(k, "").strip() for k in
                           ("service", "operation", "principal", "error", "since", "until")}
                times = {k: _time(filters[k]) for k in ("since", "until")}
                events = views.trail_events(
                    ctx, service=filters["service"], operation=filters["operation"],
                    principal=filters["principal"], error=filters["error"],
                    since=times["since"], until=times["until"])
                return Page(200, "trail.html", section="trail", title="Trail",
                            filters=filters, events=events,
                            services=sorted(views.TRAIL_SOURCES))
            case ["topology"]:
                from awslocal_cli.console import topology

                def href(kind: str, name: str) -> str:
                    base = {"key": "/kms/keys/", "queue": "/sqs/queues/",
                            "topic": "/sns/topics/"}[kind]
                    region = query.get("region")
                    return PREFIX + base + quote(name, safe="") + (
                        f"?region={quote(region)}" if region else "")

                return Page(200, "topology.html", section="topology", title="Topology",
                            g=topology.graph(ctx, href))
        raise views.NotFound("There is no console page at this address.")


def _time(text: str) -> float | None:
    if not text:
        return None
    from awslocal_cli.clock import to_epoch

    try:
        return to_epoch(text)
    except ValueError:
        raise views.NotFound(f"Not a time: {text}") from None


def _short(value: Any, n: int = 12) -> str:
    text = str(value)
    return text if len(text) <= n else text[:n] + "…"


def _static(name: str) -> Page:
    allowed = {n for n in os.listdir(STATIC)} if os.path.isdir(STATIC) else set()
    if name not in allowed:
        return Page(404, body=b"Not found\n", content_type="text/plain; charset=utf-8")
    with open(os.path.join(STATIC, name), "rb") as f:
        data = f.read()
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind.endswith("javascript"):
        kind += "; charset=utf-8"
    return Page(200, body=data, content_type=kind)


_REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found",
            405: "Method Not Allowed", 500: "Internal Server Error",
            503: "Service Unavailable"}
