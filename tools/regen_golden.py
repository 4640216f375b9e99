"""Regenerate the golden files the tests compare with; the tests themselves never write them.

    python tools/regen_golden.py            # tests/golden/output/ from tests/test_output.py
    python tools/regen_golden.py --export   # and tests/golden/export/ (portable/test_export.py)

Then review `git diff tests/golden/` before committing. The output goldens were checked against
the AWS CLI v2's own formatters; a change there is a change in what users see. The export
golden is what release 1 of the export format wrote, and every later release must import it:
write it anew only when the format changes version.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _load(name: str, path: pathlib.Path):
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Result:
    def __init__(self, proc: subprocess.CompletedProcess) -> None:
        self.exit_code, self.stdout, self.stderr = proc.returncode, proc.stdout, proc.stderr

    @property
    def json(self):
        return json.loads(self.stdout)

    def __repr__(self) -> str:
        return f"Result({self.exit_code}, stdout={self.stdout!r}, stderr={self.stderr!r})"


def regen_export() -> None:
    """tests/golden/export/ from the state tests/portable/test_export.py builds, made with
    `awslocal` in subprocesses on a scratch home (no AWS_* variable of this shell reaches it)."""
    test_export = _load("test_export", ROOT / "tests" / "portable" / "test_export.py")
    with tempfile.TemporaryDirectory(prefix="awslocal-golden-") as tmp:
        home = pathlib.Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AWSLOCAL_"))}
        env.update(HOME=tmp, AWS_CONFIG_FILE=str(home / "aws-config"),
                   AWS_SHARED_CREDENTIALS_FILE=str(home / "aws-credentials"),
                   AWSLOCAL_STATE_DIR=str(home / "state"))

        def awslocal(*args: str) -> _Result:
            return _Result(subprocess.run([sys.executable, "-m", "awslocal_cli", *args],
                                          capture_output=True, text=True, env=env, cwd=ROOT))

        test_export.regenerate(awslocal, home)
    from awslocal_cli.portable.export import FORMAT_VERSION

    for name in (f"v{FORMAT_VERSION}.json", f"v{FORMAT_VERSION}.facts.json"):
        print(f"wrote {(test_export.GOLDEN / name).relative_to(ROOT)}")


def main() -> int:
    if "--export" in sys.argv[1:]:
        regen_export()
    samples = _load("test_output", ROOT / "tests" / "test_output.py")
    # As the test's terminal_80 fixture: tables sized for 80 columns, whatever this terminal is.
    samples.output._terminal_width = lambda: 80
    changed = 0
    for sample in sorted(samples.SAMPLES):
        for fmt in samples.FORMATS:
            path = samples.golden_path(sample, fmt)
            data = samples.golden_text(sample, fmt).encode("utf-8")
            if path.exists() and path.read_bytes() == data:
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            changed += 1
            print(f"wrote {path.relative_to(ROOT)}")
    print(f"{changed} golden file(s) changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
