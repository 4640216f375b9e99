"""The web console: read-only pages about the state, served by `awslocal serve` at /_awslocal/.

    from awslocal_cli.console import mounts, ConsoleApp
    if mounts(environ["PATH_INFO"]): return ConsoleApp(state_dir)(environ, start_response)

Pages (each an address a tutorial can link to): the overview (account, regions, the local
clock, counts, latest activity), KMS keys and a key, SQS queues and a queue (its messages
peeked without changing their visibility, each with its envelope), SNS topics and a topic (each
publish's deliveries with their outcome and reason), the trail (filterable), the topology (an
SVG graph of keys, topics, subscriptions, queues and dead-letter queues). They read the state
through the service layer (views.py) in a transaction that is always rolled back
(reading.py), and render Jinja2 templates (templates/) with the assets in static/: no CDN, no
build step.

This face imports nothing: jinja2 is imported only when a page is first rendered, so the CLI's
start-up never pays for the console (tests/test_startup_imports.py).
"""

from __future__ import annotations

from awslocal_cli.console.address import PREFIX

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["PREFIX", "ConsoleApp", "mounts"]


def mounts(path: str) -> bool:
    """Whether a request path belongs to the console (`/_awslocal` and below)."""
    return path == PREFIX or path.startswith(PREFIX + "/")


def __getattr__(name: str) -> Any:
    if name == "ConsoleApp":
        from awslocal_cli.console.app import ConsoleApp

        return ConsoleApp
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
