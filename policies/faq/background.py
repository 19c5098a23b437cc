"""Off-topic chat lines: the "none of the above" class for the semantic stage.

e5 puts every short chat line at cosine 0.80-0.87 from every other one, so a raw cosine says
little about whether a line is about the knowledge base at all. These generic lines (greetings,
thanks, banter, weather, sport, plans, opinions, time and small talk, in Italian and English,
not tied to any shop) act as a background: a query that is as close to one of them as to its
best entry is chit-chat, and an entry that attracts background lines is a "hub" whose cosine
needs more evidence. Written as general chat; topics that appear in the evaluation sets
(sport, concerts, films, holidays, the time of day, colours, logos, home towns) are left out
on purpose so that the measured figures stay honest about unseen chit-chat.
"""

from __future__ import annotations

BACKGROUND: tuple[str, ...] = (
    # Italian
    "ciao a tutti, come va?",
    "buonasera gente",
    "buon weekend ragazzi!",
    "grazie ragazzi siete fantastici",
    "grazie per la risposta",
    "ahah che ridere",
    "hahaha bellissimo",
    "oggi fa un caldo pazzesco",
    "sono appena uscito dal lavoro",
    "qualcuno ha una ricetta per la carbonara?",
    "che libro state leggendo?",
    "che musica ascoltate in macchina?",
    "chi gioca ai videogiochi qui?",
    "che fate stasera?",
    "mi piace un sacco questo gruppo",
    "benvenuto nel gruppo!",
    "auguri di buon compleanno!",
    "buon natale a tutti",
    "oggi sono stanchissimo",
    "lunedì mattina, che fatica",
    "il mio gatto dorme tutto il giorno",
    "ho finalmente finito gli esami",
    "ci vediamo domani",
    "sono d'accordo con te",
    "non ci posso credere",
    "che bella foto!",
    "avete un cane o un gatto?",
    "quanto traffico stamattina in tangenziale",
    "come si chiama il tuo cane?",
    "chi si ricorda i cartoni degli anni 90?",
    # English
    "hi everyone, how are you?",
    "good evening folks",
    "have a great weekend!",
    "thank you so much everyone",
    "thanks for the answer",
    "haha that's so funny",
    "omg I can't stop laughing",
    "it's so hot today",
    "just got off work",
    "does anyone have a good pasta recipe?",
    "what book are you reading?",
    "what music do you listen to in the car?",
    "who here plays video games?",
    "what are you doing tonight?",
    "i really like this group",
    "welcome aboard!",
    "happy birthday!",
    "merry christmas everyone",
    "i'm so tired today",
    "mondays are the worst",
    "my cat sleeps all day long",
    "finally finished my exams",
    "see you tomorrow",
    "i totally agree with you",
    "i can't believe it",
    "nice picture!",
    "do you have a dog or a cat?",
    "traffic was terrible this morning",
    "what's your dog's name?",
    "who remembers the cartoons from the 90s?",
)
