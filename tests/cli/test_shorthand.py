"""The shorthand parser against the AWS CLI v2's grammar (awscli/shorthand.py, branch v2)."""

from __future__ import annotations

import string
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from awslocal_cli.cli import shorthand
from awslocal_cli.cli.shorthand import (
    DuplicateKeyError,
    ShorthandParseError,
    ShorthandSyntaxError,
    looks_like_json,
    parse,
)

# -- what parses, and to what -----------------------------------------------------------------

PARSES = [
    # scalars
    ("a=b", {"a": "b"}),
    ("a=b,c=d", {"a": "b", "c": "d"}),
    ("Key=x,Value=y,Other=z", {"Key": "x", "Value": "y", "Other": "z"}),
    ("a=", {"a": ""}),
    ("a=,b=", {"a": "", "b": ""}),
    ("a=,b=c", {"a": "", "b": "c"}),
    ("=v", {"": "v"}),
    ("a=b=c", {"a": "b=c"}),
    ("a=x[1{2", {"a": "x[1{2"}),
    ("a=}", {"a": "}"}),
    ("a=caf\u00e9", {"a": "caf\u00e9"}),
    ("a=\u2713,\u2713", {"a": ["\u2713", "\u2713"]}),
    # csv lists: more than one value after "=" is a list
    ("Name=x,Values=a,b", {"Name": "x", "Values": ["a", "b"]}),
    ("a=1,2,3", {"a": ["1", "2", "3"]}),
    ("a=1,2,b=3,4", {"a": ["1", "2"], "b": ["3", "4"]}),
    ("a=x,y,b=[z]", {"a": ["x", "y"], "b": ["z"]}),
    ("a=x y,z w", {"a": ["x y", "z w"]}),
    ("a=b,,c=d", {"a": "b", "c": "d"}),  # the list gives back the second comma only
    # explicit lists
    ("a=[]", {"a": []}),
    ("a=[x]", {"a": ["x"]}),
    ("a=[x,y]", {"a": ["x", "y"]}),
    ("a=[x,]", {"a": ["x"]}),
    ("a=[,x]", {"a": ["", "x"]}),
    ("a=[,,]", {"a": ["", ""]}),
    ("a=[ x , y ]", {"a": ["x", "y"]}),
    ("a=[k=v,l=w]", {"a": ["k=v", "l=w"]}),
    ("a=[[x],[y,z]]", {"a": [["x"], ["y", "z"]]}),
    ("a=[x],b=[y]", {"a": ["x"], "b": ["y"]}),
    # nested structures
    ("a={b=c}", {"a": {"b": "c"}}),
    ("a={}", {"a": {}}),
    ("a={b=c,}", {"a": {"b": "c"}}),
    ("a={b=c,d=[e,f]},g=h", {"a": {"b": "c", "d": ["e", "f"]}, "g": "h"}),
    ("a={b={c={d=e}}}", {"a": {"b": {"c": {"d": "e"}}}}),
    ("a=[{b=c},{d=e}]", {"a": [{"b": "c"}, {"d": "e"}]}),
    ("a=[{b=[c,d]}, {e=[]}]", {"a": [{"b": ["c", "d"]}, {"e": []}]}),
    ("a={ b = c , d = e }", {"a": {"b": "c", "d": "e"}}),
    ("a={b=c,b=d}", {"a": {"b": "d"}}),  # a repeated key inside braces: the last one wins
    # quoting
    ("a='b,c'", {"a": "b,c"}),
    ('a="b,c"', {"a": "b,c"}),
    ("a='x','y'", {"a": ["x", "y"]}),
    ("a=x,'y=z'", {"a": ["x", "y=z"]}),
    ('a="it\'s"', {"a": "it's"}),
    ("a='say \"hi\"'", {"a": 'say "hi"'}),
    ("a='it\\'s'", {"a": "it's"}),
    ('a="a\\"b"', {"a": 'a"b'}),
    ('a="a\\\\b"', {"a": "a\\b"}),
    ('a="  padded  "', {"a": "  padded  "}),
    ('a=""', {"a": ""}),
    ("a=['x,y', \"z\"]", {"a": ["x,y", "z"]}),
    ('a={b="c}"}', {"a": {"b": "c}"}}),
    ('a="multi\nline"', {"a": "multi\nline"}),
    # no closing quote but an escaped one: the last escaped quote closes the value
    ("a='x\\'", {"a": "x\\"}),
    # backslashes
    ("a=x\\,y", {"a": "x,y"}),
    ("a=\\,", {"a": ","}),
    ("a=x,y\\,z", {"a": ["x", "y,z"]}),
    ("a=C:\\dir", {"a": "C:\\dir"}),
    # whitespace: skipped around "=" and ",", trailing whitespace of a value dropped
    ("a = b", {"a": "b"}),
    ("a= b ,c =d", {"a": "b", "c": "d"}),
    ("a=b, c=d", {"a": "b", "c": "d"}),
    ("a=x , y , z", {"a": ["x", "y", "z"]}),
    ("a=with space", {"a": "with space"}),
    ("a=trailing   ", {"a": "trailing"}),
    ("a=b,\nc=d\n", {"a": "b", "c": "d"}),
    ("a=\t", {"a": ""}),
    # key characters
    ("aws:cloudformation:stack-name=s", {"aws:cloudformation:stack-name": "s"}),
    ("a.b_c-d#e/f=1", {"a.b_c-d#e/f": "1"}),
]


@pytest.mark.parametrize(("text", "expected"), PARSES)
def test_parse(text: str, expected: dict[str, Any]) -> None:
    assert parse(text) == expected


ERRORS = [
    "",
    "a",
    "a b=c",
    " a=b",
    "a==b",
    "a=b,",
    "a=x,[y]",  # `[` cannot start a later csv item
    "a='b",
    'a="b',
    '"a"=b',
    "a=[b",
    "a=[b}",
    "a={b",
    "a={b}",
    "a={b=c",
    "a={b=c]",
    "a=it's",
    'a=say "hi"',
    "a=[x] ",
    "a=b,a=c",
    "Key:x,Value:y",
    "a=\U0001f600",  # characters past U+FFFF only inside quotes, as in the AWS CLI
]


@pytest.mark.parametrize("text", ERRORS)
def test_parse_errors(text: str) -> None:
    with pytest.raises(ShorthandParseError):
        parse(text)


def test_astral_characters_are_fine_inside_quotes() -> None:
    assert parse('a="\U0001f600"') == {"a": "\U0001f600"}


def test_error_messages_point_at_the_problem() -> None:
    with pytest.raises(ShorthandSyntaxError) as info:
        parse("a")
    # The AWS CLI v2's text, including the space before the echoed input.
    assert str(info.value) == "Expected: '=', received: 'EOF' for input:\n a\n ^"
    assert (info.value.expected, info.value.actual, info.value.index) == ("=", "EOF", 1)

    # `:` is a key character, so the key runs to the end of the input.
    with pytest.raises(ShorthandSyntaxError) as info:
        parse("Key:x")
    assert str(info.value) == "Expected: '=', received: 'EOF' for input:\n Key:x\n     ^"

    with pytest.raises(ShorthandSyntaxError) as info:
        parse("a b=c")
    assert (info.value.expected, info.value.actual, info.value.index) == ("=", "b", 2)

    with pytest.raises(ShorthandSyntaxError) as info:
        parse("a=b,")
    assert info.value.expected == "<second>"
    assert info.value.actual == "<none>"

    with pytest.raises(ShorthandSyntaxError) as info:
        parse("a='b")
    assert info.value.expected == "<singled quoted>"  # sic: the AWS CLI's spelling
    with pytest.raises(ShorthandSyntaxError) as info:
        parse('a="b')
    assert info.value.expected == "<double quoted>"


def test_error_location_shows_only_the_offending_line() -> None:
    with pytest.raises(ShorthandSyntaxError) as info:
        parse("a=b,\nc==d,\ne=f")
    assert str(info.value) == ("Expected: ',', received: '=' for input:\n a=b,\nc==d,\n  ^\ne=f")


def test_duplicate_key_message() -> None:
    with pytest.raises(DuplicateKeyError) as info:
        parse("Key=a,Value=b,Key=c")
    assert str(info.value) == (
        'Second instance of key "Key" encountered for input:\n'
        "Key=a,Value=b,Key=c\n"
        "              ^\n"
        'This is often because there is a preceding "," instead of a space.'
    )
    assert info.value.key == "Key"


def test_errors_are_value_errors() -> None:
    assert issubclass(ShorthandParseError, ValueError)


def _steps(text: str) -> int:
    """Lines of shorthand.py executed to refuse `text`: a measure of work free of the clock."""
    import sys

    count = 0

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        nonlocal count
        if frame.f_code.co_filename != shorthand.__file__:
            return None
        count += event == "line"
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        with pytest.raises(ShorthandParseError):
            parse(text)
    finally:
        sys.settrace(previous)
    return count


@pytest.mark.parametrize("quote", ["'", '"'])
def test_unclosed_quote_with_many_backslashes_fails_fast(quote: str) -> None:
    # The AWS CLI guards against catastrophic regex backtracking here; we scan linearly: twice
    # the backslashes, about twice the work (a quadratic scan would do four times as much).
    small = _steps("a=" + quote + "\\" * 2000)
    large = _steps("a=" + quote + "\\" * 4000)
    assert 1.8 * small < large < 2.2 * small


# -- @= and parameter files -------------------------------------------------------------------


def test_at_equals_reads_files(tmp_path: Any) -> None:
    text_file = tmp_path / "t.txt"
    text_file.write_text("from a file", encoding="utf-8")
    bin_file = tmp_path / "b.bin"
    bin_file.write_bytes(b"\x00\xff")
    parsed = parse(
        f"A@=file://{text_file},B@=fileb://{bin_file},C=file://{text_file},"
        f"D@=[x, file://{text_file}],E={{F@=file://{text_file}}}"
    )
    assert parsed == {
        "A": "from a file",
        "B": b"\x00\xff",
        "C": f"file://{text_file}",  # plain "=" never reads a file
        "D": ["x", "from a file"],
        "E": {"F": "from a file"},
    }


def test_at_equals_without_a_file_prefix_is_plain() -> None:
    assert parse("a@=b,c @= d") == {"a": "b", "c": "d"}
    assert parse("a@=https://example.com/x") == {"a": "https://example.com/x"}


def test_at_equals_is_reset_by_a_nested_key() -> None:
    calls: list[str] = []

    def loader(value: str) -> str:
        calls.append(value)
        return "loaded"

    assert parse("A@={B=file://x}", load_paramfile=loader) == {"A": {"B": "file://x"}}
    assert parse("A@='file://y'", load_paramfile=loader) == {"A": "loaded"}
    assert calls == ["file://y"]


def test_loader_returning_none_keeps_the_value() -> None:
    assert parse("A@=file://x", load_paramfile=lambda v: None) == {"A": "file://x"}


def test_missing_file_after_at_equals_raises_the_loaders_error(tmp_path: Any) -> None:
    from awslocal_cli.cli.argconv import ParamError

    with pytest.raises(ParamError, match="Unable to load paramfile file://"):
        parse(f"A@=file://{tmp_path / 'missing'}")


# -- JSON or shorthand ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "is_json"),
    [
        ('{"a": 1}', True),
        ('  {"a": 1}', True),
        ('[{"Key": "a"}]', True),
        ("\n[1]", True),
        ("[{Key=a}]", True),  # JSON (and invalid), never shorthand
        ("Key=a,Value=b", False),
        ("", False),
        ("a={b=c}", False),
        (["Key=a,Value=b", "Key=c,Value=d"], False),
        (['{"Key": "a"}', '{"Key": "b"}'], True),
        (["[1,", "2]"], True),
        (["Key=a", "{}"], False),  # only the first value decides
        ([], False),
        (b"{}", False),
        (None, False),
    ],
)
def test_looks_like_json(value: Any, is_json: bool) -> None:
    assert looks_like_json(value) is is_json


# -- properties -------------------------------------------------------------------------------

KEY_ALPHABET = string.ascii_letters + string.digits + "-_.#/:"
SAFE_UNQUOTED = set(string.ascii_letters + string.digits + "-_./:@ ")

keys = st.text(alphabet=KEY_ALPHABET, min_size=1, max_size=8)
# Any BMP text, except one that ends in a backslash: inside quotes the AWS CLI reads `\"` as an
# escaped quote even after an escaped backslash, so such a value cannot be quoted safely.
strings = st.text(
    alphabet=st.characters(max_codepoint=0xFFFF, exclude_categories=["Cs"]), max_size=12
).filter(lambda s: not s.endswith("\\"))
values = st.recursive(
    strings,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
    max_leaves=12,
)
documents = st.dictionaries(keys, values, min_size=1, max_size=4)


def _quote(text: str, quote: str) -> str:
    return quote + text.replace("\\", "\\\\").replace(quote, "\\" + quote) + quote


def _scalar(text: str, quote: str) -> str:
    if text and set(text) <= SAFE_UNQUOTED and text == text.strip():
        return text
    return _quote(text, quote)


def _value(value: Any, quote: str, top: bool, csv: bool) -> str:
    if isinstance(value, dict):
        inner = ",".join(f"{k}={_value(v, quote, False, csv)}" for k, v in value.items())
        return "{" + inner + "}"
    if isinstance(value, list):
        if top and csv and len(value) >= 2 and all(isinstance(v, str) for v in value):
            return ",".join(_scalar(v, quote) for v in value)
        return "[" + ",".join(_value(v, quote, False, csv) for v in value) + "]"
    return _scalar(value, quote)


def to_shorthand(doc: dict[str, Any], quote: str = '"', csv: bool = False, sep: str = ",") -> str:
    """A small serializer: quotes what needs quoting, nests with braces and brackets."""
    return sep.join(f"{k}={_value(v, quote, True, csv)}" for k, v in doc.items())


@settings(max_examples=400)
@given(
    doc=documents,
    quote=st.sampled_from(["'", '"']),
    csv=st.booleans(),
    sep=st.sampled_from([",", ", ", ",\n", " ,\t"]),
)
@example(doc={"a": ["x", "y"], "b": {"c": ""}}, quote='"', csv=True, sep=",")
@example(doc={"a": 'q"\\"\\\\'}, quote='"', csv=False, sep=",")
def test_round_trip(doc: dict[str, Any], quote: str, csv: bool, sep: str) -> None:
    assert parse(to_shorthand(doc, quote, csv, sep)) == doc


@settings(max_examples=400)
@given(st.text(alphabet=st.sampled_from([*"ab=,[]{}'\"\\ \n@:", "\u2713"]), max_size=30))
def test_anything_either_parses_or_raises_a_parse_error(text: str) -> None:
    try:
        result = parse(text)
    except ShorthandParseError:
        return
    assert isinstance(result, dict)


# The AWS CLI v2's source beside the checkout (../shared in CI and here); its shorthand.py is
# loaded from the file: the awscli package from PyPI (v1) pins a botocore other than ours.
AWS_CLI_SOURCE = Path(__file__).resolve().parents[2].parent / "shared/tools/aws-cli-v2/awscli"


def _aws_cli_parser() -> Any:
    """awscli/shorthand.py, loaded alone.

    It imports two names from elsewhere in the AWS CLI, whose own imports need the CLI's
    botocore fork and awscrt. ShorthandParser.parse calls only get_paramfile, for values after
    `@=`, and that returns None for anything without a file:// or fileb:// prefix, which the
    generated texts below cannot spell: the stand-in returns None and refuses such a value.
    is_document_type serves the model-typed visitor, which the comparison does not use.
    """
    import importlib.util
    import sys
    import types

    path = AWS_CLI_SOURCE / "shorthand.py"
    if not path.is_file():
        return None

    def get_paramfile(value: Any, cases: Any) -> None:
        assert not (isinstance(value, str) and value.startswith(tuple(cases))), value

    def is_document_type(shape: Any) -> bool:
        raise AssertionError("the comparison uses the parser only")

    paramfile = types.ModuleType("awscli.paramfile")
    paramfile.LOCAL_PREFIX_MAP = {"file://": None, "fileb://": None}  # type: ignore[attr-defined]
    paramfile.get_paramfile = get_paramfile  # type: ignore[attr-defined]
    utils = types.ModuleType("awscli.utils")
    utils.is_document_type = is_document_type  # type: ignore[attr-defined]
    stand_ins = {"awscli": types.ModuleType("awscli"), "awscli.paramfile": paramfile,
                 "awscli.utils": utils}
    saved = {name: sys.modules.get(name) for name in stand_ins}
    spec = importlib.util.spec_from_file_location("_aws_cli_v2_shorthand", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.update(stand_ins)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            spec.loader.exec_module(module)
    finally:
        for name, previous in saved.items():
            if previous is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = previous
    return module


aws = _aws_cli_parser()


@pytest.mark.needs_aws_v2
@settings(max_examples=500)
@given(
    st.lists(
        st.sampled_from(
            [*"ab=,=[]{}'\"\\ \n\t@:.-#", "\u2713", "\U0001f600", "\x1c", "\xa0", "\\,"]
        ),
        max_size=40,
    ).map("".join)
)
def test_same_results_as_the_aws_cli(text: str) -> None:
    """Differential check against the AWS CLI's own parser (v1 and v2 share the grammar)."""
    try:
        expected: Any = ("ok", aws.ShorthandParser().parse(text))
    except aws.ShorthandParseError as exc:
        expected = ("error", exc.index)
    try:
        actual: Any = ("ok", parse(text))
    except ShorthandParseError as exc:
        actual = ("error", exc.index)
    assert actual == expected


def test_module_imports_nothing_heavy() -> None:
    source = Path(shorthand.__file__).read_text(encoding="utf-8")
    assert "\nimport " not in source
    assert "\nfrom " not in source.replace("from __future__", "")
