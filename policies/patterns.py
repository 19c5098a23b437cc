"""Manager-written regexes, run with RE2 so no pattern can stall the bot.

Python's `re` backtracks: a pattern like ``(a+)+$`` takes exponential time on "aaaa...!",
and a manager (or whoever hijacks a manager account) could freeze moderation with one line
of config. RE2 runs every pattern in time linear in the input and refuses the features that
need backtracking (backreferences, lookaround, possessive and atomic groups). There is no
fallback to `re`: a pattern RE2 rejects is reported to the manager as a `PatternError`.

Every pattern is case-insensitive. A `PatternSet` tests all patterns at once with one
`re2.Set` scan per text, then runs only the patterns that fired to quote what they matched.
Each message is scanned twice:

* ``visible`` text: what the member sees (NFKC, invisible characters removed, punctuation
  and accents kept), for links and punctuation (``t\\.me/\\+\\w+``);
* ``folded`` text: the normalised words (lowercase, no accents or punctuation, evasions
  undone, one space between words), for word patterns that should survive
  Cyrillic look-alikes or "5c4m".

RE2 classes ``\\w``, ``\\d``, ``\\b`` are ASCII-only; use ``\\pL`` / ``\\pN`` for other scripts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import re2

from policies.normalise import Normalised

MAX_MEM = 64 << 20
"""RE2 memory budget per pattern and for the whole set (bytes)."""

_EMPTY_PROBES = ("", " ", "a", "ab cd", "0", ".", "\n")

_GROUP_NAMES = {
    "(?=": "a lookahead (?=...)",
    "(?!": "a negative lookahead (?!...)",
    "(?<=": "a lookbehind (?<=...)",
    "(?<!": "a negative lookbehind (?<!...)",
    "(?>": "an atomic group (?>...)",
    "(?P": "a named backreference (?P=name)",
    "(?#": "a comment (?#...)",
}


class PatternError(ValueError):
    """A regex that cannot be used; the message is one plain-English line for the manager."""


def _options() -> Any:
    options = re2.Options()
    options.case_sensitive = False
    options.max_mem = MAX_MEM
    options.log_errors = False
    return options


def _explain(detail: str) -> str:
    """Turn RE2's terse parse error into the reason a manager can act on."""
    if detail.startswith("invalid escape sequence: \\") and detail[-1:].isdigit():
        return f"a backreference {detail[-2:]} is not supported by RE2"
    if detail.startswith("invalid perl operator: "):
        operator = detail.removeprefix("invalid perl operator: ")
        for prefix, name in _GROUP_NAMES.items():
            if operator.startswith(prefix):
                return f"{name} is not supported by RE2"
        return f"the group syntax {operator} is not supported"
    if detail.startswith("bad repetition operator: "):
        operator = detail.removeprefix("bad repetition operator: ")
        if operator.endswith("+"):
            return f"possessive quantifiers like {operator} are not supported"
        return f"the quantifier {operator} repeats a repetition"
    if detail.startswith("invalid repetition size"):
        return "a repetition count is too large (at most 1000, nested counts multiply)"
    if detail.startswith("pattern too large"):
        return f"the pattern is too big to run safely (over {MAX_MEM >> 20} MiB)"
    if detail.startswith("missing ]"):
        return "a [ character class is never closed"
    if detail.startswith("missing )"):
        return "a ( group is never closed"
    if detail.startswith("unexpected )"):
        return "a ) has no matching ("
    if detail.startswith("trailing \\"):
        return "the pattern ends with a lone backslash"
    if detail.startswith(("missing argument to repetition", "no argument for repetition")):
        return f"a quantifier has nothing to repeat ({detail.rsplit(' ', 1)[-1]})"
    if detail == "invalid escape sequence: \\Z":
        return "the escape \\Z is not supported (use \\z or $)"
    if detail.startswith("invalid escape sequence"):
        return f"the escape {detail.rsplit(' ', 1)[-1]} is not supported"
    return f"RE2 cannot parse it ({detail})"


def _reject(source: str, reason: str) -> PatternError:
    return PatternError(" ".join(f"regex {source!r} is not allowed: {reason}".split()))


@dataclass(frozen=True, slots=True)
class CompiledPattern:
    """A validated, compiled RE2 pattern (case-insensitive).

    Attributes:
        source: the pattern as written by the manager.
        regex: the compiled `re2` object.
    """

    source: str
    regex: Any

    def search(self, text: str) -> str | None:
        """The first match in `text`, or None."""
        match = self.regex.search(text)
        return None if match is None else str(match.group())


def compile_pattern(source: str) -> CompiledPattern:
    """Compile a manager's regex with RE2, or explain in one line why it cannot be used.

    Patterns that can match an empty string ("a*", "^", "x?") are refused too: they would
    fire on every message.

    Raises:
        PatternError: the pattern is empty, uses a feature RE2 refuses, is too big, or
            matches the empty string.
    """
    if not source:
        raise _reject(source, "it is empty, so it would match every message")
    try:
        regex = re2.compile(source, _options())
    except re2.error as error:
        raw = error.args[0] if error.args else ""
        detail = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        raise _reject(source, _explain(detail)) from None
    for probe in _EMPTY_PROBES:
        match = regex.search(probe)
        if match is not None and match.start() == match.end():
            raise _reject(source, "it can match an empty string, so it fires on every message")
    return CompiledPattern(source, regex)


@dataclass(frozen=True, slots=True)
class PatternEntry:
    """One regex line of the policy: the pattern and what to do when it matches."""

    regex: str
    action: str
    duration_s: int | None
    id: str

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError(f"regex {self.regex!r} has an empty id")
        if self.duration_s is not None and self.duration_s <= 0:
            raise ValueError(f"regex entry {self.id!r} has a non-positive duration")


@dataclass(frozen=True, slots=True)
class PatternHit:
    """A regex entry that matched.

    Attributes:
        entry: the entry that fired.
        matched: the text it matched (from `scope`).
        scope: "visible" when it matched the text as shown, "folded" when only the
            normalised words matched.
    """

    entry: PatternEntry
    matched: str
    scope: Literal["visible", "folded"]


class PatternSet:
    """Many regexes answered by one RE2 Set scan per text form.

    Immutable; rebuild with `PatternSet.build` when the list changes.
    """

    __slots__ = ("__weakref__", "_compiled", "_entries", "_set")

    def __init__(
        self, entries: tuple[PatternEntry, ...], compiled: tuple[CompiledPattern, ...], rset: Any
    ) -> None:
        self._entries = entries
        self._compiled = compiled
        self._set = rset

    @classmethod
    def build(cls, entries: Iterable[PatternEntry]) -> PatternSet:
        """Validate every pattern (naming the first bad one) and compile the set.

        Raises:
            PatternError: a pattern is invalid, or the whole set is too big for RE2.
            ValueError: two entries share an id.
        """
        listed = tuple(entries)
        ids = [entry.id for entry in listed]
        if len(set(ids)) != len(ids):
            raise ValueError("two regex entries share an id")
        compiled = tuple(compile_pattern(entry.regex) for entry in listed)
        if not listed:
            return cls(listed, compiled, None)
        rset = re2.Set.SearchSet(_options())
        for pattern in compiled:
            rset.Add(pattern.source)
        try:
            rset.Compile()
        except re2.error:
            raise PatternError(
                f"the {len(listed)} regexes together are too big to run safely "
                f"(over {MAX_MEM >> 20} MiB); remove or simplify some"
            ) from None
        return cls(listed, compiled, rset)

    def find(self, normalised: Normalised) -> tuple[PatternHit, ...]:
        """Entries matching the visible or the folded text, in list order."""
        if self._set is None:
            return ()
        on_visible = self._set.Match(normalised.visible)
        on_folded = self._set.Match(normalised.folded)
        if not on_visible and not on_folded:
            return ()
        visible = set(on_visible or ())
        folded = set(on_folded or ()) - visible
        hits: list[PatternHit] = []
        for index in sorted(visible | folded):
            scope: Literal["visible", "folded"] = "visible" if index in visible else "folded"
            text = normalised.visible if scope == "visible" else normalised.folded
            matched = self._compiled[index].search(text)
            hits.append(PatternHit(self._entries[index], matched or "", scope))
        return tuple(hits)

    def entries(self) -> tuple[PatternEntry, ...]:
        """The entries, in the order they were given."""
        return self._entries

    def __len__(self) -> int:
        return len(self._entries)
