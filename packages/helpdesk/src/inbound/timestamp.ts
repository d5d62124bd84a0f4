import { reject } from './outcome';
import type { Rejection } from './types';

/**
 * Rejects a signed timestamp outside the tolerance, in either direction: a replay is old, a
 * sender with a wrong clock is early. The sentence gives the drift, never the signature.
 */
export function checkTimestampAge(
  timestampMs: number,
  nowMs: number,
  toleranceSeconds: number,
  headerName: string,
): Rejection | undefined {
  const driftSeconds = Math.round((nowMs - timestampMs) / 1000);
  if (Math.abs(driftSeconds) <= toleranceSeconds) return undefined;
  const how = driftSeconds > 0 ? `${driftSeconds} s old` : `${-driftSeconds} s in the future`;
  return reject(
    'TIMESTAMP_EXPIRED',
    `The ${headerName} header is ${how}, outside the ${toleranceSeconds} s tolerance; the delivery may be a replay.`,
  );
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;

/** Milliseconds of a strict ISO 8601 date-time (Zendesk's format); `undefined` for anything else. */
export function parseIsoTimestamp(value: string): number | undefined {
  if (!ISO_8601.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Milliseconds of Unix seconds written as digits (Standard Webhooks' format). */
export function parseUnixSeconds(value: string): number | undefined {
  if (!/^\d{1,12}$/.test(value)) return undefined;
  return Number(value) * 1000;
}
