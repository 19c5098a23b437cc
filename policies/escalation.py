"""Cases: what may happen to them, how urgent they are, and how their card reads.

Pure: the state machine that every button press goes through (so a double or stale press is a
no-op, not a second action), the priority rules, and the card's text and buttons.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from policies.callbacks import encode

KINDS = ("complaint", "question", "report", "moderation", "praise", "spike", "escalated")
PRIORITIES = ("low", "normal", "high", "urgent")
OPEN, CLAIMED, RESOLVED, DISMISSED = "open", "claimed", "resolved", "dismissed"
CLOSED = frozenset({RESOLVED, DISMISSED})
TOPIC_OF_KIND = {"complaint": "complaints", "question": "questions", "report": "reports",
                 "moderation": "moderation", "praise": "praise", "spike": "complaints",
                 "escalated": "complaints"}
ICON = {"complaint": "😠", "question": "❓", "report": "🚩", "moderation": "🛡", "praise": "💚",
        "spike": "📈", "escalated": "🆘"}
PRIORITY_ICON = {"low": "", "normal": "", "high": "❗", "urgent": "🚨"}

# action -> (allowed from, new status); None keeps the status (actions on the author)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "claim": (frozenset({OPEN}), CLAIMED),
    "resolve": (frozenset({OPEN, CLAIMED}), RESOLVED),
    "dismiss": (frozenset({OPEN, CLAIMED}), DISMISSED),
    "reopen": (CLOSED, OPEN),
    "reply": (frozenset({OPEN, CLAIMED}), None),
    "mute": (frozenset({OPEN, CLAIMED}), None),
    "ban": (frozenset({OPEN, CLAIMED}), None),
    "faq": (frozenset({RESOLVED, OPEN, CLAIMED}), None),
}


def transition(status: str, action: str) -> str | None:
    """The status after ``action``, or None when the action is not allowed now."""
    rule = TRANSITIONS.get(action)
    if rule is None or status not in rule[0]:
        return None
    return rule[1] or status


def raise_priority(current: str, wanted: str) -> str:
    """Priorities only go up when triggers pile onto one case."""
    return max(current, wanted, key=PRIORITIES.index)


def report_priority(distinct_reporters: int, urgent_after: int) -> str:
    return "urgent" if distinct_reporters >= urgent_after else "normal"


@dataclass(frozen=True, slots=True)
class CardView:
    id: int
    kind: str
    priority: str
    status: str
    chat_title: str
    author_name: str
    author_id: int | None
    text: str
    context: Sequence[tuple[str, str]]
    reasons: str
    link: str | None
    assignee: str | None = None
    resolved_by: str | None = None
    reply_text: str | None = None
    reporters: int = 0
    labels: dict[str, str] = field(default_factory=dict)


LABELS = {
    "it": {"claim": "🙋 Prendo io", "reply": "💬 Rispondi come brand", "resolve": "✅ Risolto",
           "dismiss": "🗑 Archivia", "mute": "🔇 Silenzia 24h", "ban": "⛔ Banna",
           "faq": "📚 Salva come FAQ", "reopen": "↩️ Riapri", "open": "aperto",
           "claimed": "preso da", "resolved": "risolto da", "dismissed": "archiviato da",
           "by": "di", "in": "in", "why": "Motivi", "context": "Contesto", "answer": "Risposta",
           "reporters": "segnalazioni", "link": "vai al messaggio"},
    "en": {"claim": "🙋 Claim", "reply": "💬 Reply as brand", "resolve": "✅ Resolve",
           "dismiss": "🗑 Dismiss", "mute": "🔇 Mute 24h", "ban": "⛔ Ban",
           "faq": "📚 Save as FAQ", "reopen": "↩️ Reopen", "open": "open",
           "claimed": "claimed by", "resolved": "resolved by", "dismissed": "dismissed by",
           "by": "by", "in": "in", "why": "Why", "context": "Context", "answer": "Answer",
           "reporters": "reports", "link": "open the message"},
}


def card_text(card: CardView, lang: str) -> str:
    """The team-chat card (HTML); everything from members is escaped here."""
    t = LABELS.get(lang, LABELS["en"])
    head = (f"{PRIORITY_ICON[card.priority]}{ICON.get(card.kind, '•')} <b>#{card.id} "
            f"{escape(card.kind)}</b> · {escape(card.priority)} · {_status(card, t)}")
    who = escape(card.author_name or "?", quote=False)
    lines = [head, f"{t['by']} <b>{who}</b> {t['in']} {escape(card.chat_title, quote=False)}"]
    if card.reporters:
        lines[-1] += f" · {card.reporters} {t['reporters']}"
    if card.context:
        lines.append(f"<i>{t['context']}:</i>")
        lines.extend(f"  {escape(w, quote=False)}: {escape(x[:200], quote=False)}"
                     for w, x in card.context[-3:])
    lines.append(f"<blockquote>{escape(card.text[:1500], quote=False)}</blockquote>")
    if card.reasons:
        lines.append(f"<i>{t['why']}:</i> {escape(card.reasons[:500], quote=False)}")
    if card.reply_text:
        lines.append(f"<i>{t['answer']}:</i> {escape(card.reply_text[:800], quote=False)}")
    if card.link:
        lines.append(f'<a href="{escape(card.link)}">{t["link"]}</a>')
    return "\n".join(lines)


def _status(card: CardView, t: dict[str, str]) -> str:
    if card.status == CLAIMED and card.assignee:
        return f"{t['claimed']} {escape(card.assignee, quote=False)}"
    if card.status in CLOSED:
        who = escape(card.resolved_by or "?", quote=False)
        return f"{t[card.status]} {who}"
    return t["open"]


def card_buttons(card: CardView, lang: str) -> list[list[tuple[str, str]]]:
    """Buttons that make sense in the case's current state (callback data <= 64 bytes)."""
    t = LABELS.get(lang, LABELS["en"])

    def button(action: str) -> tuple[str, str]:
        return t[action], encode("case", card.id, action)

    if card.status in CLOSED:
        row = [button("reopen")]
        if card.kind == "question" and card.status == RESOLVED and card.reply_text:
            row.append(button("faq"))
        return [row]
    rows = [[button("claim"), button("reply")] if card.status == OPEN else [button("reply")],
            [button("resolve"), button("dismiss")]]
    if card.author_id is not None and card.kind not in ("praise", "spike"):
        rows.append([button("mute"), button("ban")])
    return rows
