// Errors in the user's words. The server's `message` is English and for developers
// (docs/protocol.md, `error`); what the user reads is said here, in Dutch, from the error's `code`
// and the request it answered (`err.request`, set by doc-sync.js) — never the server's text.

/** What each code means, whatever the request. */
const byCode = {
  bad_request: 'De server kon dit verzoek niet uitvoeren: er ontbreekt iets of er klopt iets niet.',
  unauthorized: 'U bent niet (meer) ingelogd. Log opnieuw in.',
  forbidden: 'Dat mag u met uw rol niet doen.',
  not_found: 'Dat bestaat niet (meer): misschien heeft iemand anders het net verwijderd.',
  conflict: 'Intussen is er iets veranderd. Kijk wat er nu staat en probeer het opnieuw.',
  too_large: 'Dat is te groot: een tekst mag hoogstens 1 MiB zijn (ongeveer 150.000 woorden).',
  rate_limited: 'Te veel verzoeken tegelijk; probeer het zo opnieuw.',
  internal: 'Er ging op de server iets mis. Probeer het opnieuw.',
  disconnected: 'Er is geen verbinding; probeer het zo opnieuw.',
  bad_message: 'Een bericht van de server kon niet worden gelezen; het document wordt opnieuw geladen.',
};

/** Where a request says more than its code. */
const byRequest = {
  edit: {
    forbidden: 'U mag deze tekst niet (meer) bewerken.',
    bad_request: 'De wijziging paste niet op de tekst zoals die op de server staat.',
    too_large: 'De tekst is te lang: een tekst mag hoogstens 1 MiB zijn (ongeveer 150.000 woorden).',
  },
  vote: {
    forbidden: 'Alleen de coördinator van een deelnemende gemeente stemt over een voorstel, voor de eigen gemeente.',
    conflict: 'Uw gemeente heeft al gestemd, of over het voorstel is al besloten.',
    not_found: 'Dit voorstel staat niet meer open.',
  },
  propose: {
    conflict: 'De eigen versie loopt achter of er staat al een voorstel open: werk eerst de eigen versie bij.',
    bad_request: 'Het voorstel is gelijk aan de gemeenschappelijke tekst.',
  },
  diverge: { conflict: 'Er is al een eigen versie van deze sectie.' },
  revert: { not_found: 'Er is geen eigen versie (meer) om terug te zetten.' },
  acknowledge: { conflict: 'Deze versie loopt niet (meer) achter.' },
  'rebase.preview': { conflict: 'Deze versie loopt niet (meer) achter.' },
  'rebase.commit': { conflict: 'De tekst is veranderd sinds het voorbeeld. Vraag opnieuw een voorbeeld op.' },
  'section.create': { bad_request: 'Geef de sectie een titel van hoogstens 200 tekens.' },
  'section.rename': { bad_request: 'Geef de sectie een titel van hoogstens 200 tekens.' },
  'section.move': { bad_request: 'Een sectie kan niet onder zichzelf of onder een lokale sectie van een andere gemeente.' },
  'section.restore': { not_found: 'Deze sectie is niet (meer) verwijderd.' },
  'document.create': {
    conflict: 'Er is al een document met dit kenmerk.',
    bad_request: 'Geef het document een kenmerk (kleine letters, cijfers en streepjes) en een titel van hoogstens 200 tekens.',
    not_found: 'Het sjabloon bestaat niet (meer).',
  },
  'document.rename': { bad_request: 'Geef het document een titel van hoogstens 200 tekens.' },
  'document.archive': { conflict: 'Het document staat al zo.' },
  tag: {
    conflict: 'Er is al een versie met deze naam.',
    bad_request: 'Geef de versie een naam van hoogstens 200 tekens.',
  },
  comment: {
    not_found: 'Die tekst, gemeente of dat voorstel bestaat niet (meer).',
    bad_request: 'De geselecteerde tekst is intussen veranderd; selecteer opnieuw.',
    too_large: 'Dit document heeft het grootste aantal opmerkingen bereikt.',
  },
  'comment.reply': { not_found: 'Deze opmerking bestaat niet (meer).', too_large: 'Dit document heeft het grootste aantal opmerkingen bereikt.' },
  'comment.resolve': { conflict: 'Iemand anders deed dit net al.' },
  'priorities.set': {
    forbidden: 'Alleen de coördinator van de gemeente stelt haar prioriteiten vast.',
    bad_request: 'Kies hoogstens vier verschillende thema’s uit het plan van de gemeente.',
    not_found: 'Een van de gekozen thema’s bestaat niet (meer).',
  },
  'adoption.set': {
    forbidden: 'Alleen de gemeente zelf legt haar besluit vast: haar coördinator.',
    bad_request: 'Geef de datum van het besluit (dag, maand en jaar) en een kenmerk van één regel.',
  },
  open: {
    forbidden: 'U hebt geen toegang tot dit document.',
    not_found: 'Dit document bestaat niet.',
  },
};

/** An error of a request (an Error with the protocol's `code`) in words for the user. */
export function errorText(err, request = err.request) {
  return byRequest[request]?.[err.code] ?? byCode[err.code] ?? 'Er ging iets mis. Probeer het opnieuw.';
}

/** An error of the HTTP API (api.js, HttpError) or of the network, in words for the user. */
export function httpErrorText(err) {
  switch (err.status) {
    case undefined: return 'De server is niet bereikbaar. Controleer de verbinding en probeer het opnieuw.';
    case 401: return 'U bent niet (meer) ingelogd. Log opnieuw in.';
    case 403: return 'U hebt hier geen toegang toe.';
    case 404: return 'Dat bestaat niet (meer).';
    case 429:
    case 503: return 'De server heeft het nu te druk. Probeer het zo opnieuw.';
    default: return err.status >= 500 ? 'Er ging op de server iets mis. Probeer het opnieuw.' : 'De server kon dit verzoek niet uitvoeren.';
  }
}

/**
 * Why a sign-in failed, in words: `wrong` for a wrong name or password (401); the server's wait
 * after too many failures (429), or its being busy (503).
 */
export function signInErrorText(err, wrong) {
  if (err.status === 401) return wrong;
  if (err.status === 429) {
    const s = err.retryAfter ?? 1;
    return `Te veel mislukte pogingen. Probeer het over ${s} ${s === 1 ? 'seconde' : 'seconden'} opnieuw.`;
  }
  return `Inloggen is niet gelukt. ${httpErrorText(err)}`;
}
