import { QUEUE_NAMES, Source } from '@ticket-rooms/core';
import { describe, expect, it } from 'vitest';
import { HELPDESK_ROUTES, HELPDESKS, helpdeskAdapter, helpdeskRedactPaths, WRITE_BACK_HELPDESKS } from './helpdesks';

describe('the helpdesk registry', () => {
  it('has exactly one adapter for every source the core event admits', () => {
    expect(HELPDESKS.map((h) => h.source).sort()).toEqual([...Source.options].sort());
    for (const source of Source.options) expect(helpdeskAdapter(source).source).toBe(source);
  });

  it('writes back to exactly the helpdesks that have a notes queue', () => {
    expect(WRITE_BACK_HELPDESKS.map((h) => h.source).sort()).toEqual(Object.keys(QUEUE_NAMES.notes).sort());
  });

  it('gives every route to one source, the generic alias included', () => {
    const urls = HELPDESK_ROUTES.map((r) => r.url);
    expect(new Set(urls).size).toBe(urls.length);
    expect(HELPDESK_ROUTES).toContainEqual({ url: '/helpdesk/ticket-created', source: 'generic' });
    for (const source of Source.options) expect(urls).toContain(`/webhooks/${source}`);
  });

  it('names each variable once, and none is both inbound and write-back', () => {
    const names = HELPDESKS.flatMap((h) => [...h.inbound.variables, ...(h.writeBack?.variables ?? [])]);
    expect(new Set(names).size).toBe(names.length);
    for (const h of WRITE_BACK_HELPDESKS) {
      expect(Object.keys(h.writeBack.env).sort()).toEqual([...h.writeBack.variables].sort());
      expect(h.writeBack.variables).toContain(h.writeBack.urlVariable);
    }
  });

  it('blanks every signature and token header in logs', () => {
    const paths = helpdeskRedactPaths();
    expect(paths).toContain('req.headers["x-hub-signature"]');
    expect(paths).toContain('req.headers["webhook-signature"]');
    expect(new Set(paths).size).toBe(paths.length);
  });
});
