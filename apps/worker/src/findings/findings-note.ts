import { createHash } from 'node:crypto';
import { fileIdsDigest } from '@ticket-rooms/core';
import { escapeHtml, type Note } from '@ticket-rooms/helpdesk';
import type { FindingFile } from './findings-ledger';

/**
 * The marker of one findings batch: the ticket and the batch's file ids, hashed. A retry of the
 * batch looks for the same text; another batch of the ticket never matches it, nor does the
 * ticket's room note.
 */
export function findingsMarker(key: string, fileIds: readonly number[]): string {
  const ticket = createHash('sha256').update(key).digest('hex').slice(0, 24);
  return `ticket-rooms-finding-${ticket}-${fileIdsDigest(fileIds)}`;
}

/** One line per file: title, who added it when known, and its link. */
function line(f: FindingFile): { text: string; html: string } {
  const who = f.who ? ` (${f.who})` : '';
  return {
    text: `${f.title}${who} ${f.link}`,
    html: `${escapeHtml(f.title)}${escapeHtml(who)} <a href="${escapeHtml(f.link)}">${escapeHtml(f.link)}</a>`,
  };
}

/** The internal note that tells the agents what was added to the room's findings folders. */
export function renderFindingsNote(key: string, files: ReadonlyMap<number, FindingFile>): Note {
  const ids = [...files.keys()].sort((a, b) => a - b);
  const marker = findingsMarker(key, ids);
  const lines = ids.map((id) => line(files.get(id) as FindingFile));
  if (lines.length === 1) {
    const only = lines[0] as { text: string; html: string };
    return {
      marker,
      text: `New finding in the investigation room: ${only.text}\n\nReference: ${marker}`,
      html: `<p>New finding in the investigation room: ${only.html}</p><p>Reference: ${marker}</p>`,
    };
  }
  const head = `${lines.length} new findings in the investigation room:`;
  return {
    marker,
    text: `${head}\n${lines.map((l) => `- ${l.text}`).join('\n')}\n\nReference: ${marker}`,
    html: `<p>${escapeHtml(head)}</p><ul>${lines.map((l) => `<li>${l.html}</li>`).join('')}</ul><p>Reference: ${marker}</p>`,
  };
}
