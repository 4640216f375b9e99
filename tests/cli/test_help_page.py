"""An operation's --help page is printed without click (start-up, issue 13); it must be the
page click renders for the same command, for every operation, at any terminal width."""

from __future__ import annotations

import click
import pytest

from awslocal_cli.cli import tree
from awslocal_cli.cli.help import operation_help
from awslocal_cli.cli.operation import find_operation, implemented_operations
from awslocal_cli.cli.options import PROG, SERVICES

OPERATIONS = [(s, name) for s in SERVICES for name in sorted(implemented_operations(s))]


def _click_page(service: str, name: str) -> str:
    root = click.Context(tree.cli, info_name=PROG)
    group = tree.ServiceGroup(service)
    group_ctx = click.Context(group, info_name=service, parent=root)
    command = group.get_command(group_ctx, name)
    assert command is not None
    return command.get_help(click.Context(command, info_name=name, parent=group_ctx))


@pytest.mark.parametrize("columns", ["40", "80", "100", "133"])
def test_every_operation_page_is_clicks(monkeypatch: pytest.MonkeyPatch, columns: str) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    monkeypatch.setenv("LINES", "24")
    assert len(OPERATIONS) > 100
    for service, name in OPERATIONS:
        operation = find_operation(service, name)
        assert operation is not None
        assert operation_help(operation) == _click_page(service, name), (service, name)


def test_help_is_printed_without_click(awslocal) -> None:
    result = awslocal("sqs", "send-message", "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: awslocal sqs send-message [OPTIONS]\n")
    assert "--message-body STRING" in result.stdout
    assert result.stdout.endswith("Show this message and exit.\n")
