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
