"""Community blocklist: whole-word terms and phrases, matched after normalisation.

Managers list words ("truffa", "free money"); spammers disguise them ("5c4m", "s\u0441am"
with a Cyrillic es, "s c a m", "SCAAAM!!"). Terms and messages go through the same
`normalise`, so one Aho-Corasick automaton finds every listed term in a single pass whose
cost depends on the message length and the number of hits, not on how many terms are listed.

Word boundaries: folded text is tokens separated by single spaces, so each term is stored as
``" term "`` and the message is scanned as ``" folded "``; "scam" never hits "scampi" and
"ass" never hits "classic". An elision apostrophe counts as a boundary ("l'offerta" contains
the word "offerta"). Inside a spaced-out run ("a s c a m" -> run "ascam") every letter was its
own word, so terms are also looked for anywhere inside such runs, with a second automaton.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from policies.normalise import Normalised, normalise


@dataclass(frozen=True, slots=True)
class BlockEntry:
    """One blocklist line: a word or phrase and what to do when a message contains it.

    Attributes:
        term: the word or phrase as the manager wrote it (any case, accents, spacing).
        action: the moderation action name (validated by the policy config, not here).
        duration_s: how long a mute or ban lasts; None means the action's default.
        id: stable identifier, so a hit can be explained and an entry removed.
    """

    term: str
    action: str
    duration_s: int | None
    id: str

    def __post_init__(self) -> None:
        if not self.term.strip():
            raise ValueError(f"blocklist entry {self.id!r} has an empty term")
        if not self.id:
            raise ValueError(f"blocklist term {self.term!r} has an empty id")
        if self.duration_s is not None and self.duration_s <= 0:
            raise ValueError(f"blocklist entry {self.id!r} has a non-positive duration")


@dataclass(frozen=True, slots=True)
class BlockHit:
    """A blocklist entry found in a message.

    Attributes:
        entry: the entry that fired.
        matched: the normalised words that matched (e.g. "scam" for "5C4AAAM"), which is
            what a moderator needs to read in the reason.
    """

    entry: BlockEntry
    matched: str


def _bounded(form: str) -> str:
    """The form as scanned for whole words: padded, with elision apostrophes as boundaries."""
    return f" {form.replace(chr(39), chr(39) + ' ')} " if "'" in form else f" {form} "


def _bare(form: str) -> str:
    """The form as it appears inside a joined spaced-out run (no spaces or apostrophes)."""
    return form.replace(" ", "").replace("'", "")


class _Table:
    """One automaton and what each of its keys stands for, without a Python object per key.

    A key's value in the automaton is a C integer: the (entry, form) slot it stands for or,
    for the rare key shared by several slots (two terms with the same normal form), -1 - n
    for the n-th group of slots. A `BlockHit` is made the first time its slot is found, so
    at 10,000 terms this holds well under 1 MB where ready-made hits took about 3 MB.
    """

    __slots__ = ("automaton", "groups")

    def __init__(self, keys: dict[str, list[int]]) -> None:
        self.automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS, ahocorasick.KEY_STRING)
        self.groups: list[tuple[int, ...]] = []
        for key, slots in sorted(keys.items()):  # any order: same automaton
            if len(slots) == 1:
                self.automaton.add_word(key, slots[0])
            else:
                self.automaton.add_word(key, -1 - len(self.groups))
                self.groups.append(tuple(slots))
        self.automaton.make_automaton()


class Blocklist:
    """An immutable set of blocklist entries compiled for fast whole-word search.

    Build it with `Blocklist.build`; change it with `with_entry` / `without`, which rebuild
    (entries change rarely, messages arrive constantly).
    """

    __slots__ = ("__weakref__", "_entries", "_forms", "_hits", "_owners", "_runs", "_words")

    def __init__(
        self,
        entries: tuple[BlockEntry, ...],
        slots: list[tuple[int, str]],
        words: dict[str, list[int]],
        runs: dict[str, list[int]],
    ) -> None:
        self._entries = entries
        self._owners = array("i", [index for index, _ in slots])
        self._forms = tuple(form for _, form in slots)
        self._hits: list[BlockHit | None] = [None] * len(slots)  # made on first match
        self._words = _Table(words) if words else None
        self._runs = _Table(runs) if runs else None

    @classmethod
    def build(cls, entries: Iterable[BlockEntry]) -> Blocklist:
        """Normalise every term like a message and compile the automata.

        Raises:
            ValueError: two entries share an id, or a term has no letters or digits left
                after normalisation (emoji-only terms belong in a regex).
        """
        listed = tuple(entries)
        slots: list[tuple[int, str]] = []  # (entry index, normalised form), entry by entry
        words: dict[str, list[int]] = {}
        runs: dict[str, list[int]] = {}
        seen: set[str] = set()
        for index, entry in enumerate(listed):
            if entry.id in seen:
                raise ValueError(f"blocklist id {entry.id!r} is used twice")
            seen.add(entry.id)
            forms = normalise(entry.term).forms()
            if not forms[0]:
                raise ValueError(f"blocklist term {entry.term!r} has no letters or digits")
            for form in forms:
                words.setdefault(_bounded(form), []).append(len(slots))
                runs.setdefault(_bare(form), []).append(len(slots))
                slots.append((index, form))
        return cls(listed, slots, words, runs)

    def find(self, normalised: Normalised) -> tuple[BlockHit, ...]:
        """Return one hit per entry found in the message, in order of first appearance."""
        hits: dict[int, BlockHit] = {}
        if self._words is not None:
            for form in normalised.forms():
                if form:
                    self._collect(self._words, _bounded(form), hits)
        if self._runs is not None:
            for run in normalised.spaced_runs:
                self._collect(self._runs, run, hits)
        return tuple(hits.values())

    def _collect(self, table: _Table, text: str, hits: dict[int, BlockHit]) -> None:
        for _end, value in table.automaton.iter(text):
            if value >= 0:
                self._note(value, hits)
            else:
                for slot in table.groups[-1 - value]:
                    self._note(slot, hits)

    def _note(self, slot: int, hits: dict[int, BlockHit]) -> None:
        index = self._owners[slot]
        if index not in hits:
            hit = self._hits[slot]
            if hit is None:  # two threads may both make it: equal values, either is kept
                hit = self._hits[slot] = BlockHit(self._entries[index], self._forms[slot])
            hits[index] = hit

    def terms(self) -> tuple[BlockEntry, ...]:
        """The entries, in the order they were given (for listing to managers)."""
        return self._entries

    def with_entry(self, entry: BlockEntry) -> Blocklist:
        """A new blocklist with `entry` added, replacing any entry with the same id."""
        kept = [old for old in self._entries if old.id != entry.id]
        return Blocklist.build([*kept, entry])

    def without(self, entry_id: str) -> Blocklist:
        """A new blocklist without the entry `entry_id` (unchanged if it is absent)."""
        return Blocklist.build(old for old in self._entries if old.id != entry_id)

    def __len__(self) -> int:
        return len(self._entries)
