"""Runs AWS CLI v2 command lines read from stdin (one JSON argv a line), one result a line.

Executed by the reference AWS CLI v2's own interpreter (../shared/tools/aws-v2's virtual
environment, PYTHONPATH on its source), not by the test suite's: one process serves every
command of a test module, so the comparison does not pay the CLI's start-up each time.
Each command gets a fresh driver and its own stdout and stderr, as a new `aws` process would.
"""

import io
import json
import sys

from awscli.clidriver import create_clidriver


def run(argv):
    out_bytes, err_bytes = io.BytesIO(), io.BytesIO()
    out = io.TextIOWrapper(out_bytes, encoding="utf-8", newline="")
    err = io.TextIOWrapper(err_bytes, encoding="utf-8", newline="")
    real = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        code = create_clidriver().main(argv)
    except SystemExit as exc:
        code = exc.code
    finally:
        out.flush()
        err.flush()
        sys.stdout, sys.stderr = real
    return {"rc": code, "stdout": out_bytes.getvalue().decode(),
            "stderr": err_bytes.getvalue().decode()}


for line in sys.stdin:
    sys.stdout.write(json.dumps(run(json.loads(line))) + "\n")
    sys.stdout.flush()
