import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roomTag, ticketKey } from './ticket-key';

describe('ticketKey', () => {
  it('is readable and stable for one ticket', () => {
    const key = ticketKey({ source: 'zendesk', tenant: '22129848', ticketId: '5158' });
    expect(key).toMatch(/^zendesk-22129848-5158-[0-9a-f]{16}$/);
    expect(ticketKey({ source: 'zendesk', tenant: '22129848', ticketId: '5158' })).toBe(key);
  });

  it('keeps tickets apart whose readable parts clean up alike', () => {
    const a = ticketKey({ source: 'generic', tenant: 'a:b', ticketId: '1' });
    const b = ticketKey({ source: 'generic', tenant: 'a/b', ticketId: '1' });
    expect(a).not.toBe(b);
  });

  it('is always a valid BullMQ job id, whatever the input', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('zendesk', 'freshdesk', 'jira', 'generic' as const),
        fc.string(),
        fc.string(),
        (source, tenant, ticketId) => {
          const key = ticketKey({ source, tenant, ticketId });
          expect(key).not.toContain(':');
          expect(key).not.toMatch(/^\d+$/);
          expect(key.length).toBeLessThan(200);
        },
      ),
    );
  });

  it('gives each ticket its own room tag', () => {
    const ref = { source: 'jira', tenant: 'site.atlassian.net', ticketId: 'SD-1' } as const;
    expect(roomTag(ref)).toBe(`tr-${ticketKey(ref)}`);
    expect(roomTag({ ...ref, ticketId: 'SD-2' })).not.toBe(roomTag(ref));
  });
});
