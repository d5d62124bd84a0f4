import { safeEqualsAny } from '@ticket-rooms/core';
import {
  signJira,
  signStandardWebhook,
  signZendesk,
  verifyJiraSignature,
  verifyStandardWebhook,
  verifyZendeskSignature,
} from '@ticket-rooms/helpdesk';

interface Variant {
  name: string;
  run: () => boolean;
}

/** Changes one character so the text differs in any alphabet and letter case. */
const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === '0' ? '1' : '0') + s.slice(at + 1);

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

/**
 * Times each signature check with the right signature and with wrong ones of the same length
 * (first or last character wrong) and of another length, interleaved so drift hits all alike.
 * Returns printable lines; it asserts nothing (timing on a shared machine is noisy).
 */
export function signatureTimings(iterations: number): string[] {
  const body = Buffer.from(JSON.stringify({ ticketId: '123', subject: 'x'.repeat(400) }));
  const secret = 'timing-secret-0123456789abcdef';
  const whsec = `whsec_${Buffer.from(secret).toString('base64')}`;
  const ts = '2026-11-28T00:00:00Z';
  const zd = signZendesk(body, ts, secret);
  const jira = signJira(body, secret);
  const std = signStandardWebhook('msg_1', 1795000000, body, whsec);
  const token = 'fdwhtok-0123456789abcdef0123';
  // Every wrong value is made once, here, so the loop times the check and nothing else.
  const wrong = (right: string, first: number) => ({
    first: flip(right, first),
    last: flip(right, right.length - 2),
    shorter: right.slice(0, Math.max(5, Math.floor(right.length / 3))),
  });
  const zdW = wrong(zd, 0);
  const jiraW = { ...wrong(jira, 7), last: flip(jira, jira.length - 1) };
  const stdW = wrong(std, 3);
  const tokW = { ...wrong(token, 0), last: flip(token, token.length - 1) };

  const checks: Array<{ check: string; variants: Variant[] }> = [
    {
      check: 'zendesk (HMAC, base64)',
      variants: [
        { name: 'right', run: () => verifyZendeskSignature(body, zd, ts, [secret]) },
        { name: 'first char wrong', run: () => verifyZendeskSignature(body, zdW.first, ts, [secret]) },
        { name: 'last char wrong', run: () => verifyZendeskSignature(body, zdW.last, ts, [secret]) },
        { name: 'shorter', run: () => verifyZendeskSignature(body, zdW.shorter, ts, [secret]) },
      ],
    },
    {
      check: 'jira (HMAC, hex)',
      variants: [
        { name: 'right', run: () => verifyJiraSignature(body, jira, [secret]) === 'valid' },
        { name: 'first char wrong', run: () => verifyJiraSignature(body, jiraW.first, [secret]) === 'valid' },
        {
          name: 'last char wrong',
          run: () => verifyJiraSignature(body, jiraW.last, [secret]) === 'valid',
        },
        { name: 'shorter', run: () => verifyJiraSignature(body, jiraW.shorter, [secret]) === 'valid' },
      ],
    },
    {
      check: 'generic (Standard Webhooks)',
      variants: [
        { name: 'right', run: () => verifyStandardWebhook('msg_1', '1795000000', body, std, [whsec]) },
        {
          name: 'first char wrong',
          run: () => verifyStandardWebhook('msg_1', '1795000000', body, stdW.first, [whsec]),
        },
        {
          name: 'last char wrong',
          run: () => verifyStandardWebhook('msg_1', '1795000000', body, stdW.last, [whsec]),
        },
        { name: 'shorter', run: () => verifyStandardWebhook('msg_1', '1795000000', body, stdW.shorter, [whsec]) },
      ],
    },
    {
      check: 'freshdesk / generic token',
      variants: [
        { name: 'right', run: () => safeEqualsAny(token, [token]) },
        { name: 'first char wrong', run: () => safeEqualsAny(tokW.first, [token]) },
        { name: 'last char wrong', run: () => safeEqualsAny(tokW.last, [token]) },
        { name: 'shorter', run: () => safeEqualsAny(tokW.shorter, [token]) },
      ],
    },
  ];

  const lines: string[] = [];
  for (const { check, variants } of checks) {
    // Sanity: only the right one verifies.
    const verdicts = variants.map((v) => v.run());
    if (!verdicts[0] || verdicts.slice(1).some(Boolean)) throw new Error(`${check}: the variants verify wrongly`);
    for (let i = 0; i < 2_000; i++) for (const v of variants) v.run(); // warm up
    const samples = variants.map(() => new Float64Array(iterations));
    for (let i = 0; i < iterations; i++) {
      for (let k = 0; k < variants.length; k++) {
        const j = (i + k) % variants.length;
        const t = process.hrtime.bigint();
        (variants[j] as Variant).run();
        (samples[j] as Float64Array)[i] = Number(process.hrtime.bigint() - t);
      }
    }
    lines.push(`  ${check}`);
    for (const [k, v] of variants.entries()) {
      const s = (samples[k] as Float64Array).sort();
      const mean = s.reduce((a, b) => a + b, 0) / s.length;
      lines.push(
        `    ${v.name.padEnd(17)} p10 ${percentile(s, 0.1).toFixed(0).padStart(6)}  p50 ${percentile(s, 0.5).toFixed(0).padStart(6)}  ` +
          `p90 ${percentile(s, 0.9).toFixed(0).padStart(6)}  p99 ${percentile(s, 0.99).toFixed(0).padStart(6)}  mean ${mean.toFixed(0).padStart(6)}`,
      );
    }
  }
  return lines;
}
