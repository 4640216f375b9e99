"""What awslocal's own commands say of themselves (issue 23): absolute paths, an export report,
one timestamp format, and a warning when serve listens beyond loopback."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys

import pytest

from awslocal_cli.cli.serve import exposure_warning

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$")


def test_local_info_names_a_relative_state_directory_absolutely(awslocal, tmp_path,
                                                                monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = awslocal("--state-dir", "rel-state", "local", "info")
    assert result.exit_code == 0, result
    assert result.json["StateDirectory"] == str(tmp_path / "rel-state")
    check = awslocal("--state-dir", "rel-state", "local", "check")
    assert check.json["StateDirectory"] == str(tmp_path / "rel-state")


def test_export_to_a_file_reports_what_it_wrote(awslocal, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    key = awslocal("kms", "create-key").json["KeyMetadata"]["KeyId"]
    awslocal("kms", "create-alias", "--alias-name", "alias/reported", "--target-key-id", key)
    url = awslocal("sqs", "create-queue", "--queue-name", "reported").json["QueueUrl"]
    for body in ("one", "two"):
        awslocal("sqs", "send-message", "--queue-url", url, "--message-body", body)
    awslocal("sns", "create-topic", "--name", "reported")
    (tmp_path / "pass.txt").write_text("a passphrase\n")

    result = awslocal("local", "export", "--include-messages", "--passphrase-file", "pass.txt",
                      "--output-file", "out.json")
    assert result.exit_code == 0, result
    report = result.json
    written = tmp_path / "out.json"
    assert report["File"] == str(written)
    assert report["Bytes"] == written.stat().st_size
    assert (report["Format"], report["FormatVersion"]) == ("json", json.loads(
        written.read_text())["FormatVersion"])
    assert (report["Keys"], report["Aliases"], report["Queues"], report["Topics"]) == (1, 1, 1, 1)
    assert (report["IncludesMessages"], report["Messages"]) == (True, 2)
    assert report["SecretsIncluded"] is True
    assert "a passphrase" not in result.stdout

    bare = awslocal("local", "export", "--no-secrets", "--format", "yaml", "--output-file",
                    "bare.yaml")
    assert bare.exit_code == 0, bare
    assert bare.json["SecretsIncluded"] is False and bare.json["IncludesMessages"] is False
    assert "Messages" not in bare.json and bare.json["Format"] == "yaml"
    queried = awslocal("local", "export", "--no-secrets", "--output-file", "q.json",
                       "--query", "Queues", "--output", "text")
    assert queried.stdout == "1\n"


def test_export_to_standard_output_prints_only_the_document(awslocal):
    result = awslocal("local", "export", "--no-secrets")
    assert result.exit_code == 0, result
    assert json.loads(result.stdout)["Format"] == "awslocal-state-export"


@pytest.mark.parametrize("fmt", ["json", "table", "text", "yaml"])
def test_deliveries_print_times_as_every_other_output_does(awslocal, fmt):
    topic = awslocal("sns", "create-topic", "--name", "times").json["TopicArn"]
    # Nothing listens on port 9: the confirmation fails and is retried later.
    assert awslocal("sns", "subscribe", "--topic-arn", topic, "--protocol", "http",
                    "--notification-endpoint", "http://127.0.0.1:9/x").exit_code == 0
    as_json = awslocal("local", "deliveries").json
    row = as_json["Deliveries"][0]
    assert ISO.match(row["Time"]), row
    due = row["Reason"].rsplit("due at ", 1)[1]
    assert ISO.match(due), row["Reason"]
    printed = awslocal("local", "deliveries", "--output", fmt).stdout
    assert row["Time"] in printed
    assert not re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", printed), printed


def test_no_warning_on_loopback_and_a_warning_naming_what_is_reachable_beyond_it():
    for host in ("127.0.0.1", "::1", "127.0.0.2"):
        assert exposure_warning([(host, 4566)], "/s", verify_signatures=False) is None
    text = exposure_warning([("0.0.0.0", 4566)], "/home/you/state", verify_signatures=False)
    assert text.startswith("awslocal: [WARNING]: ")
    assert "0.0.0.0:4566 (every network interface)" in text
    assert "/home/you/state" in text and "KMS" in text and "SQS" in text and "SNS" in text
    assert "signatures are not verified" in text
    signed = exposure_warning([("192.0.2.7", 80), ("127.0.0.1", 80)], "/s",
                              verify_signatures=True)
    assert "192.0.2.7:80" in signed and "127.0.0.1:80" not in signed
    assert "signs its requests" in signed


def test_serve_on_every_interface_warns_on_start_up(tmp_path):
    pytest.importorskip("uvicorn")
    (tmp_path / "c").write_text("[default]\naws_access_key_id = local\n"
                                "aws_secret_access_key = local-secret\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "awslocal_cli", "--state-dir", str(tmp_path / "s"), "serve",
         "--host", "0.0.0.0", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "c")},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert proc.stdout.readline().startswith("awslocal serve: listening on http://0.0.0.0:")
        warning = ""
        while "[WARNING]: serve listens beyond" not in warning:
            line = proc.stderr.readline()
            assert line, "serve stopped before warning"
            warning = line
        assert "(every network interface)" in warning
        assert "signs its requests" in warning  # verification is on by default
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(20)
        proc.stdout.close()
        proc.stderr.close()
