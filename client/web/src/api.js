// The HTTP part of the protocol: sign in and out, and the read-only REST endpoints.
export class HttpError extends Error {
  constructor(status, detail, retryAfter = null) {
    super(detail || `HTTP ${status}`);
    this.status = status;
    this.retryAfter = retryAfter; // seconds, from a 429's or 503's Retry-After
  }
}

async function call(method, path, { token, body, accept } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body) headers['Content-Type'] = 'application/json';
  if (accept) headers.Accept = accept;
  const res = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  if (!res.ok) {
    let detail = '';
    try {
      detail = (await res.json()).detail ?? '';
    } catch { /* not problem+json */ }
    const retryAfter = Number.parseInt(res.headers.get('Retry-After') ?? '', 10);
    throw new HttpError(res.status, detail, Number.isFinite(retryAfter) ? retryAfter : null);
  }
  return res;
}

export async function signIn(user, password) {
  return (await call('POST', '/api/v1/session', { body: { user, password } })).json();
}

export async function signOut(token) {
  await call('DELETE', '/api/v1/session', { token }).catch(() => {});
}

export async function documents(token) {
  return (await call('GET', '/api/v1/documents', { token })).json();
}

const enc = encodeURIComponent;

export async function effective(token, doc, code) {
  return (await call('GET', `/api/v1/documents/${enc(doc)}/effective/${enc(code)}`, { token, accept: 'application/json' })).json();
}

/** The effective plan as Markdown, as it stands or (with `rev`) as it stood at that revision. */
export async function effectiveMarkdown(token, doc, code, rev = null) {
  const at = rev === null ? '' : `?rev=${rev}`;
  return (await call('GET', `/api/v1/documents/${enc(doc)}/effective/${enc(code)}${at}`, { token, accept: 'text/markdown' })).text();
}

export async function divergence(token, doc) {
  return (await call('GET', `/api/v1/documents/${enc(doc)}/divergence`, { token, accept: 'application/json' })).json();
}

/** The formats a plan is made into for the council (docs/protocol.md, HTTP). */
export const exportFormats = {
  odt: { label: 'ODT (OpenDocument)', type: 'application/vnd.oasis.opendocument.text' },
  docx: { label: 'DOCX (Word)', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
  pdf: { label: 'PDF', type: 'application/pdf' },
  html: { label: 'HTML', type: 'text/html' },
};

/** The address of a municipality's plan as a file, as it stands or at revision `rev`. */
export function exportUrl(doc, code, format, rev = null) {
  const at = rev === null || rev === undefined ? '' : `&rev=${rev}`;
  return `/api/v1/documents/${enc(doc)}/effective/${enc(code)}?format=${enc(format)}${at}`;
}

/** The plan as a file: {blob, name} (the name the server gives it). */
export async function exportFile(token, doc, code, format, rev = null) {
  const res = await call('GET', exportUrl(doc, code, format, rev), { token, accept: exportFormats[format]?.type });
  const disposition = res.headers.get('Content-Disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `${doc}-${code}.${format}`;
  return { blob: await res.blob(), name };
}
