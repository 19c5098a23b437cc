"""A generated knowledge base of any size: products x aspects, in Italian and English.

Entry ``n`` is fully determined by ``n`` (so a 100-entry base is a prefix of the 10,000 one
and vectors cached for one size serve the others). Each aspect has two phrasings per
language: the first is indexed, the second is what members ask in the traffic, so matching
is never an exact-string lookup.
"""

from __future__ import annotations

from typing import Any

# (it indexed, it asked, en indexed, en asked)
ASPECTS: tuple[tuple[str, str, str, str], ...] = (
    ("Quanto costa {it}?", "qual è il prezzo di {it}?",
     "How much is {en}?", "what does {en} cost?"),
    ("{It} è disponibile?", "avete ancora {it} in magazzino?",
     "Is {en} available?", "do you still have {en} in stock?"),
    ("Come si conserva {it}?", "dove devo tenere {it} una volta aperto?",
     "How should I store {en}?", "where do I keep {en} once opened?"),
    ("{It} contiene glutine?", "ci sono allergeni in {it}?",
     "Does {en} contain gluten?", "are there allergens in {en}?"),
    ("Quanto dura {it}?", "fra quanto scade {it}?",
     "How long does {en} last?", "when does {en} expire?"),
    ("Posso restituire {it}?", "come faccio il reso di {it}?",
     "Can I return {en}?", "how do I send back {en}?"),
    ("{It} va bene per la moka?", "posso usare {it} nella moka?",
     "Is {en} good for a moka pot?", "can I use {en} in a moka pot?"),
    ("Da dove viene {it}?", "qual è l'origine di {it}?",
     "Where does {en} come from?", "what is the origin of {en}?"),
    ("C'è uno sconto su {it}?", "avete codici promo per {it}?",
     "Is there a discount on {en}?", "any promo code for {en}?"),
    ("Quanta caffeina ha {it}?", "{it} è forte di caffeina?",
     "How much caffeine is in {en}?", "is {en} strong in caffeine?"),
)
PRODUCTS: tuple[tuple[str, str], ...] = (
    ("la miscela", "the blend"), ("il caffè macinato", "the ground coffee"),
    ("le capsule", "the capsules"), ("il decaffeinato", "the decaf"),
    ("il caffè in grani", "the coffee beans"), ("le cialde", "the pods"),
    ("la tazza", "the mug"), ("l'abbonamento", "the subscription"),
    ("la moka", "the moka pot"), ("il kit regalo", "the gift box"),
)
_SYLLABLES = ("ra", "mo", "ti", "ve", "lu", "sa", "no", "be", "ci", "do", "fa", "gu")


def _name(n: int) -> str:
    """A product line name from a number: 0 -> '' (the plain product), then invented words."""
    if n == 0:
        return ""
    parts = []
    while n:
        n, digit = divmod(n - 1, len(_SYLLABLES))
        parts.append(_SYLLABLES[digit])
    return "".join(parts).capitalize()


def _parts(index: int) -> tuple[tuple[str, str, str, str], str, str, str]:
    aspect = ASPECTS[index % len(ASPECTS)]
    rest = index // len(ASPECTS)
    product_it, product_en = PRODUCTS[rest % len(PRODUCTS)]
    line = _name(rest // len(PRODUCTS))
    it = f"{product_it} {line}".strip()
    en = f"{product_en} {line}".strip()
    return aspect, it, en, line or "classica"


def _fill(template: str, it: str, en: str) -> str:
    text = template.format(it=it, It=it[:1].upper() + it[1:], en=en)
    return text[:1].upper() + text[1:]


def entry(index: int) -> dict[str, Any]:
    """Entry ``index`` in the policy file's shape."""
    aspect, it, en, line = _parts(index)
    return {
        "id": f"e{index}",
        "questions": {"it": [_fill(aspect[0], it, en)], "en": [_fill(aspect[2], it, en)]},
        "answer": {"it": f"Per {it}: trovi tutto nella scheda {line} sul sito (rif. {index}).",
                   "en": f"For {en}: see the {line} page on our site (ref. {index})."},
    }


def entries(count: int) -> list[dict[str, Any]]:
    return [entry(i) for i in range(count)]


def question_variant(index: int, lang: str) -> str:
    """How a member would ask entry ``index`` (the non-indexed phrasing)."""
    aspect, it, en, _ = _parts(index)
    return _fill(aspect[1] if lang == "it" else aspect[3], it, en)
