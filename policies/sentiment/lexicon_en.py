"""English lexicon: sentiment words and stems, modifiers, idioms and topic vocabularies.

Same conventions as the Italian one: folded at load time, a trailing `*` marks a stem, exact
words win over stems, weights from -3 to +3. Text is prepared so "don't" reads "do not".
"""

from __future__ import annotations

WORDS: dict[float, str] = {
    -3.0: """worst terrible horrible horrendous awful disgusting disgusted disgrace* shameful
        pathetic atrocious appalling abysmal dreadful unacceptable outrageous scam scams
        scammed scammer* scammy fraud fraudulent fraudster* thief thieves ripoff crap crappy
        shit shitty incompetent incompetence furious livid infuriat* horrific fuming
        despicable deplorable inexcusable unforgivable disastrous vile""",
    -2.5: """ridiculous useless garbage trash rubbish nightmare hate hated hates hating lousy
        sucks sucked suck defective faulty rude unprofessional unusable worthless hopeless
        dishonest negligent mouldy moldy rotten counterfeit robbed robbery bullshit wtf
        disaster laughable insulting clowns clown liar liars lying sketchy shady dodgy
        misleading misled disrespectful""",
    -2.0: """bad poor broken damaged disappoint* unhappy dissatisfied upset angry frustrat*
        unreliable unhelpful flimsy stale overpriced waste wasted fake lies ugly worse
        subpar nonexistent non-existent ignored ignoring shocking sloppy careless greedy
        inadequate annoyed annoying irritating unbearable nasty gross cheaply mess horrid
        poorly badly terribly horribly incorrect unresolved unanswered nonsense awfully
        regret regrets regretting disaster* ruined ruins shrunk shrank""",
    -1.5: """slow late delay* delayed wrong error errors fail* failure problem* complain*
        complaint* bland tasteless burnt expired expensive pricey uncomfortable itchy ripped
        torn cracked leaking leaks leaked stained scratched dented shrinks faded fades
        frayed pilling peeling sad unfortunately sadly mediocre inferior pointless stuck
        crash* buggy glitch* confusing meh smh ugh missing lost mistake* sued sue
        suing lawsuit* chargeback* unbelievable disgust bothered hassle nuisance
        boring bored dissapoint* dissapointed scratchy unclear unfair""",
    -1.0: """issue* bug bugs confused weird strange odd worried concern* doubt* police court
        unsure difficult hard soaked drenched wet annoy* lacking lack lacks rough cramped tight
        noisy fragile
        cancelled canceled refused denied rejected
        yikes tired exhausted""",
    -0.5: """okish legal lawyer lawyers attorney attorneys""",
    0.5: """ok okay fine decent fair alright works normal""",
    1.0: """thanks thank thx ty useful honest solid worth bargain affordable sweet
        neat interesting cute fun fresh smooth soft""",
    1.5: """good nice glad kind quick fast speedy prompt cozy cosy enjoy* appreciat* tasty
        sturdy durable cool wow yay woohoo shoutout pleased grateful thankful comfy
        comfortable helpful polite friendly happy satisfied satisfying""",
    2.0: """great lovely love loved loves loving professional stylish elegant recommend*
        impressed impressive yummy favorite favourite fave kudos bravo gem delighted
        efficient reliable legend legendary super stoked thrilled hilarious""",
    2.5: """excellent amazing awesome fantastic perfect perfectly wonderful outstanding superb
        brilliant incredible exceptional flawless adore adored best stunning gorgeous
        beautiful phenomenal spectacular magnificent delicious impeccable fabulous
        marvelous marvellous topnotch top-notch""",
}
"""Weight -> whitespace-separated words/stems."""

NEUTRAL = """kindly kindness issued failsafe"""
"""Words that a stem above would misread; they score 0."""

INTENSIFIERS: dict[str, float] = {
    "very": 1.5, "really": 1.4, "so": 1.4, "too": 1.4, "extremely": 1.8, "super": 1.5,
    "totally": 1.5, "completely": 1.5, "absolutely": 1.6, "incredibly": 1.8, "truly": 1.4,
    "highly": 1.4, "quite": 1.1, "pretty": 1.1, "damn": 1.4, "freaking": 1.5,
    "fucking": 1.6, "insanely": 1.6, "utterly": 1.7, "seriously": 1.3, "most": 1.3,
    "such": 1.3, "ridiculously": 1.6, "bit": 0.7, "slightly": 0.7, "somewhat": 0.8,
    "kinda": 0.8, "little": 0.8, "fairly": 0.9, "rather": 1.0, "way": 1.3, "beyond": 1.5,
    "especially": 1.3, "hella": 1.5, "mega": 1.5, "ultra": 1.5, "genuinely": 1.3,
    "honestly": 1.1, "literally": 1.2, "even": 1.1, "always": 1.1, "again": 1.1,
}

NEGATORS = """not no never nobody nothing none neither nor without hardly barely cannot cant
    dont doesnt didnt isnt wasnt arent werent wont wouldnt shouldnt couldnt havent hasnt
    hadnt aint zero noone"""

CONTRAST = """but however though although yet nevertheless nonetheless anyway whereas"""

IDIOMS: tuple[tuple[str, float], ...] = (
    (r"(?:ca(?:n)? not|cant) wait", 1.5),
    (r"thanks? (?:you )?for nothing", -3.0),
    (r"(?:kind|sort) of", 0.0),
    (r"(?:well|good|great|nice) (?:job|work)|well done", 2.0),
    (r"love (?:that|this) for (?:me|us)", -1.5),
    (r"waste of (?:money|time)|money down the drain", -2.5),
    (r"rip (?:off|-off)", -3.0),
    (r"fed up|sick (?:and tired )?of|had enough|tired of", -2.0),
    (r"no (?:problem|problems|worries|issues|complaints)|without (?:any )?(?:issues|problems)",
     1.5),
    (r"zero (?:issues|problems|complaints)", 1.5),
    (r"top notch|five stars|5 stars|10\s*/\s*10|blown away|over the moon|worth every penny",
     2.5),
    (r"(?:one|1|zero|0) stars?|[01]\s*/\s*10", -2.5),
    (r"on point|spot on|worth it", 2.0),
    (r"not worth (?:it|the money|the price)", -2.0),
    (r"falls? short|fell short|hit or miss|let down|not great", -1.5),
    (r"(?:what|is|was|such) a joke|joke of a", -2.0),
    (r"how dare you|shame on you|get your act together|do better|screw(?:ed)? (?:you|me|up)",
     -2.5),
    (r"no thanks|no thank you", -0.5),
    (r"i (?:\w+ )?(?:ordered|picked|chose|bought|selected|got) the wrong|my (?:bad|mistake|fault)"
     r"|i made a mistake|i messed up", 0.0),
    (r"not (?:fair|ok|okay|acceptable|right|normal|cool)|makes no sense", -2.0),
    (r"(?:gone|went|going) downhill|not what it used to be|used to be (?:better|good)", -2.5),
    (r"(?<!not )(?<!never )(?:solved|fixed|resolved|sorted) (?:out )?(?:my |the |our |every )?"
     r"(?:issue|problem)s?", 2.0),
    (r"(?:you|u) (?:guys |all )?rock", 2.5),
    (r"are you (?:kidding|serious|joking)|you (?:re|are|have got to be|gotta be) kidding"
     r"|you can not be serious", -2.5),
    (r"(?:this is|is this|that s|that is) how you treat|(?:nice|great|what a) way to treat",
     -2.5),
    (r"(?:total|complete|absolute) silence|crickets", -2.0),
    (r"(?:completely|totally|way|all|so) off\b|(?:sizing|sizes|fit) (?:is |are |was )?off\b",
     -2.0),
    (r"good (?:morning|afternoon|evening|night)|happy (?:birthday|new year|holidays)", 0.0),
)
"""Multi-word expressions scored as a whole; their words are then ignored one by one."""

TARGET = """order* package* parcel* shipment* shipping ship shipped delivery deliveries deliver*
    courier* return returns returned refund* support customer service services agent*
    ticket* email* e-mail mail phone call chat reply replies response answer product*
    item* quality size sizes sizing color colour colors colours fit model* code codes
    discount* coupon* promo* payment* paid pay charged charge charges billed billing bill
    card invoice* price* pricing website site app account* subscription* store stores shop
    shops staff checkout cart receipt* warranty exchange* replacement* tracking purchase*
    bought buying packaging collection drop stock restock newsletter sale sales login
    paypal ups dhl fedex usps royal_mail material fabric stitch* seam* zipper* wash*
    customer_care"""
"""Commerce and service words: negativity near them is about the brand's business."""

ADDRESSEE = """you your youre yours u ur yall you_guys"""
"""Second person: in a brand community it usually addresses the brand."""

OFFTOPIC = """rain* snow* weather storm* hail fog* heatwave heat humid* freezing windy traffic
    commut* train trains bus buses subway metro tube strike parking highway flight flights
    airline* airport football soccer match referee ref league game games playoff*
    at_work my_job my_boss my_shift office boss coworker* colleague* monday mondays exam*
    school homework teacher flu headache dentist doctor hospital politic* government taxes
    tax bills electricity gas_prices my_day long_day rough_day bad_day today_sucks
    my_life my_ex girlfriend boyfriend wife husband kids my_dog my_cat gym diet season playoffs
    nfl nba premier_league world_cup"""
"""Everyday topics (weather, sport, traffic, work, one's own life) that are not the brand."""

JOKE = """haha* ahah* lol lmao rofl lmfao xd jk kidding joking just_kidding"""

IRONIC = """thanks thank great nice brilliant fantastic wonderful perfect lovely love awesome
    amazing wow bravo congrats congratulations impressive superb excellent"""
"""Positive words that often carry sarcasm when a grievance or a sarcasm marker is near."""

SARCASM_MARKERS = """as_usual as_always of_course obviously yet_again once_again again
    another oh_great just_great just_perfect oh_wonderful yeah_right sure_thing
    for_nothing what_a_surprise shocker color_me_surprised totally_worth_it"""
