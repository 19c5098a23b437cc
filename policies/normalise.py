"""Text normalisation: one matching form that common spam evasions collapse onto.

Spammers dodge word lists with look-alike letters, invisible characters, leetspeak, stretched
and spaced-out letters. `normalise` undoes these once per message so the blocklist, regexes
and spam scoring all compare like with like, and it reports how much evasion it saw.

The matching form (`Normalised.folded`) is built in this order:

1. NFKC (fullwidth, mathematical alphanumerics, superscripts and ligatures become plain).
2. Invisible characters are removed (Cc except whitespace, Cf, U+200B-200F, U+2060-206F,
   U+FEFF, U+00AD, variation selectors, Hangul fillers, and lone surrogates, which JSON can
   smuggle in and UTF-8 encoders such as RE2's refuse), which also joins "sc\u200bam".
3. Accents are removed (NFD, drop combining marks, NFC): per word, or on the whole text when
   it holds combining marks NFKC could not compose (Zalgo text).
4. The text is cut into tokens: runs of letters and digits, plus the leetspeak symbols
   ``@ $ € ! |`` when they sit between letters ("c@sino") or ``$`` at the start ("$cam"),
   plus an elision apostrophe ("l'" of "l'offerta", so "c'è a" is no spaced-out run).
   Everything else (spaces, punctuation, emoji, underscores) only separates tokens.
5. Per token: look-alike Cyrillic/Greek/Armenian letters are folded to Latin ONLY when the
   token mixes scripts (a plain Russian word stays Russian); the token is casefolded; Latin
   look-alikes (small capitals, dotless i, ...) become plain letters; leetspeak digits become
   letters only in tokens with a Latin letter ("5c4m" -> "scam"; "2024", "в2020" stay).
6. Runs of three or more single-letter tokens ("s c a m", "s.c.a.m", "s-c-a-m") are joined
   into one token and reported in `spaced_runs`, so a blocklist can also look inside them
   ("this is a s c a m" -> "this is ascam", run "ascam" contains "scam").
7. Stretched letters: a run of 3+ identical letters collapses to one letter in `folded`
   ("scaaaam" -> "scam") and to two in `folded_doubled` ("sleeeep" -> "sleep"). A real double
   ("sleep", "cassa") is never collapsed, so "as" does not become "ass" and "casa" does not
   become "cassa". A word is matched against both forms; a word with two stretched runs of
   which one is a real double is not recovered (rare, and a regex can cover it).

Tokens in `folded` are separated by exactly one space (an elided token stays glued to the
next word: "l'offerta"), so `" " + term + " "` is a whole-word match once apostrophes count
as boundaries. Folding is idempotent: `normalise(n.folded).folded == n.folded`. Per-word
work is cached because words repeat across messages; the per-message cost is a few C-level
passes plus one cached lookup per whitespace-delimited chunk.
"""

from __future__ import annotations

import itertools
import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class Normalised:
    """A message in the forms matchers need, plus evasion signals for spam scoring.

    Attributes:
        visible: NFKC text with invisible characters removed; case, accents and punctuation
            kept. Regexes that need punctuation (links like ``t.me/+abc``) run on this.
        folded: the matching form (see module docstring); stretched runs collapsed to one.
        folded_doubled: like `folded` but stretched runs collapsed to two letters.
        spaced_runs: joined spaced-out letter runs, as they appear in the folded forms.
        had_invisible: an invisible character sat next to a letter or was a hard invisible
            (zero-width space, soft hyphen, ...); emoji joiners between emoji do not count.
        mixed_script_tokens: tokens mixing Latin with Cyrillic, Greek or Armenian letters.
        abnormal_spacing: letters were spaced out, or 60%+ of 6+ tokens are single letters.
        emoji_count: emoji code points (skin-tone modifiers excluded; a flag counts once).
    """

    visible: str
    folded: str
    folded_doubled: str
    spaced_runs: tuple[str, ...]
    had_invisible: bool
    mixed_script_tokens: int
    abnormal_spacing: bool
    emoji_count: int

    def forms(self) -> tuple[str, ...]:
        """The distinct folded forms a whole-word matcher must scan (one, or two)."""
        if self.folded_doubled == self.folded:
            return (self.folded,)
        return (self.folded, self.folded_doubled)


def _char_class(codepoints: list[int]) -> str:
    """Compress sorted code points into a regex character class of ranges."""
    parts: list[str] = []
    start = prev = -2
    for cp in [*codepoints, -1]:
        if cp == prev + 1:
            prev = cp
            continue
        if start >= 0:
            first, last = re.escape(chr(start)), re.escape(chr(prev))
            parts.append(first if start == prev else f"{first}-{last}")
        start = prev = cp
    return f"[{''.join(parts)}]"


# Joiners and emoji presentation selectors are normal inside emoji sequences and in Indic or
# Persian text; they only count as evasion next to an ASCII letter or digit.
_SOFT_INVISIBLE = "\u200c\u200d\ufe0e\ufe0f"


def _scan_unicode() -> tuple[str, str, str]:
    """Build the invisible, hard-invisible and mark classes once from Python's Unicode data."""
    extra = {0x00AD, 0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x3164, 0xFFA0}
    extra |= set(range(0x200B, 0x2010)) | set(range(0x2060, 0x2070))
    extra |= set(range(0xFE00, 0xFE10)) | set(range(0xE0100, 0xE01F0))
    invisible: list[int] = []
    marks: list[int] = []
    for cp in range(sys.maxunicode + 1):
        category = unicodedata.category(chr(cp))
        if cp in extra or category in ("Cf", "Cs") or (
            category == "Cc" and not chr(cp).isspace()
        ):
            invisible.append(cp)
        elif category in ("Mn", "Me"):
            marks.append(cp)
    soft = {ord(c) for c in _SOFT_INVISIBLE}
    hard = [cp for cp in invisible if cp not in soft]
    return _char_class(invisible), _char_class(hard), _char_class(marks)


_INVISIBLE_CLASS, _HARD_CLASS, _MARK_CLASS = _scan_unicode()
_INVISIBLE_RE = re.compile(f"{_INVISIBLE_CLASS}+")
_HARD_INVISIBLE_RE = re.compile(
    f"{_HARD_CLASS}|[A-Za-z0-9][{_SOFT_INVISIBLE}]|[{_SOFT_INVISIBLE}][A-Za-z0-9]"
)
_MARK_RE = re.compile(f"{_MARK_CLASS}+")
_EMOJI_RE = re.compile(
    "[\U0001f1e6-\U0001f1ff]{2}"
    "|[\u203c\u2049\u2122\u2139\u2194-\u2199\u21a9\u21aa\u231a\u231b\u2328\u23cf"
    "\u23e9-\u23f3\u23f8-\u23fa\u24c2\u25aa\u25ab\u25b6\u25c0\u25fb-\u25fe\u2600-\u27bf"
    "\u2934\u2935\u2b05-\u2b07\u2b1b\u2b1c\u2b50\u2b55\u3030\u303d\u3297\u3299\u00a9"
    "\u00ae\U0001f000-\U0001f1e5\U0001f200-\U0001f3fa\U0001f400-\U0001faff]"
)
# A token may end in an elision apostrophe ("l'" of "l'offerta"), which keeps "c'è a" from
# looking like a spaced-out word; matchers treat the apostrophe as a word boundary.
_TOKEN_RE = re.compile(r"\$?[^\W_]+(?:[@$€!|]+[^\W_]+)*(?:['\u2019](?=[^\W\d_]))?")
_PLAIN_ASCII_RE = re.compile(r"[\t\n\r\x20-\x7e]+")
_SINGLE_RUN_RE = re.compile("s{3,}")
_LATIN_LETTER_RE = re.compile("[a-z]")
_CACHE_SIZE = 1 << 15
_STRETCH_RE = re.compile(r"([^\W\d_])\1{2,}")

def _pairs(spec: str) -> dict[int, str]:
    """Translation table from "xy xy ..." pairs (look-alike, Latin letter)."""
    return {ord(pair[0]): pair[1] for pair in spec.split()}


# Look-alikes folded only inside mixed-script tokens. Applied before casefolding, so an
# uppercase Greek Eta can become "H" while a lowercase eta becomes "n".
_MIXED_CONFUSABLES = _pairs(
    # Cyrillic capitals and small letters.
    "\u0410A \u0412B \u0421C \u0415E \u041dH \u0406I \u0408J \u041aK \u041cM \u041eO"
    " \u0420P \u0405S \u0422T \u0425X \u0423Y \u04aeY \u051aQ \u051cW \u04baH \u04c0I"
    " \u0500D \u0474V \u042cB \u0417E \u0430a \u0432b \u0441c \u0435e \u043dh \u0456i"
    " \u0458j \u043ak \u043cm \u043eo \u0440p \u0455s \u0442t \u0445x \u0443y \u04afy"
    " \u051bq \u051dw \u04bbh \u04cfl \u0501d \u0475v \u044cb \u043fn \u0433r \u0438u"
    # Greek capitals and small letters, Armenian small letters.
    " \u0391A \u0392B \u0395E \u0396Z \u0397H \u0399I \u039aK \u039cM \u039dN \u039fO"
    " \u03a1P \u03a4T \u03a5Y \u03a7X \u03b1a \u03b2b \u03b3y \u03b5e \u03b7n \u03b9i"
    " \u03bak \u03bdv \u03bfo \u03c1p \u03c4t \u03c5u \u03c7x \u03c9w \u03bcu \u0585o"
    " \u057du \u0581g \u0570h \u0578n \u0566q"
)
# Latin-script look-alikes (small capitals, IPA) and letters NFD does not decompose.
_LATIN_LOOKALIKES = _pairs(
    "\u1d00a \u0299b \u1d04c \u1d05d \u1d07e \ua730f \u0262g \u029ch \u026ai \u1d0aj"
    " \u1d0bk \u029fl \u1d0dm \u0274n \u1d0fo \u1d18p \u0280r \ua731s \u1d1bt \u1d1cu"
    " \u1d20v \u1d21w \u028fy \u1d22z \u0251a \u0261g \u0131i \u0237j \u0269i \u0275o"
    " \u00f8o \u0111d \u0142l \u0127h \u0180b \u0268i \u0289u"
)
_MIXED_AND_LATIN = {**_MIXED_CONFUSABLES, **_LATIN_LOOKALIKES}
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t",
                       "@": "a", "$": "s", "€": "e", "!": "i", "|": "l"})
_DROP_LEET_SYMBOLS = str.maketrans(dict.fromkeys("@$€!|"))
_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK", "ARMENIAN")


@lru_cache(maxsize=4096)
def _script(char: str) -> str:
    """Script of a letter, by its Unicode name; '' for anything outside `_SCRIPTS`."""
    if "a" <= char <= "z" or "A" <= char <= "Z":
        return "LATIN"
    head = unicodedata.name(char, "").split(" ", 1)[0]
    return head if head in _SCRIPTS else ""


def _strip_marks(text: str) -> str:
    """Remove accents and other combining marks, keeping base letters (and Hangul whole)."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", _MARK_RE.sub("", decomposed))


@lru_cache(maxsize=_CACHE_SIZE)
def _fold_token(token: str) -> tuple[str, str, bool]:
    """Fold one raw token: (stretch collapsed to one, collapsed to two, mixed scripts)."""
    if token[-1] == "\u2019":
        token = token[:-1] + "'"
    mixed = False
    if token.isascii():
        token = token.lower()
    else:
        token = _strip_marks(token)
        scripts = {_script(c) for c in token if c.isalpha()} - {""}
        mixed = len(scripts) > 1
        if mixed:
            token = token.translate(_MIXED_CONFUSABLES)
        token = _strip_marks(unicodedata.normalize("NFKC", token.casefold()).casefold())
        # Again after casefolding: a capital that is no look-alike can become a small one.
        token = token.translate(_MIXED_AND_LATIN if mixed else _LATIN_LOOKALIKES)
    if _LATIN_LETTER_RE.search(token):
        token = token.translate(_LEET)
    else:
        token = token.translate(_DROP_LEET_SYMBOLS)
    if not _STRETCH_RE.search(token):
        return token, token, mixed
    return _STRETCH_RE.sub(r"\1", token), _STRETCH_RE.sub(r"\1\1", token), mixed


@lru_cache(maxsize=_CACHE_SIZE)
def _fold_chunk(chunk: str) -> tuple[str, str, int, str, tuple[str, ...]]:
    """Fold one whitespace-delimited chunk ("l'offerta!", "s.c.a.m", "🎉").

    Returns both folded forms (tokens joined by spaces, "" if none), the number of
    mixed-script tokens, a shape string with "s" per single-letter token and "w" per longer
    token (so spaced-out runs show up as "sss"), and the raw tokens.
    """
    tokens = tuple(_TOKEN_RE.findall(chunk))
    folded = [_fold_token(token) for token in tokens]
    one, two, mixed = _join_folded(folded)
    return one, two, mixed, "".join(["s" if len(item[0]) == 1 else "w" for item in folded]), tokens


def _join_folded(folded: list[tuple[str, str, bool]]) -> tuple[str, str, int]:
    """Join folded tokens with spaces, keeping elisions whole ("l'offerta")."""
    one = " ".join([item[0] for item in folded])
    two = " ".join([item[1] for item in folded])
    if "'" in one:
        one, two = one.replace("' ", "'"), two.replace("' ", "'")
    return one, two, sum([item[2] for item in folded])


def _join_spaced(tokens: list[str], shape: str) -> tuple[str, str, int, list[str]]:
    """Join each run of 3+ single-letter tokens (found in `shape`) into one token.

    A run needs at least two letters and as many letters as digits, so "3 o 4" and
    "1 2 3" stay apart. Returns both folded forms, the mixed-script count and the runs.
    """
    runs: list[str] = []
    for match in reversed(list(_SINGLE_RUN_RE.finditer(shape))):
        run = tokens[match.start():match.end()]
        letters = sum(_fold_token(token)[0].isalpha() for token in run)
        if letters >= 2 and letters * 2 >= len(run):
            joined = "".join(run)
            tokens[match.start():match.end()] = [joined]
            one, two, _ = _fold_token(joined)
            runs[:0] = dict.fromkeys((one, two))
    one, two, mixed = _join_folded([_fold_token(token) for token in tokens])
    return one, two, mixed, runs


def _clean(text: str) -> tuple[str, str, bool, int]:
    """Return (visible text, text ready to tokenise, evasive-invisible flag, emoji count).

    Only the non-ASCII characters and controls are scanned by the big Unicode classes,
    because the regex engine tests those classes range by range.
    """
    if text.isascii() and text.isprintable():
        return text, text, False, 0
    visible = unicodedata.normalize("NFKC", text)
    rare = _PLAIN_ASCII_RE.sub("", visible)
    emoji_count = len(_EMOJI_RE.findall(rare))
    had_invisible = False
    if _INVISIBLE_RE.search(rare):
        had_invisible = _HARD_INVISIBLE_RE.search(visible) is not None
        visible = unicodedata.normalize("NFKC", _INVISIBLE_RE.sub("", visible))
        rare = _PLAIN_ASCII_RE.sub("", visible)
    plain = _strip_marks(visible) if _MARK_RE.search(rare) else visible
    # U+02BC (modifier apostrophe) is a letter to the regex engine: it would glue an
    # elision such as "l\u02bcofferta" into one token.
    return visible, plain.replace("\u02bc", "'"), had_invisible, emoji_count


@lru_cache(maxsize=256)
def normalise(text: str) -> Normalised:
    """Normalise a message (or a blocklist term) into its matching forms and evasion flags.

    Linear in the text length: a few C-level passes plus one cached lookup per
    whitespace-delimited chunk. Never raises, whatever the string. The last few results are
    kept (the result is immutable): a message is read by the flood check and then by the
    engine (about 11 us a benchmark message with the word caches warm, more when cold).
    """
    visible, plain, had_invisible, emoji_count = _clean(text)
    chunks = plain.split()
    if not chunks:
        return Normalised(visible, "", "", (), had_invisible, 0, False, emoji_count)
    ones, twos, mixeds, shapes, tokens = zip(
        *[_fold_chunk(chunk) for chunk in chunks], strict=True
    )
    shape = "".join(shapes)
    runs: list[str] = []
    if "sss" in shape:
        flat = list(itertools.chain.from_iterable(tokens))
        folded, doubled, mixed, runs = _join_spaced(flat, shape)
    else:
        folded, doubled = " ".join(filter(None, ones)), " ".join(filter(None, twos))
        mixed = sum(mixeds)
    singles = shape.count("s")
    return Normalised(
        visible=visible,
        folded=folded,
        folded_doubled=doubled,
        spaced_runs=tuple(runs),
        had_invisible=had_invisible,
        mixed_script_tokens=mixed,
        abnormal_spacing=bool(runs) or (len(shape) >= 6 and singles * 5 >= len(shape) * 3),
        emoji_count=emoji_count,
    )
