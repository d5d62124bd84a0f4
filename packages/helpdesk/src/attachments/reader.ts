import {
  createHttpTransport,
  errorFromResponse,
  type FetchLike,
  type HttpTransport,
  keepAliveAgent,
  requestFetch,
  VendorError,
} from '@ticket-rooms/core';

/** A file on a ticket, as the helpdesk's API lists it. Never carries a URL: those hold tokens or expire. */
export interface TicketAttachment {
  /** The vendor's attachment id: unique per helpdesk account, stable for the file's life. */
  id: string;
  name: string;
  /** Bytes, as the vendor lists it. */
  size: number;
  contentType?: string;
}

export interface AttachmentDownload {
  /** The bytes as they arrive; read once. */
  body: AsyncIterable<Uint8Array>;
  /** `Content-Length`, when the server sent one. */
  size: number | undefined;
}

/** What the worker calls to find a ticket's files and fetch one with the helpdesk's credentials. */
export interface AttachmentReader {
  readonly vendor: string;
  /** Every attachment on the ticket so far (description and every comment), oldest first. */
  list(ticketId: string): Promise<TicketAttachment[]>;
  /** Opens one attachment for reading, fetching a fresh download URL each time (they expire). */
  open(ticketId: string, attachment: Pick<TicketAttachment, 'id'>): Promise<AttachmentDownload>;
  close(): Promise<void>;
}

export interface ReaderDeps {
  fetch?: FetchLike;
  timeoutMs?: number;
}

/** How many redirects a download follows (content URL → signed storage is one or two). */
const MAX_REDIRECTS = 5;

/** A transport for the vendor's JSON API plus a fetch for downloads, sharing one pool. */
export function readerTransport(
  vendor: string,
  baseUrl: string,
  authorization: string,
  deps: ReaderDeps,
): { transport: HttpTransport; fetch: FetchLike; close(): Promise<void> } {
  const agent = deps.fetch ? undefined : keepAliveAgent({ connections: 16 });
  const fetch: FetchLike = deps.fetch ?? requestFetch(agent as NonNullable<typeof agent>);
  const transport = createHttpTransport({
    vendor,
    baseUrl,
    headers: { authorization },
    ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs }),
    fetch,
  });
  return {
    transport,
    fetch,
    close: async () => {
      await transport.close();
      await agent?.close();
    },
  };
}

/**
 * Downloads `url`, following the vendor's redirects to its storage. The credentials go only to
 * the helpdesk's own origin, never to the storage host a redirect names (its URL is signed).
 * A non-2xx answer is the shared `VendorError`; the path in it never includes the query (signatures).
 */
export async function download(
  opts: { vendor: string; fetch: FetchLike; baseUrl: string; authorization: string | undefined; timeoutMs?: number },
  url: string,
): Promise<AttachmentDownload> {
  const home = new URL(opts.baseUrl).origin;
  let current = new URL(url, opts.baseUrl);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
    const headers: Record<string, string> = { accept: '*/*' };
    if (opts.authorization && current.origin === home) headers.authorization = opts.authorization;
    const path = current.pathname;
    let res: Awaited<ReturnType<FetchLike>>;
    try {
      res = await opts.fetch(current.href, { method: 'GET', headers, timeoutMs: opts.timeoutMs ?? 30_000 });
    } catch (err) {
      throw new VendorError({
        vendor: opts.vendor,
        code: 'NETWORK',
        message: `${opts.vendor} could not be reached to download ${path}: ${err instanceof Error ? err.message : String(err)}`,
        method: 'GET',
        path,
        cause: err,
      });
    }
    if (res.status >= 300 && res.status < 400) {
      const location = res.headers.get('location');
      await res.text().catch(() => '');
      if (!location) break;
      current = new URL(location, current);
      continue;
    }
    if (res.status >= 200 && res.status < 300 && res.body) {
      const length = Number(res.headers.get('content-length'));
      return { body: res.body, size: Number.isFinite(length) && length >= 0 ? length : undefined };
    }
    const text = await res.text().catch(() => '');
    const said = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
    throw errorFromResponse({ vendor: opts.vendor }, { method: 'GET', path }, res, said);
  }
  throw new VendorError({
    vendor: opts.vendor,
    code: 'INVALID_RESPONSE',
    message: `${opts.vendor} redirected the download of ${new URL(url, opts.baseUrl).pathname} more than ${MAX_REDIRECTS} times`,
    method: 'GET',
    path: new URL(url, opts.baseUrl).pathname,
  });
}
