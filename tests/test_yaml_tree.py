"""bot.yaml_tree builds what ruamel's safe loader builds, or leaves the text to a full loader."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from bot.policy_loader import PolicyError, example_policy_path, parse_policy
from bot.yaml_tree import Unsupported, plain_tree

ROOT = Path(__file__).resolve().parents[1]


def reference(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


@pytest.mark.parametrize(
    "path",
    [example_policy_path(), *sorted(ROOT.glob("*.yaml")), *sorted(ROOT.glob("examples/*.yaml")),
     *sorted(ROOT.glob("deploy/**/*.yaml"))],
    ids=lambda p: str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else p.name,
)
def test_the_repository_yaml_files_read_the_same(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    try:
        tree = plain_tree(text)
    except Unsupported:
        pytest.skip("left to the full loader")
    assert tree == reference(text)


TRICKY = ["yes", "no", "on", "off", "True", "null", "~", "", " ", "1e3", "0x1F", "0o17", "017",
          "1_000", ".inf", "-.5", "+1", "2024-01-01", "a: b", "- a", "#x", "a #b", "'q'", '"q"',
          "&a", "*a", "!t", "%d", "@", "`", "{x}", "[x]", "l1\nl2", " lead", "trail ", "tab\t",
          "caffè ☕", "<<", "=", "?"]

scalars = st.one_of(
    st.sampled_from(TRICKY), st.text(max_size=12), st.integers(), st.booleans(), st.none(),
    st.floats(allow_nan=False, allow_infinity=True),
)
keys = st.one_of(st.sampled_from(TRICKY[:20]), st.text(min_size=1, max_size=8), st.integers())
trees = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(keys, inner, max_size=4)),
    max_leaves=25,
)


def dumped(data: Any, typ: str, flow: bool | None) -> str:
    yaml = YAML(typ=typ, pure=True)
    yaml.default_flow_style = flow
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


@settings(max_examples=300, deadline=None)
@given(data=trees, style=st.sampled_from([("safe", False), ("safe", True), ("safe", None),
                                          ("rt", False)]))
def test_generated_documents_read_the_same(data: Any, style: tuple[str, bool | None]) -> None:
    text = dumped(data, *style)
    try:
        tree = plain_tree(text)
    except Unsupported:  # only when the reference needs more than core scalars
        with pytest.raises(Exception):  # noqa: B017 - its own error or a timestamp
            assert _core_only(reference(text))
        return
    assert tree == reference(text)


def _core_only(tree: Any) -> bool:
    if isinstance(tree, dict):
        return all(_core_only(k) and _core_only(v) for k, v in tree.items())
    if isinstance(tree, list):
        return all(_core_only(v) for v in tree)
    if tree is None or isinstance(tree, (str, int, float)):
        return True
    raise TypeError(type(tree))


@pytest.mark.parametrize("text", [
    "questions: {it: [Rimborsi?, Spedite all'estero?]}\n",  # libyaml's 1.1 scanner rejects it
    "a: {b:c, d: 'e'}\nf: [g: h]\n",
    "block: |\n  line one\n  line two\nfolded: >-\n  one\n  two\n",
])
def test_texts_read_as_the_pure_parser_reads_them(text: str) -> None:
    assert plain_tree(text) == reference(text)


def test_anchors_and_aliases_share_the_value() -> None:
    text = "base: &b {lang: it, n: 1}\nlist: &l [1, 2]\nuse: *b\nagain: [*l, *b]\nk: &s x\nv: *s\n"
    tree = plain_tree(text)
    assert tree == reference(text)
    assert tree["use"] is tree["base"] and tree["again"][0] is tree["list"]


@pytest.mark.parametrize("text", [
    "a: 1\na: 2\n",              # duplicate key: the full loader reports it with the line
    "<<: {a: 1}\nb: 2\n",        # merge key
    "when: 2024-01-01\n",        # timestamp
    "? [a]\n: 1\n",              # a list as a key
    "a: !custom x\n",            # unknown tag
    "s: !!set {a, b}\n",         # tagged collection
    "a: [\n",                    # syntax error
    "--- 1\n--- 2\n",            # two documents
    "",                          # no document
    "%YAML 1.1\n---\na: yes\n",  # directive
    "a: &r [*r]\n",              # recursive alias
])
def test_what_it_leaves_to_the_full_loader(text: str) -> None:
    with pytest.raises(Unsupported):
        plain_tree(text)


def test_a_policy_the_builder_leaves_aside_still_loads() -> None:
    text = example_policy_path().read_text(encoding="utf-8")
    base = parse_policy(text)
    with_merge = "defaults: &d {}\n" + text.replace("brand:", "brand:\n  <<: *d", 1)
    with_merge = with_merge.replace("defaults: &d {}\n", "x-defaults: &d {}\n", 1)
    with pytest.raises(PolicyError):  # the unknown top-level key, reported by the full path
        parse_policy(with_merge)
    merged = "\n".join(line for line in with_merge.splitlines() if not line.startswith("x-"))
    merged = merged.replace("  <<: *d\n", "  <<: {}\n", 1)
    assert parse_policy(merged) == base


def test_problems_keep_their_lines_on_the_fast_path() -> None:
    text = example_policy_path().read_text(encoding="utf-8")
    plain_tree(text)  # the example is read by the fast builder
    lines = text.splitlines()
    where = next(i for i, line in enumerate(lines) if line.startswith("brand:"))
    lines.insert(where + 1, "  colour: brown")
    with pytest.raises(PolicyError) as caught:
        parse_policy("\n".join(lines))
    [problem] = caught.value.problems
    assert problem.path == ("brand", "colour") and problem.line == where + 2
