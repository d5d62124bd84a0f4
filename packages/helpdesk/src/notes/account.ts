import { createHttpTransport, type FetchLike, type HttpRequest } from '@ticket-rooms/core';
import { asRecord, callVendor, type MessageOf } from './writer';

/** Who a helpdesk's write-back credentials act as, and whether that account may add internal notes. */
export interface AccountCheck {
  /** The account's name or email, for the operator: never a secret. */
  who: string;
  canAddNotes: boolean;
  /** Why not, when it may not, in one sentence. */
  why?: string;
}

/**
 * `GET`s the vendor's "who am I" endpoint with the write-back's own credentials and hands the
 * body to `judge`. A 401 or 403 comes back as the shared `VendorError`, as from the writer.
 */
export async function checkAccount(
  input: { vendor: string; baseUrl: string; authorization: string; path: string; messageOf: MessageOf },
  deps: { fetch?: FetchLike; timeoutMs?: number },
  judge: (body: Record<string, unknown>) => AccountCheck,
): Promise<AccountCheck> {
  const transport = createHttpTransport({
    vendor: input.vendor,
    baseUrl: input.baseUrl,
    headers: { authorization: input.authorization },
    ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs }),
    ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
  });
  try {
    const req: HttpRequest = { method: 'GET', path: input.path };
    const res = await callVendor(transport, req, input.messageOf);
    return judge(asRecord(res.json) ?? {});
  } finally {
    await transport.close();
  }
}
