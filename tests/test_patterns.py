"""awslocal_cli.patterns: a regular expression that compiles on first use, then acts as one."""

from __future__ import annotations

import re

from awslocal_cli.patterns import Pattern


def test_pattern_compiles_on_first_use_and_matches_as_re_does() -> None:
    lazy = Pattern(r"(?s)([a-z]+):(.+)")
    assert lazy._compiled is None
    compiled = re.compile(lazy.pattern)
    for text in ("key:value", "key:multi\nline", "Key:x", "nocolon", ""):
        got, want = lazy.fullmatch(text), compiled.fullmatch(text)
        assert (got and got.groups()) == (want and want.groups()), text
        assert bool(lazy.match(text)) == bool(compiled.match(text))
        assert bool(lazy.search(text)) == bool(compiled.search(text))
    assert lazy._compiled is not None
    assert [m.group(1) for m in lazy.finditer("a:1 b:2")] == ["a"]
    assert lazy.sub(r"\2", "a:b") == "b"
    assert Pattern(r"\$\{([^}]*)\}").findall("${a} and ${b}") == ["a", "b"]
