"""The local clock: durations, timestamps, `awslocal local clock ...` and AWSLOCAL_NOW."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from awslocal_cli.clock import Clock, format_duration, parse_duration, parse_timestamp


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90s", 90), ("15m", 900), ("8d", 8 * 86400), ("1y", 365 * 86400), ("1d12h", 129600),
     ("2w", 14 * 86400), ("45", 45), ("1.5h", 5400)],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "d", "5x", "-5m", "1 d", "abc"])
def test_parse_duration_rejects(text):
    with pytest.raises(ValueError, match="invalid duration"):
        parse_duration(text)


@given(st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from("smhdwy")), min_size=1,
                max_size=5))
def test_parse_duration_sums_its_parts(parts):
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}
    text = "".join(f"{n}{u}" for n, u in parts)
    assert parse_duration(text) == sum(n * units[u] for n, u in parts)


def test_parse_timestamp_forms():
    expected = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert parse_timestamp("2030-01-02T03:04:05Z") == expected
    assert parse_timestamp("2030-01-02T03:04:05+00:00") == expected
    assert parse_timestamp(str(int(expected.timestamp()))) == expected
    with pytest.raises(ValueError, match="invalid timestamp"):
        parse_timestamp("next tuesday")


def test_clock_offset_and_pinning():
    clock = Clock(100.0, base=lambda: 1_000.0)
    assert clock.time() == 1_100.0
    pinned = Clock.pinned(datetime(2030, 1, 1, tzinfo=timezone.utc))
    assert pinned.now() == datetime(2030, 1, 1, tzinfo=timezone.utc)
    assert format_duration(8 * 86400 + 3661) == "8d 1h 1m 1s"


def test_local_clock_advance_show_reset(awslocal):
    before = awslocal("local", "clock", "show").json
    assert before["OffsetSeconds"] == 0
    advanced = awslocal("local", "clock", "advance", "8d").json
    assert advanced["OffsetSeconds"] == 8 * 86400
    assert advanced["Offset"] == "8d 0h 0m 0s"
    now = datetime.fromisoformat(advanced["Now"])
    assert (now - datetime.now(timezone.utc)).total_seconds() > 8 * 86400 - 60
    again = awslocal("local", "clock", "advance", "1h").json
    assert again["OffsetSeconds"] == 8 * 86400 + 3600
    assert awslocal("local", "clock", "reset").json["OffsetSeconds"] == 0


def test_local_clock_set(awslocal):
    result = awslocal("local", "clock", "set", "2040-06-01T00:00:00Z")
    assert result.exit_code == 0, result
    assert result.json["Now"].startswith("2040-06-01T00:00")


def test_local_clock_bad_duration_is_252(awslocal):
    result = awslocal("local", "clock", "advance", "soon")
    assert result.exit_code == 252
    assert "invalid duration 'soon'" in result.stderr


def test_awslocal_now_pins_the_clock(awslocal, monkeypatch):
    monkeypatch.setenv("AWSLOCAL_NOW", "2031-03-04T05:06:07Z")
    result = awslocal("local", "clock", "show")
    assert result.json["Now"] == "2031-03-04T05:06:07+00:00"
    assert result.json["PinnedByAWSLOCAL_NOW"] is True


def test_local_info_and_reset(awslocal, isolated_state):
    info = awslocal("local", "info").json
    assert info["StateDirectory"] == str(isolated_state)
    assert info["SchemaVersion"] >= 1
    refused = awslocal("local", "reset")
    assert refused.exit_code == 252
    assert "--yes" in refused.stderr
    awslocal("local", "clock", "advance", "1d")
    done = awslocal("local", "reset", "--yes")
    assert done.exit_code == 0, done
    assert awslocal("local", "clock", "show").json["OffsetSeconds"] == 0


def test_bad_query_on_a_local_command_changes_nothing(awslocal):
    awslocal("local", "clock", "advance", "1d")
    result = awslocal("local", "reset", "--yes", "--query", "Rows[")
    assert result.exit_code == 252
    assert "Bad value for --query" in result.stderr
    assert awslocal("local", "clock", "show").json["OffsetSeconds"] == 86400
