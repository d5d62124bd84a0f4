import { signJira, signStandardWebhook, signZendesk } from '@ticket-rooms/helpdesk';
import { buildDelivery, type Delivery, type SenderVendor } from '@ticket-rooms/simulators';
import type { Rng } from './random';
import type { Secrets } from './secrets';

/** One generated request and what the receiver may do with it. */
export interface FuzzCase {
  category: FuzzCategory;
  /**
   * The request carries a valid credential within the tolerance, so it may be accepted (202) and
   * may make a job. Anything else must never get a 2xx or make a job.
   */
  authenticated: boolean;
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body?: Buffer;
  /** Sent as these exact bytes on a fresh connection instead. */
  raw?: Buffer;
  /** A malformed frame the server may answer or simply close. */
  noAnswerOk?: boolean;
  /** Statuses this case should get; a different one is reported, not failed. */
  expect?: number[];
}

export type FuzzCategory =
  | 'random-bytes'
  | 'broken-json'
  | 'broken-json-signed'
  | 'huge-json'
  | 'deep-json'
  | 'wrong-types'
  | 'wrong-signature'
  | 'replay-expired'
  | 'replay-valid'
  | 'legit'
  | 'header-injection'
  | 'media-method-path'
  | 'dashboard-metrics';

const WEIGHTS: ReadonlyArray<readonly [number, FuzzCategory]> = [
  [12, 'random-bytes'],
  [8, 'broken-json'],
  [8, 'broken-json-signed'],
  [1, 'huge-json'],
  [3, 'deep-json'],
  [10, 'wrong-types'],
  [16, 'wrong-signature'],
  [8, 'replay-expired'],
  [5, 'replay-valid'],
  [3, 'legit'],
  [8, 'header-injection'],
  [10, 'media-method-path'],
  [8, 'dashboard-metrics'],
];

const VENDORS: readonly SenderVendor[] = ['zendesk', 'freshdesk', 'jira', 'generic'];
const ROUTES = [
  '/webhooks/zendesk',
  '/webhooks/freshdesk',
  '/webhooks/jira',
  '/webhooks/generic',
  '/helpdesk/ticket-created',
];
const PROTECTED = [
  '/admin/queues',
  '/admin/queues/',
  '/admin/queues/api/queues',
  '/admin/queues/api/queues?activeQueue=rooms&status=latest&page=1',
  '/admin/queues/queue/rooms',
  '/admin/queues/api/queues/rooms/clean/completed',
  '/metrics',
  '/metrics?format=json',
  '/admin/queues/static/index.js',
];

export interface FuzzContext {
  rng: Rng;
  secrets: Secrets;
  bodyLimit: number;
  /** Signed deliveries already accepted, for exact replays. */
  accepted: Array<{ path: string; headers: Record<string, string>; body: string }>;
  nextTicket: number;
}

function randomJsonValue(rng: Rng, depth = 0): unknown {
  const kind = rng.int(0, depth > 3 ? 5 : 7);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick([0, -1, 1e308, -1e-308, 2 ** 53 + 1, 3.14, Number.MAX_SAFE_INTEGER]);
    case 3:
      return rng.pick([
        '',
        ' ',
        '\u0000',
        '"',
        '\\',
        '{{ticket.id}}',
        '💥'.repeat(rng.int(1, 50)),
        'a'.repeat(rng.int(0, 3000)),
      ]);
    case 4:
      return rng.pick(['__proto__', 'constructor', 'toString', '../../etc/passwd', '<script>alert(1)</script>']);
    case 5:
      return rng.int(-1e6, 1e6);
    case 6:
      return Array.from({ length: rng.int(0, 4) }, () => randomJsonValue(rng, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = rng.int(0, 4); i > 0; i--)
        o[rng.pick(['id', 'ticketId', 'subject', '__proto__', 'x', 'detail'])] = randomJsonValue(rng, depth + 1);
      return o;
    }
  }
}

/** Signature headers for these exact bytes, as the vendor would make them at `nowMs`. */
function signedHeaders(
  vendor: SenderVendor,
  body: Buffer,
  s: Secrets,
  nowMs: number,
  id: string,
): Record<string, string> {
  switch (vendor) {
    case 'zendesk': {
      const ts = new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
      return {
        'x-zendesk-webhook-signature': signZendesk(body, ts, s.zendeskWebhookSecret),
        'x-zendesk-webhook-signature-timestamp': ts,
        'x-zendesk-webhook-invocation-id': id,
        'x-zendesk-account-id': '22129848',
      };
    }
    case 'jira':
      return { 'x-hub-signature': signJira(body, s.jiraWebhookSecret), 'x-atlassian-webhook-identifier': id };
    case 'freshdesk':
      return { 'x-ticket-rooms-token': s.freshdeskWebhookToken };
    case 'generic': {
      const ts = Math.floor(nowMs / 1000);
      return {
        'webhook-id': id,
        'webhook-timestamp': String(ts),
        'webhook-signature': signStandardWebhook(id, ts, body, s.genericWebhookSecret),
      };
    }
  }
}

function vendorDelivery(ctx: FuzzContext, vendor: SenderVendor, ticketId: string, nowMs = Date.now()): Delivery {
  const s = ctx.secrets;
  const base = { ticketId, subject: `Fuzz ${ticketId}`, nowMs };
  switch (vendor) {
    case 'zendesk':
      return buildDelivery('zendesk', { ...base, secret: s.zendeskWebhookSecret });
    case 'freshdesk':
      return buildDelivery('freshdesk', { ...base, token: s.freshdeskWebhookToken });
    case 'jira':
      return buildDelivery('jira', { ...base, secret: s.jiraWebhookSecret });
    case 'generic':
      return buildDelivery('generic', { ...base, secret: s.genericWebhookSecret });
  }
}

const json = { 'content-type': 'application/json' };

function mutate(rng: Rng, text: string): string {
  const ops = rng.int(1, 4);
  let out = text;
  for (let i = 0; i < ops; i++) {
    const at = rng.int(0, Math.max(0, out.length - 1));
    switch (rng.int(0, 4)) {
      case 0:
        out = out.slice(0, at); // truncated
        break;
      case 1:
        out = out.slice(0, at) + rng.pick(['{', '}', '"', ',', ':', '\\', '\u0000', 'NaN', '\ud800']) + out.slice(at);
        break;
      case 2:
        out = out.slice(0, at) + out.slice(at + rng.int(1, 10));
        break;
      case 3:
        out = out.replace(/"/g, rng.chance(0.5) ? "'" : '');
        break;
      default:
        out = `${out}${rng.pick(['}', ']', ',', ' trailing', '\n{"again":1}'])}`;
    }
  }
  return out;
}

/** An `{"a":{"a":…}}` or `[[[…]]]` document nested `depth` levels. */
function deepJson(rng: Rng, depth: number): string {
  if (rng.chance(0.5)) return `${'['.repeat(depth)}1${']'.repeat(depth)}`;
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

function setAtRandomPath(rng: Rng, doc: unknown, value: unknown): unknown {
  if (doc === null || typeof doc !== 'object') return value;
  const entries = Object.keys(doc as object);
  if (entries.length === 0 || rng.chance(0.3)) return value;
  const k = rng.pick(entries);
  const copy: Record<string, unknown> = Array.isArray(doc)
    ? ([...doc] as unknown as Record<string, unknown>)
    : { ...(doc as Record<string, unknown>) };
  copy[k] = setAtRandomPath(rng, copy[k], value);
  return copy;
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

function rawRequest(lines: string[], body = ''): Buffer {
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`, 'latin1');
}

/** The next fuzz case. Ticket ids of unauthenticated cases start with `attack-`. */
export function nextCase(ctx: FuzzContext): FuzzCase {
  const { rng, secrets } = ctx;
  const category = rng.weighted(WEIGHTS);
  const vendor = rng.pick(VENDORS);
  const route = `/webhooks/${vendor}`;
  const id = `attack-${ctx.nextTicket++}`;

  switch (category) {
    case 'random-bytes': {
      const body = rng.bytes(rng.int(0, 2048));
      const headers: Record<string, string> = {
        'content-type': rng.chance(0.8) ? 'application/json' : 'application/octet-stream',
      };
      if (rng.chance(0.5)) Object.assign(headers, signedHeaders(vendor, rng.bytes(16), secrets, Date.now(), id));
      return {
        category,
        authenticated: false,
        method: 'POST',
        path: rng.pick(ROUTES),
        headers,
        body,
        expect: [400, 401, 415],
      };
    }
    case 'broken-json': {
      // The valid delivery's credentials over a body that no longer matches them.
      const d = vendorDelivery(ctx, vendor, id);
      const mutated = mutate(rng, d.body);
      const body = Buffer.from(mutated);
      // A token covers no body; and a cut-then-append can rebuild the very bytes that were signed.
      const authenticated = vendor === 'freshdesk' || mutated === d.body;
      return {
        category,
        authenticated,
        method: 'POST',
        path: d.path,
        headers: d.headers,
        body,
        expect: authenticated ? [400, 202] : [400, 401],
      };
    }
    case 'broken-json-signed': {
      // A sender bug: broken JSON, correctly signed. It reaches the parser.
      const body = Buffer.from(mutate(rng, vendorDelivery(ctx, vendor, id).body));
      const headers = { ...json, ...signedHeaders(vendor, body, secrets, Date.now(), id) };
      return { category, authenticated: true, method: 'POST', path: route, headers, body, expect: [400, 202] };
    }
    case 'huge-json': {
      const size = rng.int(Math.floor(ctx.bodyLimit * 0.8), ctx.bodyLimit * 2);
      const d = vendorDelivery(ctx, vendor, id);
      const doc = JSON.parse(d.body) as Record<string, unknown>;
      doc.padding = 'x'.repeat(size);
      const body = Buffer.from(JSON.stringify(doc));
      const signed = rng.chance(0.5);
      const headers = signed ? { ...json, ...signedHeaders(vendor, body, secrets, Date.now(), id) } : d.headers;
      return {
        category,
        authenticated: signed || vendor === 'freshdesk',
        method: 'POST',
        path: route,
        headers,
        body,
        expect: [413, 400, 401, 202],
      };
    }
    case 'deep-json': {
      const body = Buffer.from(deepJson(rng, rng.pick([100, 1_000, 10_000, 50_000])));
      const signed = rng.chance(0.7);
      const headers = signed ? { ...json, ...signedHeaders(vendor, body, secrets, Date.now(), id) } : { ...json };
      return { category, authenticated: signed, method: 'POST', path: route, headers, body, expect: [400, 401, 413] };
    }
    case 'wrong-types': {
      const d = vendorDelivery(ctx, vendor, id);
      const doc = setAtRandomPath(rng, JSON.parse(d.body), randomJsonValue(rng));
      const body = Buffer.from(JSON.stringify(doc) ?? 'null');
      const headers = { ...json, ...signedHeaders(vendor, body, secrets, Date.now(), id) };
      return { category, authenticated: true, method: 'POST', path: route, headers, body, expect: [400, 202] };
    }
    case 'wrong-signature': {
      const d = vendorDelivery(ctx, vendor, id);
      const h: Record<string, string | string[]> = { ...d.headers };
      const sigHeader =
        vendor === 'zendesk'
          ? 'x-zendesk-webhook-signature'
          : vendor === 'jira'
            ? 'x-hub-signature'
            : vendor === 'generic'
              ? 'webhook-signature'
              : 'x-ticket-rooms-token';
      const real = String(h[sigHeader] ?? '');
      // '0'/'1' differ in every alphabet and in any letter case (Jira's hex is compared lower-cased).
      const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === '0' ? '1' : '0') + s.slice(at + 1);
      switch (rng.int(0, 9)) {
        case 0:
          delete h[sigHeader];
          break;
        case 1:
          h[sigHeader] = '';
          break;
        case 2:
          h[sigHeader] = flip(real, real.length - 2); // right length, last character wrong
          break;
        case 3:
          h[sigHeader] = flip(real, vendor === 'jira' ? 7 : vendor === 'generic' ? 3 : 0); // first character wrong
          break;
        case 4:
          h[sigHeader] = real.slice(0, rng.int(0, real.length - 1)); // a prefix
          break;
        case 5:
          // Not blanks: HTTP trims those, and the value is then the right one.
          h[sigHeader] = `${real}${rng.pick(['=', 'A', '%', ','])}`;
          break;
        case 6:
          h[sigHeader] = [rng.bytes(16).toString('base64'), rng.bytes(16).toString('base64')];
          break;
        case 7: {
          // Signed with a wrong secret.
          const other = {
            ...secrets,
            zendeskWebhookSecret: 'wrong',
            jiraWebhookSecret: 'wrong',
            freshdeskWebhookToken: 'wrong',
            genericWebhookSecret: `whsec_${Buffer.from('wrong').toString('base64')}`,
          };
          Object.assign(h, signedHeaders(vendor, Buffer.from(d.body), other, Date.now(), id));
          break;
        }
        case 8:
          // A valid signature of another body (a token covers no body: a wrong token instead).
          if (vendor === 'freshdesk') h[sigHeader] = flip(real, 3);
          else Object.assign(h, signedHeaders(vendor, Buffer.from(`${d.body} `), secrets, Date.now(), id));
          break;
        default:
          h[sigHeader] = rng.pick(['sha1=abc', 'v2,abc', 'null', 'undefined', '%00', 'Bearer x', 'sha256=', 'v1,']);
      }
      if (vendor === 'freshdesk' && rng.chance(0.3)) {
        delete h['x-ticket-rooms-token'];
        h.authorization = rng.pick([
          basic('freshdesk', 'wrong'),
          'Basic !!!',
          `Basic ${secrets.freshdeskWebhookToken.slice(0, 5)}`,
        ]);
      }
      return {
        category,
        authenticated: false,
        method: 'POST',
        path: d.path,
        headers: h,
        body: Buffer.from(d.body),
        expect: [401],
      };
    }
    case 'replay-expired': {
      // Correctly signed, but at a moment outside the 300 s tolerance: a captured delivery replayed.
      const v = rng.pick(['zendesk', 'generic'] as const);
      const skewS = rng.pick([-1, 1]) * rng.int(301, 366 * 24 * 3600);
      const d = vendorDelivery(ctx, v, id, Date.now() + skewS * 1000);
      return {
        category,
        authenticated: false,
        method: 'POST',
        path: d.path,
        headers: d.headers,
        body: Buffer.from(d.body),
        expect: [401],
      };
    }
    case 'replay-valid': {
      const prior = ctx.accepted.length > 0 ? rng.pick(ctx.accepted) : undefined;
      if (!prior) return legit(ctx, vendor);
      return {
        category,
        authenticated: true,
        method: 'POST',
        path: prior.path,
        headers: prior.headers,
        body: Buffer.from(prior.body),
        expect: [202],
      };
    }
    case 'legit':
      return legit(ctx, vendor);
    case 'header-injection':
      return headerInjection(ctx, vendor, id);
    case 'media-method-path': {
      // The credential still matches the bytes in the first three variants, so those requests
      // are authentic even though their media type, method or path is odd.
      const d = vendorDelivery(ctx, vendor, id);
      const token = vendor === 'freshdesk';
      switch (rng.int(0, 5)) {
        case 0:
          return {
            category,
            authenticated: true,
            method: 'POST',
            path: d.path,
            headers: {
              ...d.headers,
              'content-type': rng.pick([
                'text/plain',
                'application/x-www-form-urlencoded',
                'multipart/form-data; boundary=x',
                'application/jsonp',
                'application/json-patch+json',
                'APPLICATION/JSON',
                '',
                '*/*',
              ]),
            },
            body: Buffer.from(d.body),
            expect: [415, 400, 401, 202],
          };
        case 1: {
          const method = rng.pick(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']);
          return {
            category,
            authenticated: true,
            method,
            path: d.path,
            headers: d.headers,
            // GET and HEAD with a body confuse clients more than servers; they go without.
            ...(method !== 'GET' && method !== 'HEAD' && rng.chance(0.5) ? { body: Buffer.from(d.body) } : {}),
            expect: [404, 405, 400],
          };
        }
        case 2:
          return {
            category,
            authenticated: true,
            method: 'POST',
            path: rng.pick([
              '/webhooks/',
              '/webhooks/ZENDESK',
              `${d.path}/`,
              `/webhooks/../${d.path}`,
              `/webhooks/%7A%65ndesk`,
              '/webhooks/servicenow',
              `/${'a'.repeat(rng.int(1, 8000))}`,
              `${d.path}?${'x=1&'.repeat(500)}`,
            ]),
            headers: d.headers,
            body: Buffer.from(d.body),
            expect: [404, 401, 400, 414, 431, 202],
          };
        case 3:
          return {
            category,
            authenticated: token,
            method: 'POST',
            path: d.path,
            headers: { ...d.headers, 'content-encoding': rng.pick(['gzip', 'br', 'deflate', 'x']) },
            body: rng.bytes(200),
            expect: [400, 401, 415],
          };
        case 4:
          return {
            category,
            authenticated: false,
            method: 'POST',
            path: d.path,
            headers: { 'content-type': 'application/json' },
            expect: [400, 401, 415],
          };
        default:
          return {
            category,
            authenticated: token,
            method: 'POST',
            path: d.path,
            headers: { ...d.headers, 'content-type': 'application/json; charset=utf-16' },
            body: Buffer.from(d.body, 'utf16le'),
            expect: [400, 401, 415],
          };
      }
    }
    case 'dashboard-metrics': {
      const path = rng.pick(PROTECTED);
      const right = rng.chance(0.05);
      const authorization = right
        ? basic(secrets.dashboardUser, secrets.dashboardPassword)
        : rng.pick([
            undefined,
            basic(secrets.dashboardUser, 'wrong-password'),
            basic('admin', secrets.dashboardPassword),
            basic(secrets.dashboardUser, `${secrets.dashboardPassword}x`),
            basic(secrets.dashboardUser, secrets.dashboardPassword.slice(0, -1)),
            basic('', ''),
            'Basic',
            'Basic ====',
            `Bearer ${secrets.dashboardPassword}`,
            `Basic ${Buffer.from(secrets.dashboardUser).toString('base64')}`,
          ]);
      return {
        category,
        authenticated: right,
        method: rng.chance(0.9) ? 'GET' : rng.pick(['PUT', 'POST', 'DELETE']),
        path,
        headers: authorization === undefined ? {} : { authorization },
        // Unknown paths under the dashboard are 404 whoever asks: nothing is behind them.
        ...(right ? {} : { expect: [401, 404] }),
      };
    }
  }
}

function legit(ctx: FuzzContext, vendor: SenderVendor): FuzzCase {
  const ticketId = `legit-${ctx.nextTicket++}`;
  const numeric = String(700_000 + ctx.nextTicket);
  let d = vendorDelivery(ctx, vendor, vendor === 'generic' ? ticketId : numeric);
  if (vendor === 'generic' && ctx.rng.chance(0.3)) {
    d = buildDelivery('generic', {
      ticketId,
      subject: `Fuzz ${ticketId}`,
      token: ctx.secrets.genericWebhookToken,
      path: ctx.rng.pick(['/webhooks/generic', '/helpdesk/ticket-created']),
    });
  }
  ctx.accepted.push({ path: d.path, headers: d.headers, body: d.body });
  if (ctx.accepted.length > 500) ctx.accepted.shift();
  return {
    category: 'legit',
    authenticated: true,
    method: 'POST',
    path: d.path,
    headers: d.headers,
    body: Buffer.from(d.body),
    expect: [202],
  };
}

function headerInjection(ctx: FuzzContext, vendor: SenderVendor, id: string): FuzzCase {
  const { rng } = ctx;
  const d = vendorDelivery(ctx, vendor, id);
  const body = d.body;
  const len = Buffer.byteLength(body);
  const base = [`POST ${d.path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
  const headerLines = Object.entries(d.headers).map(([k, v]) => `${k}: ${v}`);
  const sig = headerLines.find((l) => /signature:|token:/.test(l)) ?? 'x-ticket-rooms-token: x';
  const others = headerLines.filter((l) => l !== sig);
  let lines: string[];
  let noAnswerOk = false;
  const variant = rng.int(0, 11);
  switch (variant) {
    case 0:
      // A second value smuggled into the signature header through CR LF.
      lines = [...base, ...others, `${sig}X\r\nx-injected: 1`, `Content-Length: ${len}`];
      break;
    case 1:
      // Bare LF inside a value.
      lines = [...base, ...others, `${sig}\nx-injected: 1`, `Content-Length: ${len}`];
      break;
    case 2:
      // NUL and other control bytes in a value.
      lines = [...base, ...others, `${sig}\u0000\u0001\u007f`, `Content-Length: ${len}`];
      break;
    case 3:
      // Obsolete line folding.
      lines = [...base, ...others, `${sig}`, ' folded-continuation', `Content-Length: ${len}`];
      break;
    case 4:
      // Two Content-Length values.
      lines = [...base, ...headerLines, `Content-Length: ${len}`, `Content-Length: ${len + 5}`];
      break;
    case 5:
      // Transfer-Encoding and Content-Length together (request smuggling).
      lines = [...base, ...headerLines, `Content-Length: ${len}`, 'Transfer-Encoding: chunked'];
      break;
    case 6:
      // A header far beyond the server's header limit.
      lines = [...base, ...headerLines, `x-big: ${'a'.repeat(rng.int(17_000, 70_000))}`, `Content-Length: ${len}`];
      break;
    case 7:
      // Bytes outside ASCII in names and values.
      lines = [...base, ...others, `${sig}\u00e9\u00ff`, 'x-\u00fcml: v', `Content-Length: ${len}`];
      break;
    case 8:
      // Invalid header names.
      lines = [...base, ...headerLines, 'bad header: 1', '(x): y', `Content-Length: ${len}`];
      break;
    case 9:
      // A Content-Length that promises more than is sent: the server may wait, then drop it.
      lines = [...base, ...headerLines, `Content-Length: ${len + rng.int(1, 1000)}`];
      noAnswerOk = true;
      break;
    case 10:
      // Many copies of the signature header.
      lines = [...base, ...others, ...Array.from({ length: rng.int(2, 200) }, () => sig), `Content-Length: ${len}`];
      break;
    default:
      // Host header injection and absolute-form request target.
      lines = [
        `POST http://evil.example${d.path} HTTP/1.1`,
        'Host: evil.example\r\nX-Forwarded-Host: evil',
        'Connection: close',
        ...headerLines,
        `Content-Length: ${len}`,
      ];
  }
  const raw = rawRequest(lines, body);
  return {
    category: 'header-injection',
    // Where the credential itself was left intact (only other headers or the framing are odd)
    // the request is authentic and may be accepted; where the injection touched the credential,
    // it must not be.
    // Repeated Standard Webhooks signatures are a valid list (the spec allows several).
    authenticated: ![0, 2, 3, 7].includes(variant) && (variant !== 10 || vendor === 'generic'),
    method: 'POST',
    path: d.path,
    headers: {},
    raw,
    noAnswerOk,
    expect: [400, 401, 413, 431, 202],
  };
}
