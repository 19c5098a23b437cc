"""Italian and English stopwords for lexical matching.

Based on the Snowball project's stopword lists, plus chat filler ("ciao", "pls", "ragazzi",
"guys") that carries no topic. Question words stay in the lists: they say *that* something is
asked, not *what*, and question detection handles them separately.
"""

from __future__ import annotations


def _words(block: str) -> frozenset[str]:
    """Whitespace-separated words of a block (keeps the lists readable)."""
    return frozenset(block.split())


ITALIAN = _words(
    """
    a ad al allo ai agli all agl alla alle con col coi da dal dallo dai dagli dall dagl dalla
    dalle di del dello dei degli dell degl della delle in nel nello nei negli nell negl nella
    nelle su sul sullo sui sugli sull sugl sulla sulle per tra fra contro io tu lui lei noi voi
    loro mio mia miei mie tuo tua tuoi tue suo sua suoi sue nostro nostra nostri nostre vostro
    vostra vostri vostre mi ti ci ce vi ve si se lo la li le gli ne il un uno una ma ed o oppure
    anche pure come dov dove che chi cui non più piu quale quali quanto quanti quanta quante
    quello quelli quella quelle questo questi questa queste cosa cos è e é ho hai ha abbiamo
    avete hanno abbia avere essere sono sei siamo siete era erano sia fa fare faccio fate
    sto stai sta stiamo state stanno stato stata qui qua là li lì poi già gia ancora
    sempre mai molto molta molti poco tutto tutti tutta tutte qualche qualcuno qualcosa
    nessuno niente ogni altro altra altri altre solo proprio davvero ecco allora quindi però
    pero perché perche perchè quando mentre dopo prima senza sopra sotto dentro fuori ciao
    salve grazie prego ragazzi raga buongiorno buonasera scusate scusa ok okay boh beh be
    tipo cioè cioe insomma comunque magari forse oggi ieri domani po
    """
)

ENGLISH = _words(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom
    this that these those am is are was were be been being have has had having do does did
    doing would should could ought will shall can may might must a an the and but if or
    because as until while of at by for with about against between into through during before
    after above below to from up down in out on off over under again further then once here
    there when where why how all any both each few more most other some such no nor not only
    own same so than too very s t just don dont doesn didn isn aren wasn weren won wouldn
    shouldn couldn cant can't i'm im ive i've id i'd ill i'll get got also still yet ever
    anyone anybody someone somebody something anything everyone everybody hi hello hey
    thanks thank please pls plz guys ok okay yes yeah lol btw like really today yesterday
    tomorrow now want need know let let's one
    """
)

STOPWORDS: dict[str, frozenset[str]] = {"it": ITALIAN, "en": ENGLISH}
