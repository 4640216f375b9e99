"""awslocal_cli.testing.mock_aws: moto's users change one import (issue 20, section 3)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import boto3
import pytest
from freezegun import freeze_time

from awslocal_cli import sdk
from awslocal_cli.testing import DeliveryRefusedWarning, ServiceNotCovered, mock_aws

SUITE = Path(__file__).parent / "moto_style" / "suite.py"
AWSLOCAL_IMPORT = "from awslocal_cli.testing import mock_aws  # was: from moto import mock_aws"
REGION = "us-east-1"


def _run_suite(tmp_path: Path, import_line: str) -> subprocess.CompletedProcess[str]:
    text = SUITE.read_text(encoding="utf-8")
    assert AWSLOCAL_IMPORT in text
    (tmp_path / "test_moto_style.py").write_text(text.replace(AWSLOCAL_IMPORT, import_line),
                                                encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error",
         "--rootdir", str(tmp_path), "test_moto_style.py"],
        cwd=tmp_path, capture_output=True, text=True,
    )


def test_a_moto_suite_runs_unchanged_but_for_the_import(tmp_path: Path) -> None:
    done = _run_suite(tmp_path, AWSLOCAL_IMPORT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "17 passed" in done.stdout, done.stdout


def test_the_suite_is_a_moto_suite(tmp_path: Path) -> None:
    """The oracle: the same module passes under moto's own mock_aws."""
    pytest.importorskip("moto")
    done = _run_suite(tmp_path, "from moto import mock_aws")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "17 passed" in done.stdout, done.stdout


MIXED = """\
import boto3
from awslocal_cli.testing import mock_aws
import moto

with mock_aws():
    url = boto3.client("sqs").create_queue(QueueName="by-awslocal")["QueueUrl"]
    with moto.mock_aws():
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket="bucket-by-moto")
        print(s3.list_buckets()["Buckets"][0]["Name"])
        print(boto3.client("sqs").list_queues()["QueueUrls"] == [url])
"""


def test_moto_answers_what_awslocal_does_not_when_both_are_active(tmp_path: Path) -> None:
    pytest.importorskip("moto")
    done = subprocess.run([sys.executable, "-W", "error", "-c", MIXED], cwd=tmp_path,
                          capture_output=True, text=True,
                          env={**os.environ, "AWS_DEFAULT_REGION": REGION})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["bucket-by-moto", "True"]


@pytest.fixture
def region(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    return REGION


@pytest.mark.parametrize(("service", "call", "operation"), [
    ("s3", lambda c: c.list_buckets(), "ListBuckets"),
    ("dynamodb", lambda c: c.list_tables(), "ListTables"),
])
def test_another_service_is_refused_by_name(region: str, service: str, call: object,
                                            operation: str) -> None:
    with mock_aws():
        client = boto3.client(service)
        with pytest.raises(ServiceNotCovered) as raised:
            call(client)  # type: ignore[operator]
    assert isinstance(raised.value, NotImplementedError)
    assert f"called {service} ({operation})" in str(raised.value)
    assert "KMS, SQS, SNS and STS" in str(raised.value)


def test_each_activation_has_a_fresh_state_removed_at_the_end(region: str) -> None:
    first = mock_aws()
    with first:
        state = first.state_dir
        assert state is not None and (Path(state) / "state.db").exists() is False
        boto3.client("sqs").create_queue(QueueName="kept")
        assert (Path(state) / "state.db").exists()
        assert os.stat(state).st_mode & 0o777 == 0o700
        with mock_aws():  # nested: the same state
            assert len(boto3.client("sqs").list_queues()["QueueUrls"]) == 1
        assert len(boto3.client("sqs").list_queues()["QueueUrls"]) == 1
    assert not Path(state).exists()
    with mock_aws() as second:
        assert second.state_dir != state
        assert "QueueUrls" not in boto3.client("sqs").list_queues()


def test_stop_keeps_the_state_when_asked_and_start_can_resume_it(region: str) -> None:
    mock = mock_aws()
    mock.start()
    boto3.client("sns").create_topic(Name="kept")
    mock.stop(remove_data=False)
    mock.start(reset=False)
    try:
        assert len(boto3.client("sns").list_topics()["Topics"]) == 1
    finally:
        mock.stop()
    assert mock.state_dir is None


def test_stop_before_start_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="stop\\(\\) before start\\(\\)"):
        mock_aws().stop()


def test_credentials_are_placeholders_while_active(region: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALKEYEXAMPLE")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)
    with mock_aws():
        identity = boto3.client("sts").get_caller_identity()
        assert identity["Arn"] == "arn:aws:iam::123456789012:user/default"
    assert os.environ["AWS_ACCESS_KEY_ID"] == "AKIAREALKEYEXAMPLE"
    assert "AWS_SECRET_ACCESS_KEY" not in os.environ


def test_moto_config_can_keep_the_real_credentials(region: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "alice")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    with mock_aws(config={"core": {"mock_credentials": False}}):
        identity = boto3.client("sts").get_caller_identity()
    assert identity["Arn"] == "arn:aws:iam::123456789012:user/alice"


def test_awslocal_account_id_wins_over_moto_account_id(region: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "111122223333")
    monkeypatch.setenv("AWSLOCAL_ACCOUNT_ID", "444455556666")
    with mock_aws():
        assert boto3.client("sts").get_caller_identity()["Account"] == "444455556666"


def test_a_client_made_before_the_activation_is_answered_during_it(
        region: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")  # as moto asks: a client made outside
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")  # the mock signs with these
    client = boto3.client("sqs")
    with mock_aws():
        assert client.create_queue(QueueName="early")["QueueUrl"].endswith("/early")


def test_an_sdk_session_keeps_its_own_state_while_mock_aws_is_active(
        region: str, tmp_path: Path) -> None:
    mine = sdk.client("sqs", state_dir=tmp_path / "mine", region=REGION)
    mine.create_queue(QueueName="mine")
    with mock_aws():
        assert "QueueUrls" not in boto3.client("sqs").list_queues()
        assert len(mine.list_queues()["QueueUrls"]) == 1


def test_class_decoration_leaves_static_and_class_methods_alone() -> None:
    @mock_aws
    class Suite:
        @staticmethod
        def helper() -> str:
            return "static"

        @classmethod
        def build(cls) -> str:
            return cls.__name__

        def test_active(self) -> str | None:
            return mock_aws().state_dir

    assert Suite.helper() == "static"
    assert Suite.build() == "Suite"
    assert Suite().test_active() is not None
    assert mock_aws().state_dir is None


def test_a_coroutine_function_runs_inside_the_mock(region: str) -> None:
    @mock_aws
    async def scenario() -> list[str]:
        sqs = boto3.client("sqs")
        sqs.create_queue(QueueName="async")
        return sqs.list_queues()["QueueUrls"]

    assert len(asyncio.run(scenario())) == 1


def test_freezegun_moves_the_clock_of_an_sdk_client_too(tmp_path: Path) -> None:
    kms = sdk.client("kms", state_dir=tmp_path / "s", region=REGION)
    with freeze_time("2021-06-07 08:09:10"):
        created = kms.create_key()["KeyMetadata"]["CreationDate"]
    assert created.isoformat() == "2021-06-07T08:09:10+00:00"


# -- the loud refusal --------------------------------------------------------------------------


def _topic_to_queue(sqs: object, sns: object) -> tuple[str, str, str]:
    url = sqs.create_queue(QueueName="inbox")["QueueUrl"]  # type: ignore[attr-defined]
    queue_arn = sqs.get_queue_attributes(  # type: ignore[attr-defined]
        QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    topic_arn = sns.create_topic(Name="events")["TopicArn"]  # type: ignore[attr-defined]
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs",  # type: ignore[attr-defined]
                  Endpoint=queue_arn)
    return url, queue_arn, topic_arn


def _deliveries(awslocal: object, state_dir: str) -> list[dict[str, str]]:
    done = awslocal("--state-dir", state_dir, "--region", REGION,  # type: ignore[operator]
                    "local", "deliveries")
    assert done.exit_code == 0, done
    assert done.stderr == ""
    return json.loads(done.stdout)["Deliveries"]


def test_a_refused_delivery_warns_naming_topic_queue_and_permission(region: str,
                                                                    awslocal: object) -> None:
    with mock_aws() as mock:
        sqs, sns = boto3.client("sqs"), boto3.client("sns")
        url, queue_arn, topic_arn = _topic_to_queue(sqs, sns)
        with pytest.warns(DeliveryRefusedWarning) as caught:
            sns.publish(TopicArn=topic_arn, Message="lost")
        assert len(caught) == 1
        text = str(caught[0].message)
        assert topic_arn in text and queue_arn in text
        assert "sqs:SendMessage" in text and "sns.amazonaws.com" in text
        assert caught[0].filename == __file__  # it points at the test's Publish line
        assert "Messages" not in sqs.receive_message(QueueUrl=url)
        assert mock.state_dir is not None
        rows = _deliveries(awslocal, mock.state_dir)
    assert [(r["Endpoint"], r["Status"]) for r in rows] == [(queue_arn, "refused")]
    assert "sqs:SendMessage" in (rows[0]["Reason"] or "")


def test_under_warnings_as_errors_the_publish_raises_once(region: str, awslocal: object) -> None:
    with mock_aws() as mock:
        sns = boto3.client("sns")
        _, _, topic_arn = _topic_to_queue(boto3.client("sqs"), sns)
        with warnings.catch_warnings():
            warnings.simplefilter("error", DeliveryRefusedWarning)
            with pytest.raises(DeliveryRefusedWarning, match="did not deliver"):
                sns.publish(TopicArn=topic_arn, Message="lost")
        assert mock.state_dir is not None
        rows = _deliveries(awslocal, mock.state_dir)
    assert [r["Status"] for r in rows] == ["refused"]  # not retried by botocore


def test_the_cli_publishes_a_refused_delivery_without_a_warning(awslocal: object,
                                                               isolated_state: Path) -> None:
    state = str(isolated_state)
    sqs = sdk.client("sqs", state_dir=state, region=REGION)
    sns = sdk.client("sns", state_dir=state, region=REGION)
    _, _, topic_arn = _topic_to_queue(sqs, sns)  # sdk.client: no warnings asked for
    sns.publish(TopicArn=topic_arn, Message="by sdk.client")
    done = awslocal("sns", "publish", "--topic-arn", topic_arn,  # type: ignore[operator]
                    "--message", "by the CLI", "--region", REGION)
    assert done.exit_code == 0 and done.stderr == ""
    assert list(json.loads(done.stdout)) == ["MessageId"]
    assert [r["Status"] for r in _deliveries(awslocal, state)] == ["refused", "refused"]


def test_the_pytest_fixtures_warn_too(awslocal_client: object) -> None:
    sqs, sns = awslocal_client("sqs"), awslocal_client("sns")  # type: ignore[operator]
    _, _, topic_arn = _topic_to_queue(sqs, sns)
    with pytest.warns(DeliveryRefusedWarning, match="did not deliver to SQS queue"):
        sns.publish(TopicArn=topic_arn, Message="lost")


def test_the_mock_aws_fixture(awslocal_mock_aws: object, region: str) -> None:
    state = awslocal_mock_aws.state_dir  # type: ignore[attr-defined]
    assert state is not None
    boto3.client("kms").create_key()
    assert (Path(state) / "state.db").exists()
    assert len(boto3.client("kms").list_keys()["Keys"]) == 1
