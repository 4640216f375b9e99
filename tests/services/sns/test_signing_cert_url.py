"""SigningCertURL is built without pathlib: it must equal Path.resolve().as_uri()."""

from __future__ import annotations

from pathlib import Path

import pytest

from awslocal_cli.services.sns.signing import _file_uri


@pytest.mark.parametrize("name", ["plain.pem", "with space.pem", "ünïcödé%25.pem", "a~b_c-d.pem",
                                  "../up/x.pem", "#hash?.pem"])
def test_file_uri_matches_pathlib(tmp_path: Path, name: str) -> None:
    path = tmp_path / "sns" / name
    assert _file_uri(str(path)) == path.resolve().as_uri()
