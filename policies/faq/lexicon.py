"""A general-purpose bilingual (it/en) customer-service lexicon of concepts.

Members rarely reuse the words of a knowledge-base phrasing: "pacco" for "spedizione",
"promo code" for "codice sconto", "money back" for "refund". Each concept groups the words and
phrases that, in a shop's or service's chat, point at the same thing, in both languages. The
lexical stage adds a concept token for each concept a line mentions, so BM25 matches across
synonyms and across languages (an Italian question meets an English phrasing), and the
confidence counts how many of a question's concepts the chosen entry shares.

Written for retail, e-commerce and services in general (shops, cafés, gyms, hotels,
electronics, subscriptions), as concept groups rather than sentences. Words are matched by Snowball
stem in either language, phrases word by word; a term written "=word" matches only that
exact word (for stems that collide, e.g. "taglia"/"taglio"). Keep terms specific enough
that they do not fire on small talk ("what time" is left out: "what time is it?").
"""

from __future__ import annotations

CONCEPTS: dict[str, str] = {
    # Orders and delivery
    "shipping": "spedizione, spedizioni, spedire, spedite, spedito, spedisco, spediscono, "
    "consegna, consegne, consegnare, consegnate, consegnato, corriere, pacco, pacchi, "
    "inviare, invio, mandare, mandate, arrivare, arriva, arrivo, shipping, ship, ships, "
    "shipped, shipment, delivery, deliveries, deliver, delivered, courier, parcel, package, "
    "dispatch, dispatched, send, arrive, arrives, arrival",
    "abroad": "estero, internazionale, internazionali, europa, paesi, svizzera, germania, "
    "francia, spagna, inghilterra, america, stati uniti, international, internationally, "
    "abroad, overseas, worldwide, countries, europe, switzerland, germany, france, spain, "
    "england, america, united states, uk, canada",
    "tracking": "tracciare, tracciamento, tracking, track, tracked, traccia, stato "
    "dell'ordine, stato del pacco, a che punto, seguire la spedizione, status, where is my, "
    "follow my, numero di tracking, tracking number, codice di tracciamento",
    "delay": "ritardo, in ritardo, ritardi, ancora niente, ancora nulla, non è arrivato, "
    "non arriva, mai arrivato, fermo, late, delayed, delay, still nothing, still not, "
    "not arrived, never arrived, hasn't arrived, stuck",
    "duration": "quanto tempo, quanti giorni, quanto ci vuole, quanto ci mette, tempi, "
    "tempistiche, giorni lavorativi, settimane, how long, how many days, how soon, "
    "business days, working days, weeks, till, until",
    "express": "=espressa, =express, urgente, urgent, next day, giorno dopo, priority, "
    "prioritaria, veloce, faster",
    "order": "ordine, ordini, ordinato, ordinare, acquisto, acquisti, comprato, order, orders, "
    "ordered, purchase, purchased, bought, checkout, carrello, cart, basket",
    "address": "indirizzo, indirizzi, dove si trova, dove siete, address, addresses, "
    "located, location, where is the, directions, come arrivare",
    "pickup": "ritiro in negozio, ritirare, passare a prendere, click and collect, pick up, "
    "pickup, collect, collection, ritiro",
    "customs": "dogana, dazi, dazio, tasse doganali, customs fees, customs duties, "
    "customs charges, import duties, import tax",
    "missing": "mancante, mancanti, manca, mancava, incompleto, missing, incomplete, "
    "not in the box",
    # Returns, refunds, exchanges
    "return": "reso, resi, restituire, restituisco, restituzione, rendere, rimandare "
    "indietro, mandare indietro, rispedire, return, returns, returned, returning, send back, "
    "give back, bring back",
    "refund": "rimborso, rimborsi, rimborsare, rimborsato, soldi indietro, riavere i soldi, "
    "refund, refunds, refunded, money back, reimburse, reimbursement",
    "exchange": "cambio, cambiare, scambiare, sostituire, sostituzione, exchange, swap, "
    "replace, replacement",
    "modify": "modificare, modifica, cambiare, correggere, aggiornare, change, modify, edit, "
    "update, correct",
    "cancel": "annullare, annullo, annullamento, cancellare, disdire, disdetta, disdico, "
    "revocare, recedere, cancel, cancelling, cancellation, cancelled, unsubscribe, "
    "terminate",
    "wrong": "sbagliato, sbagliata, sbagliati, sbaglio, errato, wrong, mistake, incorrect",
    # Products
    "size": "=taglia, =taglie, misura, misure, size, sizes, sizing, size chart, guida alle "
    "taglie, tabella taglie, vestibilità, fit, fits, too small, too big, troppo piccolo, "
    "troppo grande, stretto, stretta, largo, larga, tight, loose",
    "material": "materiale, materiali, tessuto, cotone, lana, pelle, material, materials, "
    "fabric, cotton, wool, leather",
    "diet": "ingredienti, allergeni, glutine, lattosio, vegano, vegana, vegetariano, senza "
    "glutine, ingredients, allergens, allergy, gluten, lactose, vegan, vegetarian, "
    "gluten free, dairy, latte vegetale, plant-based",
    "care": "lavare, lavaggio, stirare, pulire, pulizia, wash, washing, iron, clean, "
    "cleaning, care instructions",
    "stock": "disponibile, disponibili, disponibilità, esaurito, esaurita, esauriti, "
    "riassortimento, in stock, out of stock, sold out, back in stock, available, "
    "availability, restock",
    "compatible": "compatibile, compatibili, compatibilità, compatible, compatibility, "
    "works with, funziona con",
    "battery": "batteria, ricarica, caricare, caricatore, battery, charge, charging, charger",
    "custom": "personalizzare, personalizzazione, personalizzato, incisione, "
    "=customise, =customize, personalise, personalize, engraving",
    "gift": "regalo, regali, regalare, confezione regalo, pacchetto regalo, gift, gifts, "
    "present, gift wrap",
    "gift_card": "buono regalo, buoni regalo, carta regalo, gift card, gift cards, voucher, "
    "vouchers, gift voucher",
    # Money
    "price": "prezzo, prezzi, costo, costi, costa, costano, quanto costa, gratis, gratuito, "
    "gratuita, gratuiti, price, prices, cost, costs, fee, fees, free, how much, "
    "expensive, cheap, caro, economico",
    "payment": "pagamento, pagamenti, pagare, pago, pagate, paga, metodi di pagamento, "
    "carta di credito, carte, bancomat, paypal, apple pay, google pay, satispay, bonifico, "
    "contrassegno, payment, payments, pay, paying, credit card, debit card, card, cards, "
    "bank transfer, cash on delivery, contanti, cash",
    "installments": "rate, rata, rateale, a rate, rateizzare, rateizzazione, finanziamento, "
    "tasso zero, klarna, scalapay, =installments, =instalments, =installment, pay later, "
    "split the payment, financing, finance, monthly payments, interest-free, interest free",
    "discount": "sconto, sconti, scontato, scontati, promozione, promozioni, offerta, "
    "offerte, saldi, discount, discounts, discounted, sale, sales, deal, deals, offer, "
    "offers, promotion",
    "promo_code": "codice sconto, codici sconto, coupon, buono sconto, codice promo, "
    "codice promozionale, promo code, promo codes, discount code, voucher code, "
    "coupon code, promo",
    "price_match": "price match, stesso prezzo, prezzo più basso, costa meno, cheaper, "
    "lower price, match the price, match a price",
    "invoice": "fattura, fatture, fatturazione, ricevuta, scontrino, partita iva, p iva, "
    "piva, codice fiscale, invoice, invoices, invoicing, receipt, receipts, vat, vat number, "
    "tax id, billing",
    "business": "azienda, aziende, aziendale, ditta, società, business, company, companies, "
    "corporate, b2b",
    "student": "studente, studenti, studentessa, universitario, università, student, "
    "students, university, uni, college",
    "loyalty": "raccolta punti, punti fedeltà, fedeltà, carta fedeltà, programma fedeltà, "
    "loyalty, points, rewards, reward",
    # Problems and help
    "not_working": "non funziona, non funzionano, non va, non vanno, errore, errori, "
    "invalido, non valido, scaduto, rifiutato, rifiutata, doesn't work, does not work, "
    "not working, isn't working, won't work, invalid, error, expired, declined, rejected, "
    "fails, failed",
    "use": "usare, uso, utilizzare, utilizzo, inserire, inserisco, inserisce, "
    "applicare, use, using, enter, apply, redeem",
    "damage": "rotto, rotta, rotti, rotte, danneggiato, danneggiata, danneggiati, difettoso, "
    "difettosa, guasto, crepato, graffiato, si rompe, broken, broke, breaks, damaged, "
    "defective, faulty, cracked, scratched, stopped working, smesso di funzionare",
    "repair": "riparazione, riparazioni, riparare, aggiustare, aggiustarlo, assistenza "
    "tecnica, repair, repairs, fix, fixed, service center",
    "warranty": "garanzia, garanzie, garantito, coperto, copertura, guarantee, warranty, "
    "covered, coverage",
    "support": "assistenza, assistenza clienti, supporto, servizio clienti, customer care, "
    "help desk, helpdesk, support, customer service, customer support, operatore, "
    "operator, agent",
    "contact": "contattare, contatto, contatti, contattarvi, chiamare, numero di telefono, "
    "email, mail, whatsapp, scrivervi, contact, call, phone number, phone call, "
    "reach, talk to, speak to, parlare con",
    "complaint": "reclamo, reclami, lamentela, complaint, complaints, complain",
    "review": "recensione, recensioni, feedback, review, reviews",
    # Accounts and memberships
    "account": "account, profilo, login, accedere, accesso, registrarsi, registrazione, "
    "registrare, sign up, log in, sign in, register, profile",
    "password": "password, credenziali, password dimenticata, forgot password, "
    "reset password, credentials",
    "subscription": "abbonamento, abbonamenti, abbonato, tessera, membership, subscription, "
    "subscriptions, subscribe, piano mensile, monthly plan, plan, rinnovo, rinnovare, "
    "renewal, renew",
    "pause": "sospendere, sospensione, congelare, mettere in pausa, pausa, pause, freeze, "
    "suspend, on hold",
    "trial": "prova gratuita, lezione di prova, periodo di prova, free trial, trial, "
    "trial class",
    "newsletter": "newsletter, iscriversi alla newsletter, mailing list",
    "privacy": "privacy, dati personali, gdpr, cancellare i miei dati, personal data, "
    "delete my data",
    # Places and times
    "hours": "orari, orario, apertura, aperto, aperti, aperta, aprite, apre, aprono, chiuso, "
    "chiusi, chiude, chiudete, chiudono, chiusura, opening hours, opening times, "
    "hours, open, opens, close, closes, closing, closed",
    "weekday": "lunedì, martedì, mercoledì, giovedì, venerdì, sabato, domenica, festivi, "
    "festivo, weekend, monday, tuesday, wednesday, thursday, friday, saturday, sunday, "
    "mondays, saturdays, sundays, holidays, bank holiday",
    "store": "negozio, negozi, punto vendita, punti vendita, sede, filiale, showroom, "
    "store, stores, shop, shops, boutique, branch, locale, bar, caffetteria, café, cafe",
    "parking": "parcheggio, parcheggiare, posteggio, parking, park, car park",
    "wifi": "wifi, wi-fi, internet, connessione, connection, network",
    "booking": "prenotare, prenotazione, prenotazioni, prenoto, riservare, appuntamento, "
    "book, booking, bookings, reservation, reserve, appointment",
    "class": "corso, corsi, lezione, lezioni, classe, classi, allenamento, allenamenti, "
    "istruttore, personal trainer, class, classes, course, courses, lesson, lessons, "
    "workout, training, trainer, instructor",
    "locker": "spogliatoio, spogliatoi, armadietto, armadietti, doccia, docce, locker, "
    "lockers, changing room, shower, showers",
    "meal": "colazione, pranzo, cena, menù, menu, breakfast, lunch, dinner",
    "kids_pets": "bambini, bambino, cani, cane, animali, kids, children, child, dogs, dog, "
    "pets, pet",
    # Services
    "install": "installazione, installare, montaggio, montare, configurare, "
    "configurazione, =installation, =install, =installed, set up, setup, mount, mounting, "
    "assembly, assemble",
    "trade_in": "permuta, usato, valutazione dell'usato, trade in, trade-in, buy back, "
    "second hand",
    "data_transfer": "trasferire, trasferimento, backup, migrare, transfer, migrate, "
    "copy my data",
    "recycle": "smaltire, smaltimento, riciclo, riciclare, raee, dispose, disposal, "
    "recycle, recycling, take away",
    "notify": "avvisare, avvisate, avvisami, avviso, notifica, notificare, notify, notified, "
    "notification, alert, let me know",
    "job": "lavorare con voi, candidatura, candidarsi, curriculum, posizioni aperte, "
    "job, jobs, career, careers, hiring, vacancy, vacancies",
    "wholesale": "franchising, affiliazione, rivenditore, rivenditori, ingrosso, "
    "distributore, partnership, franchise, franchisee, reseller, resellers, wholesale, "
    "distributor",
    "app": "app, applicazione, sito, sito web, website, web site",
}
