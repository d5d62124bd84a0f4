import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The routing file the stack uses with the simulated DocSpace when ROUTING_FILE is unset: urgent
 * tickets get an Evidence folder and a title that says so, how-to questions get no room. The
 * demo's Zendesk ticket is urgent, so it shows a rule at work.
 */
export const ROUTING_EXAMPLE = `# Written by pnpm start for the simulated DocSpace; set ROUTING_FILE to use your own.
# Rules are tried in order; the first whose conditions all hold gives the ticket its room.
rules:
  - name: urgent
    match:
      priority: urgent
    room:
      title: "Ticket #{ticketId} - URGENT - {subject}"
      folders: [Evidence, Logs, Findings, Attachments]
      options: {color: D73A49}
  - name: how-to
    match:
      priority: low
      ticketType: [question, how-to]
    skip: true
`;

/** Writes the example into the data dir (afresh each start, so it follows this release) and returns its path. */
export function writeRoutingExample(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'routing.example.yaml');
  writeFileSync(file, ROUTING_EXAMPLE);
  return file;
}
