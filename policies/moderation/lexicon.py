"""Families of spam vocabulary (Italian and English) that the spam score names in `/why`.

These are the themes of Telegram group spam, not the words of any one message: crypto and
forex pumps, easy money, adult bait, fake job offers, "write me in private", prize bait and
false urgency. Phrases are comma-separated and compared in the normalised form (lowercase,
no accents, leetspeak undone); a trailing ``*`` matches any word starting with it
("guadagn*" covers guadagna, guadagnare, guadagno). Ordinary shop and coffee talk (price,
discount, order, free shipping, "three coffees a day", loyalty rewards, free samples) is
deliberately absent: a brand's community talks about it all day.
"""

from __future__ import annotations

import re
from functools import cache

import ahocorasick

from policies.normalise import normalise

FAMILIES: dict[str, str] = {
    "crypto": """
        bitcoin*, btc, eth, ethereum, usdt, tether, crypto*, cripto*, binance, bybit, airdrop*,
        altcoin*, memecoin*, blockchain, nft, nfts, solana, dogecoin, defi, metamask,
        trust wallet, forex, trading, trader*, segnali di trading, trading signals, staking,
        presale, pre sale, mining pool, token sale
    """,
    "money": """
        guadagn*, rendita, rendite, reddito passivo, passive income, profitt*, profit,
        profits, earn, earning*, earned, soldi facili, easy money, fast money, money fast,
        investi*, invest, investing, investment*, investor*, roi, rendimento, moltiplica*,
        double your money, raddoppia*, payout, paid daily, liberta finanziaria,
        financial freedom, senza rischi, no risk, risk free, guaranteed profit*,
        guaranteed return*, cashout
    """,
    "adult": """
        sesso, sex, sexy, porn*, xxx, nude, nudes, naked, onlyfans, escort*,
        incontri piccanti, hot girls, ragazze hot, girl hot, milf, cam girl, camgirl*,
        dating, singles near you, single nella tua zona, hookup*, video hot, foto hot,
        contenuti piccanti, spicy content
    """,
    "job": """
        lavoro da casa, lavora da casa, lavorare da casa, work from home, work at home,
        remote job, cerchiamo collaborator*, cerco collaborator*, hiring, we are hiring,
        recruiting, offerta di lavoro, job offer, part time, opportunita di lavoro,
        ore al giorno, hours a day, hours per day, solo uno smartphone, only a smartphone,
        nessuna esperienza, no experience, senza esperienza, smart working da casa
    """,
    "contact": """
        scrivimi, scrivetemi, contattami, contattatemi, in privato, in pvt, in dm, pm me,
        dm me, message me, inbox me, write me, text me, contact me, whatsapp, wa me,
        link in bio, nel mio profilo, my profile, my bio, nella bio, clicca qui, click here,
        click the link, clicca sul link, tap here, join now, unisciti ora, entra nel canale,
        join my channel, join our channel, iscriviti al canale
    """,
    "prize": """
        giveaway*, hai vinto, you won, you have won, sei stato selezionato, sei stata selezionata,
        you have been selected, congratulazioni hai, claim your, claim now, riscatta*,
        ritira il premio, bonus di benvenuto, welcome bonus, free gift, regalo per te,
        free spins, premio in denaro, cash prize
    """,
    "urgency": """
        solo oggi, only today, posti limitati, limited spots, limited places, ultimi posti,
        affrettati, hurry, act now, non perdere, don't miss, last chance, ultima occasione,
        prima che sia tardi, before it's too late, entro stasera
    """,
}

# An amount of money paired with a rate or a return: "500€ al giorno", "$300 per day",
# "+300%". Amounts alone are shop talk ("costa 12 €") and do not count.
_AMOUNT = (
    r"(?:[$€£]\s?\d[\d.,]*\s?k?"
    r"|\d[\d.,]*\s?k?\s?(?:€|\$|£|euro|eur|usd|usdt|dollar[is]?|btc))"
)
_RATE = (
    r"(?:al\s+giorno|a\s+settimana|al\s+mese|a\s+day|per\s+day|daily|weekly|a\s+week|"
    r"per\s+week|a\s+month|per\s+month|/\s?(?:day|week|month|giorno|mese|settimana))"
)
MONEY_RATE_RE = re.compile(
    rf"{_AMOUNT}\s*(?:\S+\s+){{0,2}}?{_RATE}|\+\s?\d{{2,}}\s?%|\d{{3,}}\s?%", re.IGNORECASE
)


def phrases(family: str) -> list[str]:
    """A family's phrases, as written in the table."""
    return [p.strip() for p in " ".join(FAMILIES[family].split()).split(",") if p.strip()]


@cache
def build_automaton() -> ahocorasick.Automaton:
    """Compile every family into one automaton scanned over ``" " + folded + " "``.

    Keys are padded with spaces so they match whole words; prefix entries keep only the
    leading space. The value is the family name. Built once per process and only read after.
    """
    automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
    for family in FAMILIES:
        for phrase in phrases(family):
            prefix = phrase.endswith("*")
            words = normalise(phrase.rstrip("*")).folded
            if words:
                automaton.add_word(f" {words}" if prefix else f" {words} ", family)
    automaton.make_automaton()
    return automaton


def families_in(automaton: ahocorasick.Automaton, folded: str) -> tuple[str, ...]:
    """The families whose words appear in a folded text, each once, in table order."""
    if not folded:
        return ()
    hits = {family for _end, family in automaton.iter(f" {folded} ")}
    return tuple(family for family in FAMILIES if family in hits)
