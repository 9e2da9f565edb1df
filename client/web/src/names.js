// Names, abbreviations and colours of municipalities and section states. The names come from the
// server (snapshot); the table below only covers what is shown before a document is open.
const names = new Map([
  ['GM1708', 'Steenwijkerland'],
  ['GM1896', 'Zwartewaterland'],
  ['GM0180', 'Staphorst'],
  ['GM0166', 'Kampen'],
]);

// The colours themselves are in styles.css (.samen-tone-0 ... 5): a class is all the page needs,
// and no inline style is (the Content-Security-Policy refuses those).
const tones = 6;
const adminTone = 5;
const toneOf = new Map([
  ['GM0166', 0],
  ['GM0180', 1],
  ['GM1708', 2],
  ['GM1896', 3],
]);

export function learnMunicipalities(list) {
  for (const m of list) names.set(m.code, m.name);
}

export function municipalityName(code) {
  if (!code) return 'beheer';
  return names.get(code) ?? code;
}

/** Three letters, for the narrow places (with the full name next to it for screen readers). */
export function municipalityShort(code) {
  if (!code) return 'beheer';
  const name = municipalityName(code);
  const special = { Steenwijkerland: 'STW', Zwartewaterland: 'ZWL', Staphorst: 'STA', Kampen: 'KAM' };
  return special[name] ?? name.slice(0, 3).toUpperCase();
}

/** The class of a municipality's colour: its cursors, selections and dot in the workgroup. */
export function municipalityTone(code) {
  if (!code) return `samen-tone-${adminTone}`;
  if (!toneOf.has(code)) toneOf.set(code, toneOf.size % tones);
  return `samen-tone-${toneOf.get(code)}`;
}

export const roleNames = {
  viewer: 'lezer',
  editor: 'redacteur',
  coordinator: 'coördinator',
  admin: 'beheerder',
};

/** Section states: label, abbreviation, and explanation. */
export const stateInfo = {
  inherit: { label: 'Gemeenschappelijk', short: 'gelijk', explain: 'volgt de gemeenschappelijke tekst' },
  override: { label: 'Eigen versie', short: 'eigen', explain: 'heeft een eigen versie' },
  stale: { label: 'Eigen versie, verouderd', short: 'verouderd', explain: 'heeft een eigen versie; de gemeenschappelijke tekst is sindsdien gewijzigd' },
  omit: { label: 'Weggelaten', short: 'weg', explain: 'laat deze sectie weg' },
  local: { label: 'Lokaal', short: 'lokaal', explain: 'heeft deze sectie alleen in het eigen plan' },
  absent: { label: 'Niet van toepassing', short: 'n.v.t.', explain: 'heeft deze sectie niet (lokaal voor een andere gemeente)' },
};
