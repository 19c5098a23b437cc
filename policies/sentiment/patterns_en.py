"""English complaint patterns: the shapes grievances take, independent of any product.

Same layout as the Italian patterns: (kind, regex, strong). Text is prepared so "don't",
"hasn't", "won't" read "do not", "has not", "wo not".
"""

from __future__ import annotations

NUM = (
    r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen"
    r"|twenty|thirty|a few|few|several|many|over \w+|more than \w+|almost \w+|nearly \w+)"
)
UNIT = r"(?:hours?|hrs?|days?|weeks?|wks?|months?|years?)"
LONG = r"(?:weeks?|months?|years?)"
_DEFECT = (
    r"(?:broke|broken|breaks|ripped|torn|tore|shrank|shrunk|shrinks|faded|fades|fell apart"
    r"|falling apart|came apart|comes apart|came off|fell off|falls off|peeling|peeled|stained"
    r"|scratched|dented|cracked|defective|faulty|damaged|leaking|leaks|leaked|unstitched"
    r"|frayed|pilling|stopped working|stops working|crash\w*|moldy|mouldy|expired|crushed"
    r"|keeps? (?:crashing|freezing|failing|breaking))\b"
)
_ITEM = (
    r"(?:colou?rs?|sizes?|items?|orders?|products?|address|model|package|parcel|amount|price"
    r"|one|thing|flavou?r|blend|shoes?|code)"
)

COMPLAINTS: tuple[tuple[str, str, bool], ...] = (
    ("waiting", rf"wait\w*(?: \w+){{0,6}}? (?:for )?(?:{NUM} )?{UNIT}\b", True),
    ("waiting", r"(?:been|still|keep|kept) waiting|waiting (?:for )?(?:ages|forever)", True),
    ("waiting", rf"{NUM} {UNIT} (?:later|and still|now and|of waiting)", True),
    ("waiting", rf"(?:took|taking|takes) (?:{NUM} )?{LONG}", True),
    ("waiting", rf"(?:it s|its|it has|it is been) been (?:{NUM} )?{UNIT}", True),
    ("waiting", r"for (?:days|weeks|months|ages)\b", True),
    ("waiting", rf"(?:for )?(?:{NUM} )?{UNIT} (?:now|already)\b", True),
    ("waiting",
     r"still (?:processing|pending|in transit|being processed|preparing|showing)"
     r"|(?:has|have|did|is) not (?:\w+ )?(?:changed|moved|updated|budged|shipped)\b", True),
    ("waiting", r"still (?:no|not|nothing|have not|has not|did not|do not|does not|waiting)\b",
     True),
    ("waiting", rf"(?:arriv|deliver|ship)\w*(?: \w+){{0,3}}? (?:after|in) (?:{NUM} )?{LONG}",
     True),
    ("not_arrived",
     r"(?:never|not|yet to)(?! (?:sure|know|knowing)\b)(?: \w+){0,2}? (?:arriv|receiv|deliver"
     r"|ship|show(?:ed|n|s)? up|turn(?:ed|s)? up|refund|credit|process)\w*", True),
    ("not_arrived",
     r"where (?:is|s|the hell is|are) (?:my|the|our) (?:order|package|parcel|refund|money"
     r"|stuff|delivery|items?)|what happened to my", True),
    ("not_arrived", r"no (?:sign|trace|news|updates?|tracking) (?:of|on|from|about)", True),
    ("not_arrived",
     r"(?:says|shows|marked|marked as|listed as) delivered|(?:it s|it is|is) not here"
     r"|never (?:got|received) (?:it|them|anything)", True),
    ("not_arrived",
     r"(?:los(?:t|ing|e)|misplaced)(?: \w+){0,2}? (?:package|parcel|order|item|shipment"
     r"|delivery)|(?:package|parcel|order|shipment) (?:\w+ ){0,2}?(?:lost|missing|stolen)",
     True),
    ("no_reply",
     r"(?:nobody|no one|noone)(?: \w+){0,2}? (?:repl|answer|respond|help|call|get back|got back"
     r"|pick|told|inform|warn|said)\w*", True),
    ("no_reply",
     r"no (?:reply|replies|answer|answers|response|responses|help|callback|follow up)\b", True),
    ("no_reply",
     r"not (?:\w+ ){0,2}?(?:repl|answer|respond|get back|got back|helping|resolv)\w*", True),
    ("no_reply",
     r"ignor\w* (?:me|us|my|our)|(?:without|with no) (?:any )?(?:notice|warning|reply|answer"
     r"|explanation|update|response|notification)", True),
    ("no_reply",
     r"radio silence|left on read|ghosted|hung up|put (?:me |us )?on hold"
     r"|and nothing\b|still nothing|nothing happened|nothing yet", True),
    ("defect", _DEFECT, True),
    ("defect",
     r"(?:has|have|had|with|got|there s|there is|there are) (?:a |an |some |big |huge )?"
     r"(?:holes?|tears?|rips?|stains?|scratch\w*|dents?|cracks?|defects?)\b"
     r"|(?:feels|looks|seems) (?:so |really |very )?(?:cheap|flimsy|plastic|like paper)", True),
    ("not_arrived", r"returned to sender|sent back to (?:the )?(?:sender|warehouse)", True),
    ("escalation",
     r"(?:speak|talk) (?:to|with) (?:a|your|the) (?:manager|supervisor|human|real person)", True),
    ("defect",
     r"(?:does|do|did|will|would|is|was|wo)(?: \w+){0,4}? not (?:even )?(?:work|fit|turn on"
     r"|charge|open|close|load|apply|accept)\w*|\bnot working\b", True),
    ("defect",
     r"(?:can|could) not (?:\w+ )?(?:log|sign|access|login|pay|check ?out|complete|place|use"
     r"|redeem|apply|track)\b", True),
    ("defect",
     r"(?:tastes?|smells?) (?:\w+ )?(?:stale|burnt|off|awful|terrible|bad|like plastic"
     r"|weird|funny|old)|half (?:empty|missing)|(?:box|package|parcel) (?:\w+ ){0,2}?"
     r"(?:opened|empty|crushed|wet|ripped)", True),
    ("defect",
     r"not (?:what|as) (?:i |we )?(?:ordered|described|pictured|advertised)", True),
    ("defect",
     r"(?:after|within) (?:only |just )?(?:one|1|a|two|2|three|3|a few|few) "
     r"(?:wash\w*|wear\w*|use\w*|days?|weeks?)", False),
    ("wrong_item", rf"wrong (?:\w+ )?{_ITEM}\b", True),
    ("wrong_item",
     r"(?:missing|forgot) (?:\w+ ){0,2}?(?:items?|pieces?|parts?|pods|from (?:my|the))", True),
    ("wrong_item",
     r"(?:delivered|sent|left) (?:it )?(?:to|at|with) (?:the wrong|my neighbou?r|a neighbou?r"
     r"|another)", True),
    ("wrong_item",
     r"(?:left|dumped|thrown|threw) (?:\w+ ){0,2}?(?:outside|in the rain|on the (?:doorstep"
     r"|street|porch|sidewalk)|at the door)", True),
    ("legal_threat",
     r"my (?:lawyer|attorney|solicitor)|(?:will|going to|gonna|i ll) sue|sue you|legal action"
     r"|small claims|chargeback|trading standards|consumer protection"
     r"|report(?:ing)? (?:you|this|them) to", True),
    ("accusation",
     r"(?:this is|it s|its|that s|you are|you re|what a|total|complete|such) (?:a |an |such a )?"
     r"(?:total |complete |absolute )?(?:scam|fraud|joke|rip ?off|disgrace|robbery|theft"
     r"|scammers|thieves|clowns|frauds)\b", True),
    ("money",
     r"(?:charged|billed|debited|took) (?:me )?(?:twice|two times|2 times|double|three times)"
     r"|double (?:charg|bill)\w*|overcharg\w*|took my money|still (?:billed|charged|charging)"
     r"|money back", True),
    ("money",
     r"(?:charged|billed|took)(?: \w+){0,4}? (?:after|despite|although) (?:i )?"
     r"(?:cancel|unsubscrib|return)\w*", True),
    ("money",
     r"(?:want|need|give me|demand|get) (?:my |a |the )?(?:money|refund)\b"
     r"|(?:paid|payment)(?: \w+){0,3}? (?:but|and) (?:\w+ ){0,3}?(?:nothing|no|not|never)",
     True),
    ("never_again", r"never (?:\w+ ){0,3}?again", True),
    ("never_again",
     r"(?:never|not) (?:be )?(?:buy|buying|order|ordering|shop|shopping|coming back|come back"
     r"|purchase|purchasing)\w*(?: \w+){0,3}? (?:again|from (?:you|them|this)|here)", True),
    ("never_again",
     r"not recommend|(?:avoid|stay away from) (?:this|them|these|at all)|do not bother"
     r"|steer clear|last time i (?:buy|order|shop)\w*", True),
    ("blame",
     r"(?:you|they) (?:\w+ )?(?:say|said|tell|told|claim|claimed)(?: me)? (?:that )?"
     r"(?:it s|it is|its|it was) (?:my|the customer s|the courier s) (?:fault|problem|issue)"
     r"|blam\w* (?:me|us|the customer)", True),
    ("repeat",
     r"(?:third|fourth|fifth|sixth|tenth|nth|\d+(?:rd|th)) time|(?:three|four|five|\d+) times"
     r"|in a row|every (?:single )?time|once again|yet again", False),
    ("money", r"(?:hidden|unexpected|surprise) (?:fees|charges|costs)", True),
    ("demand",
     r"fix (?:this|it)|sort (?:this|it) out|do something|i demand|explain (?:this|why)"
     r"|answer me|get back to me|(?:have|need) to pay for", False),
)

CONDITIONAL = r"\b(?:if|in case|what if|whether|should it|suppose)\b"
HYPOTHETICAL = "if suppose whether"
"""Hypotheticals ("what if it arrives damaged?") are questions, not grievances."""
