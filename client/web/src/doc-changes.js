// The changes to an open document that touch none of its texts: proposals and votes, named
// versions, priorities, adoption, comment threads, the document's title and its archiving, a
// section's title (docs/protocol.md, "Server → client"). Each applies to DocumentSync's plain
// fields (doc-sync.js); its texts and sections are doc-sync.js's and doc-sections.js's. No I/O.

/**
 * Applies `msg` to `doc` when it is such a change. Returns true when applied, false when `msg` is
 * another kind, or names a section `doc` does not have.
 */
export function applyRecordChange(doc, msg) {
  switch (msg.type) {
    case 'section.rename': {
      const s = doc.sections.get(msg.section);
      if (!s) return false;
      s.title = msg.title;
      return true;
    }
    case 'propose':
      doc.proposals.set(msg.proposal.id, structuredClone(msg.proposal));
      return true;
    case 'vote': {
      const p = doc.proposals.get(msg.proposal);
      if (p) {
        p.votes[msg.municipality] = msg.vote;
        p.state = msg.state;
        if (msg.state !== 'open') p.closed_rev = msg.rev;
      }
      return true;
    }
    case 'tag':
      doc.versions = [...doc.versions, msg.version];
      return true;
    case 'priorities.set':
      doc.priorities = { ...doc.priorities, [msg.municipality]: [...msg.sections] };
      if (!msg.sections.length) delete doc.priorities[msg.municipality];
      return true;
    case 'adoption.set':
      doc.adoption = { ...doc.adoption, [msg.municipality]: { ...msg.adoption } };
      if (msg.adoption.state === 'concept') delete doc.adoption[msg.municipality];
      if (msg.version) doc.versions = [...doc.versions, msg.version];
      return true;
    case 'comment':
    case 'comment.reply':
    case 'comment.resolve':
      doc.threads.set(msg.thread.id, structuredClone(msg.thread));
      return true;
    case 'document.rename':
      doc.title = msg.title;
      return true;
    case 'document.archive':
      doc.archived = msg.archived;
      return true;
    default:
      return false;
  }
}
