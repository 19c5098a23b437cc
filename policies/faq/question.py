"""Does a chat line ask for something?

The FAQ bot must stay out of chit-chat, so it only considers lines that ask: a question
mark, an opening interrogative ("come", "how", "posso", "can"), a request for information or
help ("qualcuno sa", "does anyone know", "mi serve", "I need", "help", "pls"), or a problem
report ("non funziona", "is broken", "ancora niente"), which in a brand's group is an implicit
request for help. Thanks and greetings are never questions unless they carry a "?".
Both languages' patterns are checked whatever `lang` says, because language detection on a
short line can be wrong and members mix languages.
"""

from __future__ import annotations

import re
import unicodedata

from policies.prefilter import Guarded

_OPENERS = {
    "it": r"come|quando|dove|perch[eé]|quant[oiae]|qual[ei]?|chi|cosa|che cosa|posso|possiamo|"
    r"potete|puoi|pu[oò]|si pu[oò]|c[ ']?[eè]|ci sono|avete|sapete|[eè] possibile|"
    r"devo|bisogna|serve|esiste|funziona|accettate|spedite|fate|fa",
    "en": r"how|what|when|where|why|which|who|whom|whose|can|could|would|will|do|does|did|"
    r"is|are|was|were|should|shall|may|might|must|have you|has|any|anyone|anybody",
}

_REQUESTS = {
    "it": r"qualcuno sa|qualcuno mi sa|sapete se|sapreste|mi sapete|chiedo|domanda|info\b|"
    r"informazion|mi serve|mi servirebbe|mi servono|ho bisogno|avrei bisogno|vorrei|"
    r"voglio|aiutatemi|aiutami|per favore|per piacere|\baiuto\b|come si fa|come faccio|"
    r"non so (se|come|dove|quando|quale|quanto|chi)",
    "en": r"does anyone know|anyone know|any idea|wondering|i need|i'd like|i would like|"
    r"i want to|need help|help me|\bhelp\b|\bpls\b|\bplease\b|\bplz\b|how to|"
    r"not sure (if|how|where|when|which|what|whether)|can't find|cannot find",
}

_PROBLEMS = {
    "it": r"non funziona|non va\b|non arriva|non [eè] arrivat|non ho ricevuto|mai arrivat|"
    r"ancora niente|ancora nulla|errore|rott[oaie]\b|danneggiat|sbagliat|difettos|"
    r"non riesco|mancant|in ritardo",
    "en": r"doesn't work|does not work|not working|isn't working|broken|damaged|defective|"
    r"error|invalid|never arrived|hasn't arrived|has not arrived|still no|still not|"
    r"didn't receive|haven't received|not received|wrong|missing",
}

_HELP_THANKS = re.compile(r"\b(the|your|for|l|dell|vostro|tuo)\s+(help|aiuto)\b")
_THANKS_OR_GREETING = re.compile(
    r"^(grazie|thanks|thank you|thx|ty|ciao|buongiorno|buonasera|hi|hello|hey|good morning|"
    r"welcome|benvenut[oaie])\b"
)


def _compile(table: dict[str, str], template: str) -> re.Pattern[str]:
    return re.compile(template.format("|".join(f"(?:{p})" for p in table.values())))


_OPENER = _compile(
    _OPENERS, r"^(?:ma |e |scusate,? |scusa,? |hey,? |so,? |but |and )?(?:{})\b(?!')"
)
# Most chat lines match neither: an RE2 scan says so before Python's engine tries every
# alternative at every position (policies.prefilter).
_REQUEST = Guarded(_compile(_REQUESTS, r"(?:{})"))
_PROBLEM = Guarded(_compile(_PROBLEMS, r"\b(?:{})"))


def is_question(text: str, lang: str) -> bool:
    """True when the line asks a question or requests help (see the module doc).

    Args:
        text: the chat line.
        lang: its detected language; kept for API stability, all patterns are checked.
    """
    del lang
    line = unicodedata.normalize("NFC", text).lower().replace("\u2019", "'")
    line = " ".join(line.split())
    if not line:
        return False
    if "?" in line:
        return True
    if _THANKS_OR_GREETING.match(line):
        return False
    request = _REQUEST.search(_HELP_THANKS.sub(" ", line))
    return bool(_OPENER.match(line) or request or _PROBLEM.search(line))
