from __future__ import annotations

import pytest

from policies.sentiment import lexicon


def test_many_language_codes_share_the_two_compiled_lexicons(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A brand may have many languages (and regional codes); each must not cost a recompile.
    lexicon._lexicon.cache_clear()
    compiled: list[str] = []
    real = lexicon._compile

    def counting(words, patterns):
        compiled.append(words.__name__)
        return real(words, patterns)

    monkeypatch.setattr(lexicon, "_compile", counting)
    codes = ["en", "es", "pt", "fr", "de", "nl", "it", "it-IT", "ro", "sv", "en"] * 3
    found = [lexicon.lexicon_for(code) for code in codes]
    lexicon._lexicon.cache_clear()  # later tests compile with the real function again
    assert sorted(compiled) == ["policies.sentiment.lexicon_en", "policies.sentiment.lexicon_it"]
    english, italian = found[0], found[6]
    assert english is not italian
    assert all(lex is italian for code, lex in zip(codes, found, strict=True)
               if code.startswith("it"))
    assert all(lex is english for code, lex in zip(codes, found, strict=True)
               if not code.startswith("it"))
