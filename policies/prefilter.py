"""Python regexes behind an RE2 prefilter: most texts never run the Python regex at all.

The sentiment lexicons are big alternations (48 complaint patterns, 6,600 characters, in
Italian; idioms; topic words), written for Python's `re` with lookarounds and Unicode
``\\w``. Python's engine tries every alternative at every position of the text: about 100
us a message for the complaints alone, though most messages match none of them.

`Guarded` keeps the Python regex, with its exact semantics (leftmost-first alternation,
``lastindex``, lookarounds), and adds an RE2 regex that matches a superset of what it
matches: the lookarounds and ``\\b`` dropped, ``\\w``/``\\d``/``\\s`` widened to their ASCII
sets plus any non-ASCII character, groups made non-capturing. RE2 scans in one linear pass
(an `re2.Set` of one pattern: only whether it matches is asked, and its DFA answers; a
set's DFA never gives up as slow, and its 64 MB budget holds the states of thousands of
characters, so it cannot run out on a message). When it finds nothing, the Python regex
could not have found anything either, and is not run. A pattern the translation cannot
express (backreferences, conditionals) or RE2 rejects keeps no prefilter and always runs.
The lexicons' prefilters take about 5 MB once they have scanned a few thousand messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import re2

# Python's \w, \d and \s match some non-ASCII characters; RE2's only ASCII ones. Each is
# widened to its ASCII set plus every non-ASCII character: a superset, and a few UTF-8
# states where the Unicode classes (\pL...) cost RE2 over 25 MB for the lexicons.
_ANY_NON_ASCII = r"\x{80}-\x{10FFFF}"
_INSIDE = {"w": r"0-9A-Za-z_" + _ANY_NON_ASCII, "d": r"0-9" + _ANY_NON_ASCII,
           "s": r"\t-\r\x1c-\x1f " + _ANY_NON_ASCII}
_OUTSIDE = {**{key: f"[{value}]" for key, value in _INSIDE.items()},
            "b": "", "B": "", "A": "", "Z": ""}
_LOOKAROUND = ("(?=", "(?!", "(?<=", "(?<!")
_UNSUPPORTED = ("(?P=", "(?(", "(?>")


class _Untranslatable(ValueError):
    pass


_CLASS_AROUND = re.compile(r"^\(\?<!\[([^^\]\\][^\]\\]*)\]\)(.*)\(\?!\[([^^\]\\][^\]\\]*)\]\)$",
                           re.DOTALL)


def widen(pattern: str) -> str:
    """An RE2 pattern matching at least every text `pattern` (Python `re`) matches.

    A pattern wrapped in ``(?<![set])...(?![set])`` (a word of its own, as the lexicons
    write it) keeps that condition exactly, as ``(?:^|[^set])...(?:$|[^set])``: whether
    there is a match is all the prefilter answers, so consuming the neighbours is harmless.
    Lookarounds anywhere else are dropped.
    """
    wrapped = _CLASS_AROUND.match(pattern)
    if wrapped is not None:
        before, body, after = wrapped.groups()
        return f"(?:^|[^{before}])(?:{_widen(body)})(?:$|[^{after}])"
    return _widen(pattern)


def _widen(pattern: str) -> str:
    out: list[str] = []
    i, n = 0, len(pattern)
    in_class = False
    while i < n:
        char = pattern[i]
        if char == "\\" and i + 1 < n:
            escape = pattern[i + 1]
            if escape.isdigit() and escape != "0" and not in_class:
                raise _Untranslatable("a backreference")
            table = _INSIDE if in_class else _OUTSIDE
            out.append(table.get(escape, char + escape))
            i += 2
            continue
        if in_class:
            in_class = char != "]"
            out.append(char)
            i += 1
            continue
        if char == "[":
            in_class = True
            start = "[^" if pattern.startswith("[^", i) else "["
            out.append(start)
            i += len(start)
            if i < n and pattern[i] == "]":  # a literal ] first in the class
                out.append("\\]")
                i += 1
            continue
        if pattern.startswith(_UNSUPPORTED, i):
            raise _Untranslatable("a backreference or an atomic group")
        if pattern.startswith(_LOOKAROUND, i):
            i = _group_end(pattern, i)
            continue
        if char == "(" and not pattern.startswith("(?", i):
            out.append("(?:")  # no capturing group: only whether it matches is asked
            i += 1
            continue
        out.append(char)
        i += 1
    return "".join(out)


def _group_end(pattern: str, start: int) -> int:
    """The index after the group that opens at `start`."""
    depth, i, in_class = 0, start, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise _Untranslatable("an unbalanced group")


def _options() -> Any:
    options = re2.Options()
    options.log_errors = False
    options.max_mem = 64 << 20
    return options


class Guarded:
    """A compiled Python regex (`finditer`, `search`, `pattern` as `re.Pattern`) that is
    only run when its RE2 prefilter finds something."""

    __slots__ = ("_filter", "_regex", "pattern")

    def __init__(self, regex: re.Pattern[str]) -> None:
        self._regex = regex
        self.pattern = regex.pattern
        self._filter: Any = None
        if regex.flags & ~(re.UNICODE | re.IGNORECASE):
            return  # multiline, dotall, verbose...: not translated
        try:
            source = widen(regex.pattern)
            if regex.flags & re.IGNORECASE:
                source = "(?i)" + source
            scan = re2.Set.SearchSet(_options())
            scan.Add(source)
            scan.Compile()
            self._filter = scan
        except (_Untranslatable, re2.error):
            self._filter = None

    @property
    def guarded(self) -> bool:
        """True when the prefilter is in place."""
        return self._filter is not None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        if self._filter is not None and not self._filter.Match(text):
            return iter(())
        return self._regex.finditer(text)

    def search(self, text: str) -> re.Match[str] | None:
        if self._filter is not None and not self._filter.Match(text):
            return None
        return self._regex.search(text)


def guarded(pattern: str, flags: int = 0) -> Guarded:
    return Guarded(re.compile(pattern, flags))
