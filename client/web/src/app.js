// What the modules of the web client share: the session, the connection, the open document and
// the page on the screen. One object, so that every module sees the same state.
export const app = {
  session: null, // {token, user, expires_at}
  conn: null,
  connState: 'offline',
  doc: null, // DocumentSync of the open document
  page: null, // the current page object (with destroy())
  notice: null, // said on the sign-in page: why the session ended
};
