"""A second, hand-written FAQ set (coffee brand) used as a hold-out while tuning.

Written without looking at the matcher's behaviour on it, in the same format as
shared/data/faq-dev.json, so `evaluate(HOLDOUT)` gives an estimate on a domain the weights were
not tuned on. Not used for asserting figures (only that it is well-formed).
"""

from __future__ import annotations

from typing import Any


def _e(eid: str, it: str, en: str, a_it: str, a_en: str) -> dict[str, Any]:
    return {"id": eid, "questions": {"it": [it], "en": [en]}, "answer": {"it": a_it, "en": a_en}}


ENTRIES = [
    _e("beans", "Vendete caffè in grani?", "Do you sell whole bean coffee?",
       "Sì, tutte le miscele anche in grani.", "Yes, every blend also comes as whole beans."),
    _e("decaf", "Avete il decaffeinato?", "Do you have decaf?",
       "Sì, la miscela Notte è decaffeinata.", "Yes, the Notte blend is decaf."),
    _e("capsules", "Le capsule sono compatibili con Nespresso?",
       "Are your capsules Nespresso compatible?",
       "Sì, compatibili con le macchine Nespresso Original.",
       "Yes, they fit Nespresso Original machines."),
    _e("subscription", "Come funziona l'abbonamento?", "How does the subscription work?",
       "Scegli miscela e frequenza, puoi sospendere quando vuoi.",
       "Pick a blend and a frequency, pause any time."),
    _e("cancel_sub", "Come disdico l'abbonamento?", "How do I cancel my subscription?",
       "Dal tuo profilo, sezione Abbonamenti.", "From your profile, Subscriptions section."),
    _e("machine_repair", "La macchina del caffè si è rotta, chi la ripara?",
       "My coffee machine broke, who repairs it?",
       "Apri una richiesta di assistenza tecnica dal sito.",
       "Open a repair request on our website."),
    _e("descale", "Ogni quanto va fatta la decalcificazione?", "How often should I descale?",
       "Ogni 2-3 mesi, o quando si accende la spia.", "Every 2-3 months or when the light is on."),
    _e("cafe_hours", "A che ora apre il bar?", "What time does the café open?",
       "Tutti i giorni dalle 7 alle 20.", "Every day from 7am to 8pm."),
    _e("wifi", "Nel bar c'è il wifi?", "Is there wifi in the café?",
       "Sì, gratuito, chiedi la password alla cassa.", "Yes, free: ask for the password."),
    _e("gift_card", "Vendete buoni regalo?", "Do you sell gift cards?",
       "Sì, dal sito, da 10 a 200 euro.", "Yes, online, from 10 to 200 euros."),
    _e("vegan_milk", "Avete latte vegetale?", "Do you have plant-based milk?",
       "Sì: avena, soia e mandorla.", "Yes: oat, soy and almond."),
    _e("franchise", "Come posso aprire un punto vendita in franchising?",
       "How can I open a franchise store?",
       "Scrivi a franchising@aurora.example.", "Write to franchising@aurora.example."),
]

QUERIES: list[dict[str, Any]] = [
    {"text": "si possono comprare i chicchi interi?", "expected": "beans"},
    {"text": "can i buy beans instead of ground coffee?", "expected": "beans"},
    {"text": "c'è una versione senza caffeina?", "expected": "decaf"},
    {"text": "anything without caffeine? i can't sleep otherwise", "expected": "decaf"},
    {"text": "vanno bene nella mia macchinetta nespresso?", "expected": "capsules"},
    {"text": "will the pods work in a nespresso machine?", "expected": "capsules"},
    {"text": "come funziona la consegna periodica del caffè?", "expected": "subscription"},
    {"text": "can i get coffee delivered every month automatically?", "expected": "subscription"},
    {"text": "voglio annullare l'abbonamento, come si fa?", "expected": "cancel_sub"},
    {"text": "how do i stop my monthly plan?", "expected": "cancel_sub"},
    {"text": "la mia macchinetta non funziona più, a chi mi rivolgo?",
     "expected": "machine_repair"},
    {"text": "espresso machine stopped working, can you fix it?", "expected": "machine_repair"},
    {"text": "quanto spesso devo togliere il calcare?", "expected": "descale"},
    {"text": "when do i need to run the descaling?", "expected": "descale"},
    {"text": "il bar è aperto la domenica mattina?", "expected": "cafe_hours"},
    {"text": "what are the café opening hours?", "expected": "cafe_hours"},
    {"text": "qual è la password del wifi al bar?", "expected": "wifi"},
    {"text": "can i use internet in the coffee shop?", "expected": "wifi"},
    {"text": "vorrei regalare un buono a mia sorella, si può?", "expected": "gift_card"},
    {"text": "do you have gift vouchers?", "expected": "gift_card"},
    {"text": "fate il cappuccino con latte di avena?", "expected": "vegan_milk"},
    {"text": "is there soy or oat milk?", "expected": "vegan_milk"},
    {"text": "mi piacerebbe aprire un locale con il vostro marchio", "expected": "franchise"},
    {"text": "how do i become a franchisee?", "expected": "franchise"},
    {"text": "buonasera a tutti", "expected": None},
    {"text": "che caffè state bevendo stamattina?", "expected": None},
    {"text": "qualcuno ha visto il film ieri?", "expected": None},
    {"text": "oggi piove tantissimo", "expected": None},
    {"text": "che ore sono?", "expected": None},
    {"text": "dove andate in vacanza quest'anno?", "expected": None},
    {"text": "i just made the best espresso of my life", "expected": None},
    {"text": "what do you guys think about the new logo?", "expected": None},
    {"text": "haha same here", "expected": None},
    {"text": "who won the match last night?", "expected": None},
    {"text": "see you all tomorrow!", "expected": None},
    {"text": "is anyone here from turin?", "expected": None},
]

HOLDOUT: dict[str, Any] = {"entries": ENTRIES, "queries": QUERIES}
