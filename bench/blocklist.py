"""Per-message cost of blocklist + regex checks as the blocklist grows.

Run with ``python -m bench.blocklist``. Prints, for 100, 1,000 and 10,000 synthetic
Italian/English terms, the mean and p99 cost of normalise + Blocklist.find + PatternSet.find
per message, next to a naive loop of ``re.search(r"\\bterm\\b")`` per term, and the
10,000/100 ratio (target for ours: within 1.2x). Asserts nothing: it reports figures.

Messages are 3-60 words drawn from everyday Italian and English, with emoji, links and, in
one message out of five, a listed term in disguise (leet, Cyrillic, spaced, stretched, hidden
zero-width space). Timings are steady state (the pool is scanned once to warm caches) and the
three list sizes are timed alternately, message by message, so machine noise hits all alike.
"""

from __future__ import annotations

import gc
import random
import re
import statistics
import time
from collections.abc import Callable

from policies.blocklist import BlockEntry, Blocklist
from policies.normalise import normalise
from policies.patterns import PatternEntry, PatternSet

SEED = 20240611
SIZES = (100, 1_000, 10_000)
POOL = 2_000
NAIVE_MESSAGES = 300


def _words(text: str) -> list[str]:
    return text.split()


EVERYDAY = _words("""
ciao grazie buongiorno sera caffè ordine spedizione pacco arrivato quando dove come
perché prezzo sconto codice negozio consegna corriere tracking rimborso reso taglia colore
miscela grani macinato cialde capsule moka espresso tazza latte zucchero colazione gusto
buono ottimo pessimo lento veloce oggi domani ieri settimana mese anno problema aiuto
risposta domanda amici famiglia regalo natale estate offerta abbonamento account password
hello thanks please order shipping package arrived when where how why price discount code
store delivery refund return size color blend beans ground pods cup milk sugar breakfast
taste good great bad slow fast today tomorrow yesterday week month year problem help
answer question friends family gift summer offer subscription love really very much the a
is are was were have has do does not and or but with for from this that it we you they""")

SPAMMY = _words("""
truffa scam crypto bitcoin guadagna guadagno soldi facili investimento trading
forex casino scommesse bonus gratis free money profitto rendita garantito esperto segnali
pump airdrop wallet prestito ricarica premio vincita lotteria escort incontri viagra
cialis dimagrire miracolo clicca iscriviti canale privato whatsapp telegram contattami
vendo follower like recensioni account hackerato phishing sblocca verifica urgente""")

SYLLABLES = _words("""
ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo fu ga ge gi go la le li
lo lu ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to
tu va ve vi vo za zo str tr pr sc sp""")

EMOJI = ["\U0001f600", "\U0001f525", "\U0001f680", "\U0001f4b0", "\u2615", "\u2764\ufe0f",
         "\U0001f64f", "\U0001f44d", "\U0001f389", "\U0001f1ee\U0001f1f9"]
LINKS = ["https://caffeaurora.it/ordini/123", "t.me/+AbCdEf123", "https://bit.ly/3xYz",
         "www.example.com/promo?id=42", "t.me/canale_vip"]
CYRILLIC = str.maketrans("aceopxy", "\u0430\u0441\u0435\u043e\u0440\u0445\u0443")
LEET = str.maketrans("aeiost", "431057")
REGEXES = [r"t\.me/\+\w+", r"t\.me/\w+", r"bit\.ly/\w+", r"wa\.me/\d+", r"\b\d{9,}\b",
           r"guadagn\w* \d+", r"\bearn \$?\d+", r"\bcrypto\w*\b", r"\bsca+m+\b",
           r"\bdm me\b", r"\bcontatta\w*\b", r"\bwhats\s?app\b", r"\b\d+ ?% (?:garantit|sure)",
           r"\bfree (?:money|crypto)\b", r"(?:https?://)?\w+\.(?:ru|cn|top|xyz)\b",
           r"\bbonus (?:di )?benvenuto\b", r"\bairdrop\b", r"\binvest\w*\b",
           r"\bsoldi facili\b", r"\bfollower\w*\b"]


def make_terms(count: int, rng: random.Random) -> list[str]:
    """Distinct realistic terms: spam words, invented words, two- and three-word phrases."""
    terms = dict.fromkeys(SPAMMY)
    while len(terms) < count:
        kind = rng.random()
        if kind < 0.3:
            word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
            terms[word] = None
        elif kind < 0.85:
            terms[f"{rng.choice(SPAMMY)} {rng.choice(SPAMMY + EVERYDAY)}"] = None
        else:
            terms[" ".join(rng.choice(SPAMMY + EVERYDAY) for _ in range(3))] = None
    return list(terms)[:count]


def disguise(term: str, rng: random.Random) -> str:
    """One evasion a spammer would use on a listed term."""
    how = rng.randrange(5)
    if how == 0:
        return term.translate(LEET)
    if how == 1:
        return term.translate(CYRILLIC)
    if how == 2:
        return " ".join(term.replace(" ", ""))
    if how == 3:
        return re.sub(r"([aeiou])", r"\1\1\1\1", term.upper(), count=1)
    return term[:2] + "\u200b" + term[2:]


def make_message(rng: random.Random, terms: list[str]) -> str:
    words = [rng.choice(EVERYDAY if rng.random() < 0.9 else SPAMMY)
             for _ in range(rng.randint(3, 60))]
    if rng.random() < 0.4:
        words.insert(rng.randrange(len(words) + 1), rng.choice(EMOJI) * rng.randint(1, 3))
    if rng.random() < 0.2:
        words.insert(rng.randrange(len(words) + 1), rng.choice(LINKS))
    if rng.random() < 0.2:
        words.insert(rng.randrange(len(words) + 1), disguise(rng.choice(terms[:100]), rng))
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice([".", "!", "?", "!!", " \U0001f600"])


def _stats(costs: list[float]) -> tuple[float, float]:
    costs.sort()
    return statistics.fmean(costs), costs[int(len(costs) * 0.99) - 1]


def timed(check: Callable[[str], object], messages: list[str]) -> tuple[float, float]:
    """Mean and p99 cost per message, in microseconds (after one warm-up pass)."""
    return interleaved([check], messages, passes=1)[0]


def interleaved(
    checks: list[Callable[[str], object]], messages: list[str], passes: int
) -> list[tuple[float, float]]:
    """Time several checks message by message, alternating, so that load from other
    processes or CPU frequency changes hit every check alike. Returns (mean, p99) each."""
    for message in messages:
        for check in checks:
            check(message)
    costs: list[list[float]] = [[] for _ in checks]
    gc.disable()
    try:
        for _ in range(passes):
            for number, message in enumerate(messages):
                # Rotate who goes first: the first check of a message warms CPU caches.
                for offset in range(len(checks)):
                    which = (number + offset) % len(checks)
                    started = time.perf_counter_ns()
                    checks[which](message)
                    costs[which].append((time.perf_counter_ns() - started) / 1000)
    finally:
        gc.enable()
    return [_stats(samples) for samples in costs]


def ours_for(blocklist: Blocklist, patterns: PatternSet) -> Callable[[str], object]:
    def check(text: str) -> object:
        normalised = normalise(text)
        return blocklist.find(normalised), patterns.find(normalised)

    return check


def naive_for(terms: list[str]) -> Callable[[str], object]:
    compiled = [re.compile(rf"\b{re.escape(term)}\b", re.IGNORECASE) for term in terms]

    def check(text: str) -> object:
        return [pattern for pattern in compiled if pattern.search(text)]

    return check


def main() -> None:
    rng = random.Random(SEED)
    all_terms = make_terms(max(SIZES), rng)
    messages = [make_message(rng, all_terms) for _ in range(POOL)]
    patterns = PatternSet.build(
        PatternEntry(source, "delete", None, f"r{i}") for i, source in enumerate(REGEXES)
    )
    blocklists = [
        Blocklist.build(
            BlockEntry(term, "delete", None, f"t{i}") for i, term in enumerate(all_terms[:size])
        )
        for size in SIZES
    ]
    ours = interleaved([ours_for(b, patterns) for b in blocklists], messages, passes=3)
    naive = [timed(naive_for(all_terms[:size]), messages[:NAIVE_MESSAGES]) for size in SIZES]
    rows = [(size, *o, *n) for size, o, n in zip(SIZES, ours, naive, strict=True)]
    report(rows, messages)


def report(rows: list[tuple[int, float, float, float, float]], messages: list[str]) -> None:
    long_ones = [m for m in messages if len(m.split()) >= 55]
    norm_mean, norm_p99 = timed(normalise, long_ones)
    print(f"{len(messages)} messages of 3-60 words; {len(REGEXES)} regexes in the PatternSet")
    print(f"normalise alone, {len(long_ones)} messages of 55+ words: "
          f"mean {norm_mean:.1f} us, p99 {norm_p99:.1f} us")
    print()
    print(f"{'terms':>7} | {'ours mean':>10} {'ours p99':>10} | "
          f"{'naive mean':>11} {'naive p99':>11}")
    print("-" * 60)
    for size, mean, p99, naive_mean, naive_p99 in rows:
        print(f"{size:>7,} | {mean:>8.1f}us {p99:>8.1f}us | "
              f"{naive_mean:>9.1f}us {naive_p99:>9.1f}us")
    first, last = rows[0], rows[-1]
    print("-" * 60)
    print(f"10,000/100 ratio: ours mean {last[1] / first[1]:.2f}x, p99 {last[2] / first[2]:.2f}x; "
          f"naive mean {last[3] / first[3]:.1f}x")


if __name__ == "__main__":
    main()
