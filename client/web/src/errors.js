// An error of a request (an Error with the protocol's `code`) in words for the user.
const byCode = {
  forbidden: 'Dat mag u niet doen.',
  not_found: 'Dat bestaat niet (meer).',
  conflict: 'Intussen is er iets veranderd.',
  bad_request: 'Dat verzoek klopt niet.',
  disconnected: 'Er is geen verbinding; probeer het zo opnieuw.',
  rate_limited: 'Te veel verzoeken tegelijk; probeer het zo opnieuw.',
};

export function errorText(err) {
  return `${byCode[err.code] ?? 'Er ging iets mis.'} (${err.message})`;
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
  if (err.status === 503) return 'De server heeft het nu te druk. Probeer het zo opnieuw.';
  return `Inloggen is niet gelukt (${err.message}).`;
}
