/**
 * One attachment streamed from the Zendesk simulator into the DocSpace simulator through the
 * adapter's reader and the client's chunked upload, as a copy job does: MB/s, and the process's
 * peak RSS over its idle RSS (simulators included, so this bounds the worker's share from above).
 *
 *   pnpm bench attachments -- --mb 200
 */
import { basicAuthHeader } from '@ticket-rooms/core';
import { createDocspaceClient, RoomType } from '@ticket-rooms/docspace-client';
import { helpdeskAdapter } from '@ticket-rooms/helpdesk';
import { createDocspaceSimulator, createZendeskSimulator } from '@ticket-rooms/simulators';
import { seededBytes } from '@ticket-rooms/testkit';

const mbArg = process.argv.indexOf('--mb');
const MB = 1024 * 1024;
const sizeMb = mbArg > 0 ? Number(process.argv[mbArg + 1]) : 200;
const size = sizeMb * MB;

const creds = { email: 'bench@zendesk.test', apiToken: 'bench-token' };
const zendesk = await createZendeskSimulator(creds);
const docspace = await createDocspaceSimulator();
const host = { port: 0, host: '127.0.0.1' };
const [zendeskUrl, docspaceUrl] = await Promise.all([zendesk.listen(host), docspace.listen(host)]);

// The ticket and its file, uploaded the Zendesk way (uploads.json, then a comment with the token).
const auth = basicAuthHeader(`${creds.email}/token`, creds.apiToken);
const up = await fetch(`${zendeskUrl}/api/v2/uploads.json?filename=capture.bin`, {
  method: 'POST',
  headers: { authorization: auth, 'content-type': 'application/binary' },
  body: ReadableStream.from(seededBytes('bench', size)),
  duplex: 'half',
} as RequestInit);
const token = ((await up.json()) as { upload: { token: string } }).upload.token;
const created = await fetch(`${zendeskUrl}/api/v2/tickets.json`, {
  method: 'POST',
  headers: { authorization: auth, 'content-type': 'application/json' },
  body: JSON.stringify({ ticket: { subject: 'bench', comment: { body: 'file', uploads: [token] } } }),
});
const ticketId = String(((await created.json()) as { ticket: { id: number } }).ticket.id);

const ds = createDocspaceClient({ baseUrl: docspaceUrl, apiKey: docspace.apiKey });
const room = await ds.createRoom({ title: 'bench', roomType: RoomType.Custom });
const folder = await ds.createFolder(room.id, 'Attachments');
const writeBack = helpdeskAdapter('zendesk').writeBack;
const settings = writeBack?.settings({
  ZENDESK_URL: zendeskUrl,
  ZENDESK_EMAIL: creds.email,
  ZENDESK_API_TOKEN: creds.apiToken,
});
const reader = settings && writeBack?.createAttachmentReader?.(settings, {});
if (!reader) throw new Error('the Zendesk adapter has no attachment reader');

global.gc?.();
const idle = process.memoryUsage().rss;
let peak = idle;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 20);
const [att] = await reader.list(ticketId);
if (!att) throw new Error('the ticket lists no attachment');
const started = performance.now();
const download = await reader.open(ticketId, att);
const file = await ds.uploadFile(folder.id, { title: att.name, size: att.size, body: download.body });
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);

console.log(
  `attachment copy, ${sizeMb} MB, Zendesk simulator → DocSpace simulator (one process, node ${process.version})`,
);
console.log(`  file ${file.id} "${file.title}", ${file.size} bytes`);
console.log(`  throughput      ${(sizeMb / seconds).toFixed(1)} MB/s (${seconds.toFixed(2)} s)`);
console.log(`  RSS idle        ${(idle / MB).toFixed(1)} MB`);
console.log(`  RSS peak        ${(peak / MB).toFixed(1)} MB (+${((peak - idle) / MB).toFixed(1)} MB while copying)`);

await reader.close();
await ds.close();
await Promise.all([zendesk.close(), docspace.close()]);
