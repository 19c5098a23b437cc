"""Italian complaint patterns: the shapes grievances take, independent of any product.

Each entry is (kind, regex, strong). A strong hit is a complaint on its own (unless the
message is off-topic, hypothetical or the hit is negated); a weak hit only adds negativity.
Regexes run on prepared text (folded, apostrophes as spaces, single spaces between words).
"""

from __future__ import annotations

NUM = (
    r"(?:\d+|un|una|uno|due|tre|quattro|cinque|sei|sette|otto|nove|dieci|undici|dodici"
    r"|quindici|venti|trenta|qualche|diversi|diverse|parecchi|parecchie|molti|molte|tanti"
    r"|tante|piu di \w+|oltre \w+|quasi \w+|ben \w+)"
)
UNIT = r"(?:or[ae]|giorn[oi]|gg|settiman[ae]|mes[ei]|ann[oi])"
LONG = r"(?:settiman[ae]|mes[ei]|ann[oi])"
_DEFECT = (
    r"(?:rott|scucit|strappat|staccat|rovinat|difettos|danneggiat|scolorit|sbiadit|sformat"
    r"|infeltrit|graffiat|ammaccat|guast|sfilacciat|schiacciat|incrinat|scheggiat|crepat"
    r"|spaccat|fallat|sfasciat|manomess|ammuffit|scadut)\w*"
)
_ITEM = (
    r"(?:colore|taglia|misura|articol\w|prodott\w|indirizzo|ordine|pacco|modello|importo"
    r"|prezzo|capo|pezzo|codice|numero|gusto|miscela|scatola)"
)

COMPLAINTS: tuple[tuple[str, str, bool], ...] = (
    ("waiting", rf"aspett\w*(?: \w+){{0,6}}? (?:da |per )?(?:{NUM} )?{UNIT}\b", True),
    ("waiting", rf"{NUM} {UNIT} che (?:aspett|attend|sto aspettando)\w*", True),
    ("waiting", r"(?:ancora|sono|siamo|resto|restiamo|sempre) in attesa", True),
    ("waiting",
     r"ancora (?:in )?(?:preparazione|lavorazione|elaborazione|transito|giacenza|sospeso)"
     r"|non (?:si e |e |sono )?(?:mai )?(?:mosso|mossa|cambiat\w*|aggiornat\w*)", True),
    ("waiting", r"aspett\w* ancora|ancora (?:ad |a )?aspett\w*|sto ancora aspettando", True),
    ("waiting", rf"(?:attesa|attendo|attendiamo) (?:da|di) (?:{NUM} )?{UNIT}", True),
    ("waiting", rf"(?:da|per) (?:{NUM} )?{UNIT} (?:ormai )?(?:senza|e ancora|nessun)", True),
    ("waiting", rf"(?:arriv|consegn|ricev|spedit)\w*(?: \w+){{0,3}}? dopo (?:{NUM} )?{LONG}",
     True),
    ("waiting", rf"ci (?:sono|e|hanno|ha) (?:volut|mess)\w* (?:{NUM} )?{LONG}", True),
    ("waiting", r"aspett\w*(?: \w+){0,4}? tutt[oa] (?:il|la) (?:giorn|mattin|pomerig|sera)\w*",
     True),
    ("not_arrived",
     r"(?:non|mai)(?! (?:so|sai|sa|sapete|sappiamo|vedo|credo|penso)\b)(?: \w+){0,3}? "
     r"(?:arriv|ricev|consegn|pervenut|rimbors|accredit|spedit|evas)\w*", True),
    ("not_arrived", r"ancora (?:niente|nulla|nessun\w*)|che fine ha fatto", True),
    ("not_arrived",
     r"non (?:e |sono |si e |si sono )?(?:mai )?(?:passat|venut|presentat|vist)\w*"
     r"|risulta(?:va)? consegnat\w*|(?:segna|dice) consegnat\w*", True),
    ("not_arrived", r"dov e (?:finit[oa]|il mio|la mia|il pacco|l ordine)", True),
    ("no_reply",
     r"nessun\w* (?:mi |ci |vi )?(?:ha |hanno )?(?:rispond|richiam|ricontatt|aiut|risolv|dett"
     r"|avvisat|informat|si (?:e |e mai |fa )?(?:fatt\w* |fa )?(?:viv|sentir))\w*",
     True),
    ("no_reply",
     r"(?:non|mai) (?:\w+ ){0,3}?(?:rispost|rispond|richiamat|ricontattat|risolt|gestit"
     r"|considerat|filat|cagat)\w*", True),
    ("no_reply",
     r"(?:nessuna|zero) (?:risposta|risposte|notizia|notizie|comunicazione|soluzione"
     r"|spiegazione|assistenza|supporto)", True),
    ("no_reply",
     r"senza (?:alcuna |nessuna |nessun )?(?:risposta|riscontro|notizie|avvis\w*|preavviso"
     r"|spiegazion\w*|comunicazion\w*)", True),
    ("no_reply",
     r"(?:ignorat\w*|attaccat\w* il telefono|messo in attesa|(?:cade|caduta|cadere) la linea)",
     True),
    ("no_reply", r"(?:e|ma) (?:poi )?(?:niente|nulla)(?! male)\b", True),
    ("defect", rf"{_DEFECT}", True),
    ("defect",
     r"si (?:e |sono )?(?:stacc|scuc|romp|rovin|strapp|scolor|sfil|sform|restring|spacc"
     r"|crep|sgretol|sfald|rompon|bruc|macchi|smaglia|infeltr)\w*"
     r"|(?:ha|hanno|con|c e) (?:un |dei |una )?(?:buc[oh]\w*|strapp\w*|macchi[ae]|difett\w*)"
     r"|sembra(?:no)? (?:fatt\w* )?di (?:carta|plastica|cartone)", True),
    ("not_arrived",
     r"torna(?:to|ta|ti)? indietro|rispedit\w* al mittente|(?:rimandato|reso) al mittente", True),
    ("escalation",
     r"(?:parlare|parlo|parli) con (?:un|il|un vostro) (?:responsabile|direttore|manager"
     r"|superiore|umano|operatore umano)", True),
    ("defect",
     r"non (?:\w+ ){0,2}?(?:funzion|va\b|parte\b|si accende|si apre|carica\b|accetta\b"
     r"|valid|si applica|applica\b|riconosce)\w*", True),
    ("defect", r"(?:smesso|smette|smettere|smettono) di funzionare|continua a (?:dare|bloc|chiud|"
     r"crash)\w*|perde (?:acqua|colore|pezzi|il colore)|sa(?:nno)? di (?:bruciato|plastica|"
     r"muffa|vecchio|rancido|niente)", True),
    ("defect",
     r"non riesco (?:piu )?(?:a |ad )(?:accedere|entrare|pagare|completare|fare il login"
     r"|loggarmi|usare|applicare|ordinare|effettuare|tracciare)", True),
    ("defect", r"non (?:e|sono) piu (?:quell[oaie]|come|buon[oaie]) (?:di )?(?:una volta|prima)",
     True),
    ("defect", r"(?:mezz[oa]|meta) vuot[oa]|(?:scatola|confezione|pacco) vuot[oa]|incomplet\w*",
     True),
    ("defect", r"(?:dopo|alla prima|al primo) (?:\w+ ){0,2}?(?:lavagg|uso|utilizz|indossat)\w*",
     False),
    ("wrong_item", rf"{_ITEM} (?:\w+ )?sbagliat\w*|sbagliat\w* (?:\w+ )?{_ITEM}", True),
    ("wrong_item", r"(?:non e|non era|diverso da) quello (?:che (?:ho|avevo) )?ordinat\w*", True),
    ("wrong_item", r"consegnat\w* (?:al vicino|a un vicino|al portiere|a un altro|a caso)", True),
    ("wrong_item", r"manca(?:va|vano|no)? (?:\w+ ){0,2}?(?:pezz|articol|prodott|element|part)\w*",
     True),
    ("wrong_item",
     r"(?:lasciat|buttat|abbandonat|mollat)\w* (?:\w+ ){0,2}?(?:fuori|sotto la pioggia"
     r"|per strada|davanti alla porta|sul pianerottolo|in strada)", True),
    ("legal_threat",
     r"(?:mio|al mio|dal mio|un|a un|da un) (?:avvocat|legal)\w*|(?:vi|ti|li) (?:denunc|querel)\w*"
     r"|vie legali|azione legale|class action|(?:codacons|altroconsumo|polizia postale)", True),
    ("accusation",
     r"(?:e|questa e|sono|siete|che) (?:proprio |solo )?(?:una |un |dei |delle |degli )?"
     r"(?:truff\w*|ladr\w*|imbroglion\w*|vergogn\w*|presa in giro|furto|rapina|schifo)", True),
    ("money",
     r"(?:addebitat|pagat|scalat|prelevat)\w* (?:\w+ ){0,2}?(?:due|2|tre|3|piu) volte"
     r"|doppi[oa] (?:addebito|pagamento)|addebito doppio", True),
    ("money",
     r"(?:ridate|ridatemi|restituite|restituitemi|rivoglio|voglio|rimborsatemi|ridarmi"
     r"|restituirmi) (?:\w+ ){0,2}?(?:soldi|rimborso|denaro|importo)", True),
    ("money",
     r"(?:addebit|pagat|scalat)\w*(?: \w+){0,4}? (?:dopo|nonostante|anche dopo) (?:la |l |aver )?"
     r"(?:disdett|cancell|annull|disattiv|recess|reso)\w*", True),
    ("money", r"(?:pagat|addebitat)\w* (?:ma|e) (?:\w+ ){0,3}?(?:non|niente|nulla|nessun)", True),
    ("never_again", r"mai piu(?! senza)\b", True),
    ("never_again",
     r"non (?:\w+ )?(?:compr|ordin|acquist|torn|rinnov)\w* (?:\w+ ){0,2}?piu", True),
    ("never_again",
     r"ultima volta che (?:compro|ordino|acquisto|vi)|state (?:alla larga|lontani)"
     r"|alla larga|sconsigli\w*|evitate(?:li)?\b", True),
    ("blame",
     r"(?:dite|dicono|mi dite|mi dicono|dicevate|mi rispondono|rispondete) che (?:e |sia )?"
     r"(?:colpa mia|un problema mio|problema mio|colpa del corriere)", True),
    ("repeat",
     r"(?:terz|quart|quint|sest|ennesim|decim)[ao] volta|(?:tre|quattro|cinque|\d+) volte"
     r"|di fila|ogni volta|ancora una volta|di nuovo", False),
    ("demand",
     r"sistemate|risolvete|rispondete|fate qualcosa|vergognatevi|spiegatemi|datemi una risposta",
     False),
    ("demand", r"(?:devo|dovrei|tocca a me|mi tocca) (?:anche )?pagare", False),
)

CONDITIONAL = r"\b(?:se|qualora|nel caso|in caso|casomai|semmai|eventualmente)\b"
HYPOTHETICAL = "se qualora casomai semmai eventualmente"
"""Hypotheticals ("se arriva rotto posso fare il reso?") are questions, not grievances."""
