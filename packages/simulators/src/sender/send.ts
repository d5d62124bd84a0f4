import type { Delivery } from './build';

export interface SendResult {
  status: number;
  /** The response body as text. */
  body: string;
  /** The body parsed as JSON, when it is JSON. */
  json: unknown;
}

/** POSTs a delivery to a receiver, as the vendor would, and returns what came back. */
export async function sendDelivery(
  baseUrl: string,
  delivery: Delivery,
  opts: { timeoutMs?: number } = {},
): Promise<SendResult> {
  const res = await fetch(`${baseUrl.replace(/\/+$/, '')}${delivery.path}`, {
    method: 'POST',
    headers: delivery.headers,
    body: delivery.body,
    signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
  });
  const body = await res.text();
  let json: unknown;
  try {
    json = body === '' ? undefined : JSON.parse(body);
  } catch {
    json = undefined;
  }
  return { status: res.status, body, json };
}
