"""Italian lexicon: sentiment words and stems, modifiers, idioms and topic vocabularies.

Entries are folded at load time, so accents are optional. A trailing `*` makes an entry a
stem (longest stem wins, exact words win over stems). Weights run from -3 to +3, in the
spirit of VADER. Stems are chosen so they do not swallow common unrelated words (for example
"contento" is listed whole because "content*" would also catch "contenuto").
"""

from __future__ import annotations

WORDS: dict[float, str] = {
    -3.0: """pessim* orribil* orrend* schif* vergogn* disgust* scandal* indecent* inaccettabil*
        inammissibil* vomitevol* oscen* truff* ladri ladro ladrocin* imbroglion* incompetent*
        terribil* imbevibil* immangiabil* ammuffit* incazzat* merd* porcher* ciofec* disastr*
        pietos* ignobil* deplorevol* squallid* indegn* allucinant* intollerabil* fanculo
        insopportabil* truffald* raggir* sconsigli* fregatur* incub* vaffanculo cagata orrore
        disservizi*""",
    -2.5: """ridicol* assurd* inaudit* inutilizzabil* fallimentar* patetic* tremend* atroc*
        rancid* inutil* odio odiare odiato odiata odios* malissimo furto rubato rubata rubati
        rubate derubat* spazzatura immondizia cesso robaccia pagliacc* buffon* incapac*
        disonest* scorrett* imbarazzant* irrispettos* maleducat* cafon* arrogant* peggior*
        furios* infuriat* esasperat* inqualificabil* menefreghist* stronz* irraggiungibil*
        irreperibil*""",
    -2.0: """scadent* brutt* cattiv* difettos* guast* danneggiat* rovin* inesistent* delus*
        delud* insoddisfatt* scontent* arrabbiat* stufo stufa stufi stufe frustrat*
        scortes* sgarbat* antipatic* maleodorant* puzza puzzano puzzava puzzolent* fasull*
        tarocc* contraffatt* fake schiacciat* spaccat* frantumat* bruciat* stanti* amareggiat*
        indignat* dilettant* inaffidabil* inefficien* malfunzion* inadeguat* carent* sporc*
        reclam* pessimament* scocciat* seccat* offes* umiliant* offensiv* flop inascoltat*
        abbandonat* sprecat* spreco pacchian* scandalizzat* sconcertat* peggio cazzata
        rabbia insult* ingiust* inadempient* fallat* sfasciat* dozzinal* follia infernal*
        truccat* lament*""",
    -1.5: """male lent* ritard* rott* scucit* strappat* staccat* scolorit* sbiadit* infeltrit*
        sformat* sbagliat* errore errori inesatt* trist* fastidi* mediocr* insufficient*
        caotic* caos scomod* sfilacciat* ammaccat* graffiat* incrinat* smarrit* incomplet*
        esagerat* spropositat* costosissim* annacquat* insapor* noios* fregat* imbrogli*
        sconvolt* distrutt* nervos* sconfort* rimpiant* pentit* bloccat* crash* incasinat*
        casino pasticci* disorganizzat* approssimativ* superficial* sgradevol* denunc*
        querel* scam* ingannevol* ingannat* mentit* menzogn* bugi* diffid* assente assenti
        rifiutat* dispiaciut* inconvenient* danno danni guaio guai scheggiat* crepat*
        usurat* bagnat* acquos* slavat* sciatt* delirio minacc* cazzo""",
    -1.0: """problema problemi problematic* difficolt* peccato purtroppo sfortunatament* errat*
        bug confus* stanc* fatic* persa perso persi perse mancant* manc* strano strana strani
        strane sospett* costos* protest* dubbios* improvvisat* annoiat* polizia carabinieri
        tribunal* giudice avvocati sfinit* uff uffa pericolos* rischios* scarso scarsa scarsi
        scarse scars* rumoros* fragil* stretto stretta annullat* negat* respint* introvabil*
        preoccupat* paura miseria fradici* sballat* accidenti mannaggia appiccicos* plasticos*
        pelucchi*""",
    -0.5: """avvocato legale legali mah dispiace cancellat* consumat*""",
    0.5: """ok okay decente decenti discreto discreta pratico pratica funziona vabbe normale
        chiaro chiara originale""",
    1.0: """grazie utile utili onest* funzional* fiducia soddisfacent* interessant* carin*
        gradevol* simpatic* resistent* robust* pazzesc*""",
    1.5: """bene buon buono buona buoni buone piace piacciono piaciut* piacevol* contento
        contenta contenti contente consigliat* morbid* curat* apprezz* gradit* profumat*
        saporit* cremos* ringrazi* conveniente convenienti rapid* wow evviva cool orgogli*
        fico fica fichi figo figa veloc* puntual* comod* precis* efficac* accurat* buonissim*
        prezios*""",
    2.0: """bell* brav* gentil* cortes* professional* competent* elegant* felic* soddisfatt*
        affidabil* gustos* efficien* contentissim* disponibilissim* gioi* promoss* splendid*
        super love graditissim* impeccabil* complimenti stupend* delizios* squisit* amore
        grandios* divin* soddisfazion* fighissim* figat* miglior migliore migliori spaziale
        innamorat* entusiast* mitic* genial*""",
    2.5: """ottim* eccellent* fantastic* meraviglios* meraviglia magnific* eccezional*
        straordinar* favolos* spettacolar* spettacolo strepitos* sublim* ineccepibil*
        incantevol* benissimo benone adoro ador* amo top straconsigli* consigliatissim*
        capolavor* fenomenal* perfett*""",
}
"""Weight -> whitespace-separated words/stems."""

NEUTRAL = """buongiorno buonasera buonanotte buonpomeriggio buondi contenuto contenuti scarpa
    scarpe malta puzzle bellamente bugiardino mancia"""
"""Words that a stem above would misread; they score 0."""

INTENSIFIERS: dict[str, float] = {
    "molto": 1.5, "troppo": 1.5, "davvero": 1.4, "veramente": 1.4, "proprio": 1.3,
    "super": 1.5, "assolutamente": 1.5, "totalmente": 1.5, "completamente": 1.5,
    "estremamente": 1.8, "tanto": 1.3, "tantissimo": 1.6, "cosi": 1.3, "parecchio": 1.3,
    "incredibilmente": 1.8, "particolarmente": 1.3, "decisamente": 1.4, "ultra": 1.5,
    "altamente": 1.4, "enormemente": 1.6, "terribilmente": 1.6, "tremendamente": 1.6,
    "piu": 1.2, "abbastanza": 0.8, "piuttosto": 0.9, "po": 0.7, "leggermente": 0.7,
    "quasi": 0.7, "alquanto": 1.1, "sempre": 1.1, "follemente": 1.6, "stra": 1.5,
    "mega": 1.5, "ancora": 1.1, "talmente": 1.5,
}

NEGATORS = """non no mai nessun nessuno nessuna niente nulla neanche nemmeno neppure senza mica
    manco zero poco"""

CONTRAST = """ma pero tuttavia anzi invece eppure comunque sebbene nonostante"""

IDIOMS: tuple[tuple[str, float], ...] = (
    (r"non vedo l ora", 1.5),
    (r"mai piu senza", 2.5),
    (r"fa(?:nno|tto|ceva)? (?:proprio |davvero |veramente )?(?:cagare|pena)", -3.0),
    (r"fa(?:nno|tto|ceva)? (?:proprio |davvero )?ridere", -1.0),
    (r"niente male|mica male", 1.5),
    (r"meno male", 0.5),
    (r"bell[oa] e buon[oa]", 0.0),
    (r"(?:ho|abbiamo) (?:\w+ )?(?:sbagliat\w*|ordinat\w* (?:\w+ ){0,2}?sbagliat\w*)"
     r"|(?:errore|colpa) mi[ao]", 0.0),
    (r"non (?:e|sembra|mi sembra|mi pare) (?:giust[oa]|corrett[oa]|normale|serio|accettabile)"
     r"|non ha (?:alcun )?senso", -2.0),
    (r"costa(?:no|va)? (?:davvero |decisamente )?troppo|troppo car[oaie]"
     r"|prezz\w* (?:troppo |davvero )?(?:alt[oi]|folli|assurd\w*)", -1.5),
    (r"(?<!non )(?<!mai )(?:risolt[oa]|sistemat[oa]) (?:subito |tutto |in fretta )?"
     r"(?:il |ogni )?(?:mio |nostro )?(?:problem[ai]|inconvenient\w*)", 2.0),
    (r"giust[oa]|giusti|giuste", 0.5),
    (r"(?:ma )?(?:scherziamo|state scherzando|stiamo scherzando|siete seri|fate sul serio)"
     r"|(?:ma )?(?:e|sarebbe) uno scherzo", -2.5),
    (r"bel(?:la)? (?:modo|maniera) (?:di|per)|(?:e questo|questo e|cosi) (?:il modo )?"
     r"(?:di|che) trat\w*|cosi (?:trattate|si trattano)", -2.5),
    (r"silenzio (?:totale|assoluto|stampa|tombale)", -2.0),
    (r"mal di (?:testa|pancia|denti|gola|schiena|mare)", -0.5),
    (r"tutto (?:ok|okay|bene|a posto|ottimo|liscio|perfetto|regolare)", 1.5),
    (r"(?:nessun|zero|senza|niente) (?:problem[ai]|intopp[oi]|pensier[oi])", 1.5),
    (r"alla grande|a regola d arte|da dio|da urlo|una bomba|una favola|al top", 2.0),
    (r"da (?:incubo|paura negativ\w*|galera|denuncia|terzo mondo)", -2.5),
    (r"(?:prese|presa|prendete|prendendo|prendere|prendono|preso) in giro", -2.5),
    (r"soldi (?:buttati|sprecati|rubati)|buttat[oi] (?:via )?(?:i )?soldi", -2.5),
    (r"non ne vale (?:la pena|proprio la pena)", -2.0),
    (r"ne vale (?:la pena|assolutamente la pena)", 1.5),
    (r"lascia(?:no|va)? (?:molto )?a desiderare", -2.0),
    (r"grazie (?:mille|infinite|davvero tanto|di cuore)", 2.0),
    (r"grazie (?:tante |mille )?(?:per|di) (?:niente|nulla)|grazie al cazzo", -3.0),
    (r"bella (?:roba|figura|fregatura)|bel servizio|ma (?:bravi|complimenti)", -1.5),
    (r"non (?:ci siamo|ci siamo proprio)|non ci sono parole", -1.5),
    (r"non (?:e|sono) (?:all|alla) altezza", -2.0),
    (r"(?:mi|ci) (?:avete|hanno) (?:fregat\w*|pres\w* in giro)", -2.5),
    (r"ne ho (?:le scatole piene|abbastanza)|sono stuf[oaie]|ho perso la pazienza", -2.5),
    (r"(?:in )?bocca al lupo|crepi", 0.0),
)
"""Multi-word expressions scored as a whole; their words are then ignored one by one."""

TARGET = """ordin* pacc* spedizion* spedit* spedire consegn* corrier* reso resi rimbors*
    assistenza servizio servizi supporto clienti customer operator* ticket email mail e_mail
    telefon* rispost* prodott* articol* merce qualita taglia taglie misura misure colore
    colori modell* codic* sconto sconti coupon promo promozion* pagament* pagat* addebit*
    carta fattura scontrino prezz* costo costa costi sito app applicazione account
    abbonament* negozi* store shop punto_vendita personale commess* cassa cassier* garanzia
    sostituzion* tracking tracciament* acquist* comprat* confezion* imballagg* collezion*
    catalogo magazzino disponibilita checkout carrello login newsletter offert* saldi
    ritiro locker brt gls sda dhl fedex poste paypal satispay bonifico recension*
    materiale materiali tessuto cucitur* disdett* rinnov* iscrizion* lavagg* spedizioni
    ricevut*"""
"""Commerce and service words: negativity near them is about the brand's business."""

ADDRESSEE = """voi vostro vostra vostri vostre avete siete dovete potete sapete fate vi"""
"""Second person plural: in a brand community it usually addresses the brand."""

OFFTOPIC = """piov* pioggia neve nevica* grandin* temporal* meteo nebbia afa caldo freddo gelo
    vento tempaccio traffico ingorg* treno treni trenitalia autobus bus metro tram sciopero
    parcheggio multa autostrada calcio calcetto partita partite squadra arbitr* campionato
    tempo serie_a gol inter derby scudetto champions mondiali allenator* juve juventus giocat*
    lavoro ufficio capo collegh* lunedi esam*
    scuola universita compiti prof professor* influenza raffreddore febbre dentista medico
    ospedale suocer* fidanzat* politica governo tasse bollett* benzina volo voli aereo
    aeroporto giornata serata nottata stamattina stasera ieri_sera vita_mia moglie marito
    figli* bambin* cane gatto salute dieta palestra"""
"""Everyday topics (weather, sport, traffic, work, one's own life) that are not the brand."""

JOKE = """ahah* haha* hahah* ahahah* lol xd scherzo scherzavo sto_scherzando battuta"""

IRONIC = """grazie complimenti complimentoni bravi bravo bravissimi ottimo perfetto fantastico
    geniale evviva bello bella splendido meraviglioso magnifico wow top ottima perfetta"""
"""Positive words that often carry sarcasm when a grievance or a sarcasm marker is near."""

SARCASM_MARKERS = """ovviamente naturalmente come_al_solito come_sempre di_nuovo
    ancora_una_volta per_l_ennesima_volta ennesim* per_niente che_bello figuriamoci
    certo_certo proprio_quello_che_ci_voleva"""
