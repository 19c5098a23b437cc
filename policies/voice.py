"""The brand's voice: greeting, sign-off, formality and emoji level applied to what the bot says.

Everything from a member (names, quoted text) is HTML-escaped here, once, so no handler can
forget. Output respects Telegram's 4096-character limit.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from policies.schema import Voice

MESSAGE_LIMIT = 4096
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d]+", flags=re.UNICODE
)


@dataclass(frozen=True, slots=True)
class Rendered:
    text: str
    language: str


def escape_html(text: str, quote: bool = False) -> str:
    """Escape member-supplied text for Telegram HTML (quotes only matter inside attributes)."""
    return html.escape(text, quote=quote)


def pick_language(wanted: str | None, available: list[str] | tuple[str, ...],
                  default: str) -> str:
    """``wanted`` if the brand speaks it, else the default, else whatever is available."""
    if wanted and wanted in available:
        return wanted
    if default in available:
        return default
    return available[0] if available else default


def strip_emoji(text: str) -> str:
    return re.sub(r"[ \t]{2,}", " ", _EMOJI.sub("", text)).strip()


def render(voice: Voice, lang: str, body_html: str, *, name: str | None = None,
           greet: bool = True, sign: bool = True) -> str:
    """Wrap ``body_html`` (already safe HTML) in the brand's greeting and sign-off."""
    parts = []
    greeting = voice.greeting.get(lang)
    if greet and greeting and name:
        flourish = " 👋" if voice.emoji == "many" else ""
        parts.append(escape_html(greeting).replace("{name}", escape_html(name)) + flourish)
    parts.append(body_html)
    sign_off = voice.sign_off.get(lang)
    if sign and sign_off:
        parts.append(escape_html(sign_off))
    text = "\n\n".join(p for p in parts if p)
    if voice.emoji == "none":
        text = strip_emoji(text)
    return fit(text)


def fit(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """Cut to Telegram's limit on a line or word boundary, never inside an HTML tag or entity."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    for sep in ("\n", " "):
        at = cut.rfind(sep)
        if at > limit // 2:
            cut = cut[:at]
            break
    cut = re.sub(r"<[^>]*$", "", cut)
    cut = re.sub(r"&[#\w]*$", "", cut)
    return _close_tags(cut) + "…"


def _close_tags(text: str) -> str:
    open_tags: list[str] = []
    for closing, name in re.findall(r"<(/?)([a-z-]+)[^>]*>", text):
        if closing and open_tags and open_tags[-1] == name:
            open_tags.pop()
        elif not closing:
            open_tags.append(name)
    return text + "".join(f"</{t}>" for t in reversed(open_tags))


def split(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split plain (escaped) text into chunks Telegram accepts, on paragraph or line breaks."""
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        at = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(" "))
        if at < limit // 2:
            at = limit
        amp = rest.rfind("&", 0, at)
        if amp > 0 and ";" not in rest[amp:at]:
            at = amp  # never cut inside an HTML entity such as &amp;
        chunks.append(rest[:at].rstrip())
        rest = rest[at:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks
