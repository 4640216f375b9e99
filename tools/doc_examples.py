"""Run the AWS CLI's documented kms, sqs and sns examples on a freshly seeded state each.

    python tools/doc_examples.py           # print which run, with counts per service
    python tools/doc_examples.py --write   # also rewrite tests/portable/doc_examples_covered.txt

What runs and how: tests/portable/test_doc_examples.py (the test compares with the list).
"""

from __future__ import annotations

import importlib.util
import os
import pathlib
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main() -> int:
    spec = importlib.util.spec_from_file_location(
        "test_doc_examples", ROOT / "tests" / "portable" / "test_doc_examples.py")
    assert spec is not None and spec.loader is not None
    docs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(docs)
    with tempfile.TemporaryDirectory() as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AWSLOCAL_"))}
        env.update(HOME=home, AWS_CONFIG_FILE=os.path.join(home, "config"),
                   AWS_SHARED_CREDENTIALS_FILE=os.path.join(home, "credentials"))
        start = time.monotonic()
        errors: dict[str, str] = {}
        ran = docs.run_all(env, errors)
        elapsed = time.monotonic() - start
    ok = sorted(name for name, code in ran.items() if code == 0)
    for name, code in sorted(ran.items()):
        print(f"{'ok ' if code == 0 else f'{code:3d}'} {name} {errors.get(name, '')[:150]}")
    for service, (n, total) in docs.counts(set(ok)).items():
        print(f"{service} {n} of {total}")
    print(f"{len(ran)} examples in {elapsed:.1f} s")
    if "--write" in sys.argv[1:]:
        docs.COVERED.write_text(
            "# The AWS CLI's documented examples that run as written on a state seeded with\n"
            "# state/examples/aws-docs.yaml (tests/portable/test_doc_examples.py).\n"
            "# Rewritten by: python tools/doc_examples.py --write\n" + "\n".join(ok) + "\n")
        print(f"wrote {docs.COVERED.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
