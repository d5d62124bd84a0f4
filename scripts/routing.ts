// `pnpm routing test <vendor> …`: which routing rule a ticket would hit and the room it would
// get, read from ROUTING_FILE (or --file) over the ROOM_* variables, touching nothing.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Source, type TicketEvent } from '@ticket-rooms/core';
import { ticketPriority } from '@ticket-rooms/helpdesk';
import { ConfigError, describeRoute, loadWorkerConfig } from '@ticket-rooms/worker';
import { z } from 'zod';
import { loadEnvFile } from './stack/env-file';

const USAGE = `usage: pnpm routing test <${Source.options.join('|')}> [--ticket-json ticket.json]
         [--priority urgent] [--tags security,vip] [--brand acme-eu] [--group billing]
         [--type incident] [--subject "…"] [--tenant acme] [--file routing.yaml] [--json]
  --ticket-json  the ticket's fields as JSON: subject, priority, brand, group, ticketType, tags, tenant, ticketId
  --priority     as the helpdesk sends it (URGENT, 4, Highest …); mapped as the receiver maps it
  --file         the routing file; default ROUTING_FILE
  The options win over the file's fields. Nothing is sent, queued or created.`;

const TicketJson = z
  .object({
    ticketId: z.union([z.string(), z.number()]).transform(String).optional(),
    subject: z.string().optional(),
    tenant: z.string().optional(),
    priority: z.union([z.string(), z.number()]).transform(String).optional(),
    brand: z.string().optional(),
    group: z.string().optional(),
    ticketType: z.string().optional(),
    tags: z.union([z.array(z.string()), z.string()]).optional(),
  })
  .passthrough();

function fail(message: string, code = 2): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'ticket-json': { type: 'string' },
    priority: { type: 'string' },
    tags: { type: 'string' },
    brand: { type: 'string' },
    group: { type: 'string' },
    type: { type: 'string' },
    subject: { type: 'string' },
    tenant: { type: 'string' },
    file: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const [command, vendor] = positionals;
if (command !== 'test') fail(USAGE);
const source = Source.safeParse(vendor);
if (!source.success) fail(`${vendor === undefined ? 'The vendor is missing' : `${vendor} is not a source`}.\n${USAGE}`);

// 1. The ticket: the JSON file's fields, then the options.
let fromFile: z.infer<typeof TicketJson> = {};
if (values['ticket-json']) {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(values['ticket-json'], 'utf8'));
  } catch (err) {
    fail(`--ticket-json ${values['ticket-json']}: ${(err as Error).message}.`);
  }
  const parsed = TicketJson.safeParse(raw);
  if (!parsed.success) fail(`--ticket-json ${values['ticket-json']}: ${parsed.error.issues[0]?.message ?? 'invalid'}.`);
  fromFile = parsed.data;
}
const tagsOf = (t: string | string[] | undefined) =>
  typeof t === 'string'
    ? t
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : t;
const tags = tagsOf(values.tags) ?? tagsOf(fromFile.tags);
const priority = ticketPriority(source.data, values.priority ?? fromFile.priority);
const brand = values.brand ?? fromFile.brand;
const group = values.group ?? fromFile.group;
const ticketType = values.type ?? fromFile.ticketType;
const event: TicketEvent = {
  kind: 'ticket.created',
  source: source.data,
  tenant: values.tenant ?? fromFile.tenant ?? 'default',
  ticketId: fromFile.ticketId ?? '1',
  subject: values.subject ?? fromFile.subject ?? '',
  deliveryId: 'routing-test',
  receivedAt: new Date().toISOString(),
  ...(priority === undefined ? {} : { priority }),
  ...(brand === undefined ? {} : { brand }),
  ...(group === undefined ? {} : { group }),
  ...(ticketType === undefined ? {} : { ticketType }),
  ...(tags === undefined || tags.length === 0 ? {} : { tags }),
};

// 2. The rules, checked as the worker checks them at start-up (the DocSpace variables are not needed here).
const { env } = loadEnvFile(process.env);
const file = values.file ?? env.ROUTING_FILE;
let config: ReturnType<typeof loadWorkerConfig>;
try {
  config = loadWorkerConfig({
    ...env,
    DOCSPACE_URL: env.DOCSPACE_URL || 'http://docspace.invalid',
    DOCSPACE_API_KEY: env.DOCSPACE_API_KEY || 'not-used',
    ...(file ? { ROUTING_FILE: file } : {}),
  });
} catch (err) {
  if (err instanceof ConfigError) fail(err.message, 1);
  throw err;
}

// 3. What the ticket would get.
const route = describeRoute(config.routing, event);
if (values.json) {
  console.log(JSON.stringify({ ticket: event, ...route }, null, 2));
  process.exit(0);
}
const shown = [
  `priority ${event.priority ?? '(none)'}`,
  event.brand ? `brand ${event.brand}` : '',
  event.group ? `group ${event.group}` : '',
  event.ticketType ? `type ${event.ticketType}` : '',
  event.tags ? `tags ${event.tags.join(',')}` : '',
].filter(Boolean);
console.log(`${source.data} ticket (${shown.join(', ')}) under ${file ?? 'no routing file (ROOM_* variables)'}:`);
console.log(`  rule     ${route.rule}${route.rule === 'default' ? ' (no rule matched)' : ''}`);
if (!route.room) {
  console.log('  skip     no room and no note; the ticket is acknowledged and the skip recorded in its ledger');
} else {
  console.log(`  type     ${route.room.type}`);
  console.log(`  title    ${route.room.title}`);
  console.log(`  folders  ${route.room.folders.join(', ') || 'none'}`);
  console.log(`  share    ${route.room.share.join('; ') || 'nobody'}`);
  const options = Object.entries(route.room.options).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  console.log(`  options  ${options.join(' ') || 'DocSpace defaults'}`);
  if (route.room.archiveOnSolve !== undefined) console.log(`  archive on solve  ${route.room.archiveOnSolve}`);
}
