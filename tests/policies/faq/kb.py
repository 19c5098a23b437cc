"""A small bilingual knowledge base shared by the FAQ tests."""

from __future__ import annotations

from policies.faq.types import FaqEntry


def _entry(eid: str, it: str, en: str, answer_en: str, answer_it: str = "") -> FaqEntry:
    answers = {"en": answer_en} | ({"it": answer_it} if answer_it else {})
    return FaqEntry(eid, {"it": (it,), "en": (en,)}, answers)


KB: tuple[FaqEntry, ...] = (
    _entry("shipping_time", "Quanto tempo ci vuole per la spedizione?",
           "How long does shipping take?", "2-4 working days.", "2-4 giorni lavorativi."),
    _entry("returns", "Come faccio a restituire un prodotto?", "How do I return an item?",
           "Open a return from your account.", "Apri un reso dal tuo account."),
    _entry("hours", "Quali sono gli orari di apertura del negozio?",
           "What are the store opening hours?", "Mon-Sat 10-19."),
    _entry("invoice", "Posso avere la fattura?", "Can I get an invoice?",
           "Yes, add your VAT number at checkout.", "Sì, inserisci la partita IVA."),
    _entry("cancel", "Posso annullare un ordine?", "Can I cancel my order?",
           "Yes, within one hour.", "Sì, entro un'ora."),
    _entry("support", "Come contatto l'assistenza clienti?",
           "How do I contact customer service?", "Email help@shop.example."),
    _entry("warranty", "Quanto dura la garanzia sui prodotti?",
           "How long is the product warranty?", "Two years.", "Due anni."),
)
