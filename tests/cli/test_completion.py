"""Shell completion: the candidates, and real bash, zsh and fish sessions on a pseudo-terminal.

The interactive tests type a partial command line and <TAB> into the shell with the script from
completions/ loaded, then press Enter: the command runs only if completion filled in the
values (queue URL, alias, topic ARN, enum values, --output, --profile). A shell that is not
installed is skipped (`.ci/run` installs zsh and fish).
"""

from __future__ import annotations

import os
import re
import select
import shutil
import sys
import time
from pathlib import Path

import pytest

from awslocal_cli.cli.complete import candidates, profiles
from awslocal_cli.store.names import resource_names

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@pytest.fixture
def state(awslocal, isolated_state):
    awslocal("sqs", "create-queue", "--queue-name", "orders")
    key = awslocal("kms", "create-key", "--description", "completion-demo", "--query",
                   "KeyMetadata.KeyId", "--output", "text").stdout.strip()
    awslocal("kms", "create-alias", "--alias-name", "alias/demo", "--target-key-id", key)
    topic = awslocal("sns", "create-topic", "--name", "alerts", "--query", "TopicArn",
                     "--output", "text").stdout.strip()
    queue_arn = "arn:aws:sqs:us-east-1:123456789012:orders"
    sub = awslocal("sns", "subscribe", "--topic-arn", topic, "--protocol", "sqs",
                   "--notification-endpoint", queue_arn, "--return-subscription-arn",
                   "--query", "SubscriptionArn", "--output", "text").stdout.strip()
    return {"key": key, "topic": topic, "sub": sub, "dir": isolated_state}


def test_commands_operations_and_options(state):
    assert candidates([], "") == ["kms", "sqs", "sns", "sts", "cloudtrail", "local", "help"]
    assert "get-caller-identity" in candidates(["sts"], "get-c")
    assert "--queue-url" in candidates(["sqs", "send-message"], "--q")
    assert "--query" in candidates(["sqs", "send-message"], "--q")  # the global one
    assert candidates(["sqs", "send-message", "--queue-url", "x"], "--queue") == []  # given
    assert "confirm-subscription" in candidates(["local"], "")
    assert candidates(["local", "clock"], "") == ["show", "advance", "set", "reset"] or set(
        candidates(["local", "clock"], "")) == {"show", "advance", "set", "reset"}


def test_global_option_values(tmp_path, monkeypatch):
    assert candidates(["--output"], "") == ["json", "text", "table", "yaml", "yaml-stream", "off"]
    assert candidates(["sqs", "list-queues", "--output"], "y") == ["yaml", "yaml-stream"]
    assert "eu-west-1" in candidates(["--region"], "eu-")
    assert candidates(["--color"], "") == ["on", "off", "auto"]
    config = tmp_path / "config"
    config.write_text("[default]\nregion = us-east-1\n[profile alice]\n[sso-session corp]\n")
    creds = tmp_path / "credentials"
    creds.write_text("[bob]\naws_access_key_id = AKIDBOB\n[alice]\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(creds))
    assert profiles(os.environ) == ["default", "alice", "bob"]
    assert candidates(["--profile"], "") == ["default", "alice", "bob"]


def test_enum_values_from_the_models():
    spec = candidates(["kms", "create-key", "--key-spec"], "")
    assert "ECC_NIST_P256" in spec and "SYMMETRIC_DEFAULT" in spec and "ML_DSA_65" in spec
    assert candidates(["kms", "create-key", "--key-usage"], "SIGN") == ["SIGN_VERIFY"]
    names = candidates(["sqs", "get-queue-attributes", "--attribute-names"], "")
    assert "QueueArn" in names and "All" in names
    # a list option takes several values: the names are offered after the first one too
    assert "QueueArn" in candidates(
        ["sqs", "get-queue-attributes", "--attribute-names", "All"], "Queue")
    assert candidates(["kms", "create-key", "--description"], "") == []


def test_resource_names_from_the_local_state(state):
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/orders"
    assert candidates(["sqs", "send-message", "--queue-url"], "") == [url]
    keys = candidates(["kms", "describe-key", "--key-id"], "")
    assert state["key"] in keys and "alias/demo" in keys
    assert candidates(["kms", "encrypt", "--key-id"], "alias/") == ["alias/demo"]
    assert candidates(["sns", "publish", "--topic-arn"], "") == [state["topic"]]
    assert candidates(["sns", "unsubscribe", "--subscription-arn"], "") == [state["sub"]]
    assert candidates(["local", "deliveries", "--topic-arn"], "") == [state["topic"]]
    # other regions are other states, as in AWS
    assert candidates(["--region", "eu-west-1", "sqs", "send-message", "--queue-url"], "") == []


def test_file_values_complete_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "message.txt").write_text("hello")
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "wrapped.bin").write_bytes(b"x")
    assert candidates(["kms", "encrypt", "--plaintext"], "fileb://m") == ["fileb://message.txt"]
    assert candidates(["kms", "encrypt", "--plaintext"], "fileb://") == [
        "fileb://keys/", "fileb://message.txt"]
    assert candidates(["sqs", "send-message", "--message-body"], "file://keys/") == [
        "file://keys/wrapped.bin"]


def test_completion_never_creates_or_migrates_a_state(tmp_path, monkeypatch):
    missing = tmp_path / "nothing-here"
    monkeypatch.setenv("AWSLOCAL_STATE_DIR", str(missing))
    assert candidates(["sqs", "send-message", "--queue-url"], "") == []
    assert not missing.exists()
    garbage = tmp_path / "garbage"
    garbage.mkdir()
    (garbage / "state.db").write_bytes(b"not sqlite" * 50)
    assert resource_names(garbage, "123456789012", "us-east-1", "queue-url") == []
    assert (garbage / "state.db").read_bytes() == b"not sqlite" * 50


def test_resource_query_is_fast(state):
    started = time.perf_counter()
    for _ in range(10):
        resource_names(state["dir"], "123456789012", "us-east-1", "key-id")
    assert (time.perf_counter() - started) / 10 < 0.1


def test_bash_answers_only_the_part_after_a_word_break(state, monkeypatch, capsys):
    from awslocal_cli.cli import complete

    monkeypatch.setenv("_AWSLOCAL_COMPLETE", "bash")
    monkeypatch.setenv("_AWSLOCAL_CURRENT", "arn:aws:sns:us")
    monkeypatch.setenv("_AWSLOCAL_WORDBREAKS", "\"'><=;|&(:")
    monkeypatch.setattr(sys, "argv", ["awslocal", "sns", "publish", "--topic-arn"])
    with pytest.raises(SystemExit):
        complete.complete()
    assert capsys.readouterr().out == state["topic"][len("arn:aws:sns:"):] + "\n"


# -- real shells on a pseudo-terminal ------------------------------------------------------------

PROMPT = "PROMPT> "
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[=>()][0-9A-B]?")


class Terminal:
    """A shell on a pseudo-terminal: type into it, read what it prints."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path) -> None:
        import pty

        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # pragma: no cover - the child
            os.chdir(cwd)
            os.execvpe(argv[0], argv, env)
        self.seen = ""

    def read_until(self, pattern: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = ANSI.sub("", self.seen).replace("\r", "")
            if re.search(pattern, text):
                return text
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if ready:
                try:
                    data = os.read(self.fd, 65536)
                except OSError:
                    break
                if not data:
                    break
                self.seen += data.decode("utf-8", "replace")
        raise AssertionError(f"never saw {pattern!r}; the terminal showed:\n{self.seen[-3000:]}")

    def type(self, text: str) -> None:
        os.write(self.fd, text.encode())

    def settle(self, quiet: float = 0.15, timeout: float = 10.0) -> None:
        """Wait for the shell to answer (new output), then for it to go quiet."""
        before = len(self.seen)
        deadline = time.monotonic() + timeout
        last = time.monotonic()
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if ready:
                data = os.read(self.fd, 65536)
                if not data:
                    return
                self.seen += data.decode("utf-8", "replace")
                last = time.monotonic()
            elif len(self.seen) > before and time.monotonic() - last > quiet:
                return

    def run(self, keys: str, expect: str) -> str:
        """Type `keys` (with <TAB>s, each given time to answer), Enter, and wait for `expect`."""
        start = len(self.seen)
        parts = keys.split("\t")
        for part in parts[:-1]:
            self.type(part)
            self.settle(quiet=0.05)
            self.type("\t")
            self.settle()
        self.type(parts[-1] + "\r")
        self.read_until(PROMPT + r".*\n(.|\n)*" + expect)
        self.read_until(expect + r"(.|\n)*" + PROMPT)
        return ANSI.sub("", self.seen[start:])

    def close(self) -> None:
        import contextlib
        import signal

        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)  # the shell this test started, by its pid
        os.waitpid(self.pid, 0)
        os.close(self.fd)


SESSION = [
    # (keys typed, with <TAB> where completion must fill in; what the command then prints)
    ("awslocal sqs get-queue-attributes --queue-url https://sqs\t--attribute-names QueueA\t"
     "--output tex\t--query Attributes.QueueArn", r"arn:aws:sqs:us-east-1:123456789012:orders\n"),
    ("awslocal kms describe-key --key-id alias/de\t--output text --query KeyMetadata.Description",
     r"\ncompletion-demo\n"),
    ("awslocal sns get-topic-attributes --topic-arn arn\t--output text "
     "--query Attributes.Owner", r"\n123456789012\n"),
    ("awslocal kms create-key --key-spec ECC_NIST_P38\t--key-usage SIGN_V\t"
     "--output text --query KeyMetadata.KeyUsage", r"\nSIGN_VERIFY\n"),
    ("awslocal --output yaml-s\tsts get-caller-identity", r"- Account: '123456789012'\n"),
    ("awslocal --profile ali\tsts get-caller-identity --query Arn --output text",
     r"\narn:aws:iam::123456789012:user/alice\n"),
    # file:// values complete paths (message.txt holds "hello": its MD5 is printed)
    ("awslocal sqs send-message --queue-url https://sqs\t--message-body file://mess\t"
     "--query MD5OfMessageBody --output text", r"\n5d41402abc4b2a76b9719d911017c592\n"),
]


def _shell_env(state, tmp_path) -> dict[str, str]:
    config = tmp_path / "aws-config"
    config.write_text("[default]\n[profile alice]\n")
    env = {
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": str(tmp_path),
        "TERM": "xterm",
        "LANG": "C.UTF-8",
        "AWSLOCAL_STATE_DIR": str(state["dir"]),
        "AWS_CONFIG_FILE": str(config),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg"),
        "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
    }
    return env


SHELLS = {
    "bash": (["bash", "--norc", "--noprofile", "-i"],
             f"PS1='{PROMPT}'; bind 'set bell-style none'; "
             f"source {ROOT / 'completions' / 'awslocal.bash'}\r"),
    "zsh": (["zsh", "-f", "-i"],
            f"PS1='{PROMPT}'; autoload -Uz compinit && compinit -u; "
            f"source {ROOT / 'completions' / '_awslocal.zsh'}\r"),
    "fish": (["fish", "--no-config", "-i"],
             f"function fish_prompt; echo -n '{PROMPT}'; end; "
             f"source {ROOT / 'completions' / 'awslocal.fish'}\r"),
}


@pytest.mark.parametrize("shell", sorted(SHELLS))
def test_completion_in_an_interactive_shell(shell, state, tmp_path):
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed (apt-get install {shell})")
    if shutil.which("awslocal", path=str(BIN)) is None:
        pytest.skip("no awslocal console script beside this interpreter")
    argv, setup = SHELLS[shell]
    (tmp_path / "message.txt").write_text("hello")
    terminal = Terminal(argv, _shell_env(state, tmp_path), tmp_path)
    try:
        time.sleep(0.5)
        terminal.type(setup)
        terminal.read_until(PROMPT)
        terminal.type("echo READY\r")
        terminal.read_until(r"\nREADY\n(.|\n)*" + PROMPT)
        for keys, expect in SESSION:
            terminal.run(keys, expect)
    finally:
        terminal.close()
