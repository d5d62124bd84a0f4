import { createHash } from 'node:crypto';
import type { Note, TicketAttachment } from '@ticket-rooms/helpdesk';

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The one note per ticket that says which attachments were too large to copy into the room. */
export function skippedFilesNote(key: string, files: readonly TicketAttachment[], maxBytes: number): Note {
  const marker = `ticket-rooms-skipped-${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
  const lines = files.map((f) => `${f.name} (${megabytes(f.size)})`);
  const head = `Not copied to the investigation room: larger than ${megabytes(maxBytes)}`;
  return {
    marker,
    text: `${head}:\n${lines.map((l) => `- ${l}`).join('\n')}\n\nReference: ${marker}`,
    html: `<p>${escapeHtml(head)}:</p><ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul><p>Reference: ${marker}</p>`,
  };
}
