"""Normalisation: evasions fold onto the plain word, plain text in any script stays itself."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.normalise import Normalised, normalise

CYRILLIC_LOOKALIKE = {"a": "\u0430", "c": "\u0441", "e": "\u0435", "o": "\u043e",
                      "p": "\u0440", "x": "\u0445", "y": "\u0443", "s": "\u0455",
                      "i": "\u0456"}
LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("SCAM", "scam"),
        ("SCAAAM!!", "scam"),
        ("sc\u200bam", "scam"),
        ("s\u00adc\u2060a\ufeffm", "scam"),
        ("5c4m", "scam"),
        ("c@sino v!agra $cam", "casino viagra scam"),
        ("\u0455\u0441\u0430m", "scam"),
        ("p\u0430yp\u0430l", "paypal"),
        ("\U0001d41f\U0001d42b\U0001d41e\U0001d41e"
         " \U0001d426\U0001d428\U0001d427\U0001d41e\U0001d432", "free money"),
        ("\uff46\uff52\uff45\uff45", "free"),
        ("\ua731\u1d04\u1d00\u1d0d", "scam"),
        ("s c a m", "scam"),
        ("s.c.a.m", "scam"),
        ("s-c-a-m", "scam"),
        ("s \U0001f525 c \U0001f525 a \U0001f525 m", "scam"),
        ("La spedizione \u00e8 GRATUITA", "la spedizione e gratuita"),
        ("Perch\u00e9 l'offerta \u00e8 finita?", "perche l'offerta e finita"),
        ("l\u2019offerta", "l'offerta"),
        ("Zalgo s\u0338c\u0338a\u0338m\u0338", "zalgo scam"),
        ("\u041f\u0440\u0438\u0432\u0435\u0442, \u043a\u0430\u043a \u0434\u0435\u043b\u0430?",
         "\u043f\u0440\u0438\u0432\u0435\u0442 \u043a\u0430\u043a \u0434\u0435\u043b\u0430"),
        ("\u039a\u03b1\u03bb\u03b7\u03bc\u03ad\u03c1\u03b1",
         "\u03ba\u03b1\u03bb\u03b7\u03bc\u03b5\u03c1\u03b1"),
        ("Ordine 2024, totale 30\u20ac", "ordine 2024 totale 30"),
        ("ho 3 o 4 anni", "ho 3 o 4 anni"),
        ("\U0001f389\U0001f389\U0001f389", ""),
        ("   \n\t ", ""),
        ("sc\ud800am", "scam"),
    ],
    ids=[
        "uppercase", "stretched", "zero-width-space", "soft-hyphen-word-joiner-bom", "leetspeak",
        "leet-symbols", "cyrillic-lookalikes", "one-cyrillic-letter", "math-bold", "fullwidth",
        "small-capitals", "spaced", "dotted", "hyphenated", "emoji-separated", "italian-accents",
        "elision-apostrophe", "typographic-apostrophe", "zalgo-marks", "plain-russian-kept",
        "plain-greek-kept", "digits-without-letters-kept", "numbers-and-o-not-joined",
        "emoji-only", "whitespace-only", "lone-surrogate",
    ],
)
def test_folded_form(text: str, folded: str) -> None:
    assert normalise(text).folded == folded


@pytest.mark.parametrize(
    ("text", "flags"),
    [
        ("ciao a tutti", (False, 0, False, 0)),
        ("sc\u200bam", (True, 0, False, 0)),
        ("\U0001f468\u200d\U0001f469\u200d\U0001f467 famiglia", (False, 0, False, 3)),
        ("caff\u00e8 \u2615\ufe0f", (False, 0, False, 1)),
        ("s\ufe0fcam", (True, 0, False, 0)),
        ("\u0455\u0441\u0430m and p\u0430yp\u0430l", (False, 2, False, 0)),
        ("\u043f\u0440\u0438\u0432\u0435\u0442 \u043c\u0438\u0440", (False, 0, False, 0)),
        ("v i a g r a", (False, 0, True, 0)),
        ("\U0001f1ee\U0001f1f9 Italia", (False, 0, False, 1)),
    ],
    ids=[
        "plain", "zero-width-in-word", "emoji-zwj-sequence-not-evasion",
        "emoji-variation-selector",
        "variation-selector-in-word", "mixed-script-tokens", "plain-russian-not-mixed",
        "spaced-letters", "flag-counts-once",
    ],
)
def test_evasion_flags(text: str, flags: tuple[bool, int, bool, int]) -> None:
    result = normalise(text)
    assert (
        result.had_invisible, result.mixed_script_tokens, result.abnormal_spacing,
        result.emoji_count,
    ) == flags


def test_stretched_word_keeps_real_doubles_in_second_form() -> None:
    result = normalise("sleeeeep")
    assert (result.folded, result.folded_doubled, result.forms()) == (
        "slep", "sleep", ("slep", "sleep")
    )


def test_spaced_run_is_reported_for_matching_inside_it() -> None:
    result = normalise("this is a s c a m")
    assert (result.folded, result.spaced_runs) == ("this is ascam", ("ascam",))


def test_visible_text_keeps_punctuation_and_case_but_drops_invisibles() -> None:
    assert normalise("Entra: t.me/+Ab\u200bCd \uff01").visible == "Entra: t.me/+AbCd !"


def test_elided_single_letters_are_not_a_spaced_run() -> None:
    result = normalise("c'\u00e8 a Milano l'offerta")
    assert (result.folded, result.spaced_runs, result.abnormal_spacing) == (
        "c'e a milano l'offerta", (), False
    )


def test_result_is_a_frozen_value() -> None:
    result = normalise("ciao")
    with pytest.raises(AttributeError):
        result.folded = "x"  # type: ignore[misc]
    assert result == normalise("ciao")
    assert isinstance(result, Normalised)


ANY_TEXT = st.text(st.characters(), max_size=120)
TRICKY_TEXT = st.text(
    st.sampled_from(
        list("abcsmxyoeiAESCM01345789 '\u2019\u02bc.-_!@$|\u20ac\t\n")
        + list("\u0430\u0435\u043e\u0440\u0441\u0445\u0443\u0455\u0456\u0410\u0415\u041e")
        + list("\u0391\u0392\u0395\u03b1\u03bf\u03c1\u03bc\u03b7\u1f20\u00e9\u00e8\u00e0\u00c8")
        + ["\u200b", "\u200d", "\ufe0f", "\u0301", "\U0001f389", "\ua731", "\U0001d41f", "\uff46"]
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(ANY_TEXT)
def test_never_raises_and_folded_length_is_bounded(text: str) -> None:
    result = normalise(text)
    assert len(result.folded) <= 3 * len(unicodedata.normalize("NFKC", text))
    assert len(result.folded_doubled) >= len(result.folded)


@settings(max_examples=200, deadline=None)
@given(st.one_of(ANY_TEXT, TRICKY_TEXT))
def test_folding_is_idempotent(text: str) -> None:
    result = normalise(text)
    assert normalise(result.folded).folded == result.folded
    assert normalise(result.visible).visible == result.visible


@settings(max_examples=200, deadline=None)
@given(TRICKY_TEXT)
def test_folded_text_is_lowercase_words_separated_by_single_spaces(text: str) -> None:
    folded = normalise(text).folded
    assert folded == " ".join(folded.split(" ")) == folded.strip()
    assert "  " not in folded
    assert folded == folded.casefold()


WORDS = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), min_size=3, max_size=10).filter(
    lambda word: not any(word[i] == word[i + 1] == word[i + 2] for i in range(len(word) - 2))
)


def _evasions(word: str, data: st.DataObject) -> list[str]:
    """Disguises a spammer applies to one word; each must fold back to the word."""
    position = data.draw(st.integers(0, len(word) - 1))
    stretched = word[:position] + word[position] * 4 + word[position + 1:]
    separator = data.draw(st.sampled_from([" ", ".", "-", " . ", "_", " \U0001f525 "]))
    variants = [word.upper(), "\u200b".join(word), stretched, separator.join(word)]
    leet = "".join(LEET.get(c, c) for c in word)
    if any(c.isalpha() for c in leet):
        variants.append(leet)
    cyrillic = "".join(CYRILLIC_LOOKALIKE.get(c, c) for c in word)
    if any("a" <= c <= "z" for c in cyrillic) and cyrillic != word:
        variants.append(cyrillic)
    return variants


@settings(max_examples=200, deadline=None)
@given(WORDS, st.data())
def test_evasion_variants_fold_to_the_word(word: str, data: st.DataObject) -> None:
    for variant in _evasions(word, data):
        result = normalise(f"hey {variant} now")
        found = {*result.forms(), *(f"hey {run} now" for run in result.spaced_runs)}
        assert f"hey {word} now" in found, (variant, result)
