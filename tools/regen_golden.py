"""Regenerate tests/golden/output/ from the samples in tests/test_output.py.

Run: python tools/regen_golden.py   then review `git diff tests/golden/` before committing.
The goldens were checked against the AWS CLI v2's own formatters; a change here is a change in
what users see. tests/test_output.py only compares, whatever the environment says.
"""

from __future__ import annotations

import importlib.util
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    spec = importlib.util.spec_from_file_location("test_output", ROOT / "tests" / "test_output.py")
    assert spec is not None and spec.loader is not None
    samples = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(samples)
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
