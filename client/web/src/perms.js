// Who may do what: the same rules as the server (server/auth/permissions.cpp), so that the web
// client offers nothing the server would refuse. The server checks every request regardless.
const isAdmin = (u) => u.role === 'admin';
const writerOf = (u, code) => (u.role === 'editor' || u.role === 'coordinator') && u.municipality === code;
const coordinatorOf = (u, code) => u.role === 'coordinator' && u.municipality === code;

export const may = {
  editLayer: (u, layer) => isAdmin(u) || ((u.role === 'editor' || u.role === 'coordinator') &&
                                         (layer === 'common' || u.municipality === layer)),
  diverge: (u, code) => isAdmin(u) || writerOf(u, code),
  revert: (u, code) => isAdmin(u) || writerOf(u, code),
  // On behalf of a municipality: an override made common, or a change of the common text.
  propose: (u, code) => isAdmin(u) || coordinatorOf(u, code),
  proposeCommon: (u) => isAdmin(u) || u.role === 'coordinator',
  tag: (u) => isAdmin(u) || u.role === 'coordinator',
  manageDocuments: (u) => isAdmin(u),
  omit: (u, code) => isAdmin(u) || coordinatorOf(u, code),
  rebase: (u, code) => isAdmin(u) || coordinatorOf(u, code),
  acknowledge: (u, code) => isAdmin(u) || coordinatorOf(u, code),
  vote: (u, code) => coordinatorOf(u, code), // a vote is a municipality's: not an admin's
  setPriorities: (u, code) => isAdmin(u) || coordinatorOf(u, code),
  // A decision is the municipality's own: an admin records it only for the admin's municipality.
  recordAdoption: (u, code) => (isAdmin(u) && u.municipality === code) || coordinatorOf(u, code),
  changeTree: (u, owner) => isAdmin(u) || (owner ? coordinatorOf(u, owner) : u.role === 'coordinator'),
};
