import {
  safeEqualsAny,
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

  const checks: Array<{ check: string; variants: Variant[] }> = [
    {
      check: 'zendesk (HMAC, base64)',
      variants: [
        { name: 'right', run: () => verifyZendeskSignature(body, zd, ts, [secret]) },
        { name: 'first char wrong', run: () => verifyZendeskSignature(body, flip(zd, 0), ts, [secret]) },
        { name: 'last char wrong', run: () => verifyZendeskSignature(body, flip(zd, zd.length - 2), ts, [secret]) },
        { name: 'shorter', run: () => verifyZendeskSignature(body, zd.slice(0, 10), ts, [secret]) },
      ],
    },
    {
      check: 'jira (HMAC, hex)',
      variants: [
        { name: 'right', run: () => verifyJiraSignature(body, jira, [secret]) === 'valid' },
        { name: 'first char wrong', run: () => verifyJiraSignature(body, flip(jira, 7), [secret]) === 'valid' },
        {
          name: 'last char wrong',
          run: () => verifyJiraSignature(body, flip(jira, jira.length - 1), [secret]) === 'valid',
        },
        { name: 'shorter', run: () => verifyJiraSignature(body, jira.slice(0, 20), [secret]) === 'valid' },
      ],
    },
    {
      check: 'generic (Standard Webhooks)',
      variants: [
        { name: 'right', run: () => verifyStandardWebhook('msg_1', '1795000000', body, std, [whsec]) },
        {
          name: 'first char wrong',
          run: () => verifyStandardWebhook('msg_1', '1795000000', body, flip(std, 3), [whsec]),
        },
        {
          name: 'last char wrong',
          run: () => verifyStandardWebhook('msg_1', '1795000000', body, flip(std, std.length - 2), [whsec]),
        },
        { name: 'shorter', run: () => verifyStandardWebhook('msg_1', '1795000000', body, std.slice(0, 12), [whsec]) },
      ],
    },
    {
      check: 'freshdesk / generic token',
      variants: [
        { name: 'right', run: () => safeEqualsAny(token, [token]) },
        { name: 'first char wrong', run: () => safeEqualsAny(flip(token, 0), [token]) },
        { name: 'last char wrong', run: () => safeEqualsAny(flip(token, token.length - 1), [token]) },
        { name: 'shorter', run: () => safeEqualsAny(token.slice(0, 5), [token]) },
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
