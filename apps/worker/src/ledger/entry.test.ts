import { describe, expect, it } from 'vitest';
import { roomStage } from '../stages/room-stage';
import { decodeEntry, encodeUpdate, LedgerCorruptError } from './codec';
import { emptyEntry, mergeUpdate, overallState } from './entry';

const ref = { key: 'zendesk-acme-1-abc', source: 'zendesk' as const, tenant: 'acme', ticketId: '1' };
const now = new Date('2026-11-27T00:00:00Z');

describe('overallState', () => {
  const base = emptyEntry(ref, now).stages;

  it('is in progress until every stage is done or skipped', () => {
    expect(overallState(base)).toBe('in-progress');
    expect(
      overallState({
        route: 'done',
        room: 'done',
        folders: 'done',
        share: 'skipped',
        link: 'done',
        helpdesk: 'pending',
      }),
    ).toBe('in-progress');
    expect(
      overallState({
        route: 'done',
        room: 'done',
        folders: 'done',
        share: 'skipped',
        link: 'done',
        helpdesk: 'skipped',
      }),
    ).toBe('done');
  });

  it('is failed as soon as one stage failed', () => {
    expect(overallState({ ...base, room: 'done', folders: 'failed' })).toBe('failed');
  });

  it('counts only the stages of the pipeline it is judged by', () => {
    const onlyRoom = [roomStage] as unknown as Parameters<typeof overallState>[1];
    expect(overallState({ ...base, room: 'done' }, onlyRoom)).toBe('done');
    expect(overallState({ ...base, room: 'done' })).toBe('in-progress');
  });
});

describe('ledger codec', () => {
  it('round-trips what the stages write', () => {
    let entry = emptyEntry(ref, now);
    const updates = [
      {
        stage: { name: 'room' as const, state: 'done' as const },
        room: { id: 12, title: 'T', roomType: 2 as const, archived: false, origin: 'created' as const },
      },
      { stage: { name: 'folders' as const, state: 'done' as const }, folders: { Logs: 13, 'Logs/App': 14 } },
      { stage: { name: 'share' as const, state: 'skipped' as const, reason: 'ROOM_SHARE is not set' } },
      { lastError: { stage: 'link' as const, message: 'link: boom', code: 'SERVER_ERROR', at: now.toISOString() } },
    ];
    const hash: Record<string, string> = {
      key: ref.key,
      source: ref.source,
      tenant: ref.tenant,
      ticketId: ref.ticketId,
    };
    for (const u of updates) {
      entry = mergeUpdate(entry, u, now);
      const { set, del } = encodeUpdate(u, now);
      for (let i = 0; i < set.length; i += 2) hash[set[i] as string] = set[i + 1] as string;
      for (const f of del) delete hash[f];
    }
    hash.state = entry.state;
    hash.createdAt = entry.createdAt;
    expect(decodeEntry(hash)).toEqual(entry);
  });

  it('clears the last error when a stage succeeds', () => {
    const { del } = encodeUpdate({ stage: { name: 'link', state: 'done' }, lastError: null }, now);
    expect(del).toContain('lastError');
  });

  it('reads nothing from an empty hash', () => {
    expect(decodeEntry({})).toBeUndefined();
  });

  it('refuses a hash that does not read back as the stages wrote it, naming the field', () => {
    const hash = { key: ref.key, source: 'zendesk', tenant: 'acme', ticketId: '1' };
    const read = (extra: Record<string, string>) => () => decodeEntry({ ...hash, ...extra });
    expect(read({ room: '{"id":' })).toThrow(new LedgerCorruptError(ref.key, 'room', 'is not JSON'));
    expect(read({ room: '{"id":1,"title":"T","roomType":3,"archived":false,"origin":"created"}' })).toThrow(
      /field room does not match its schema at roomType/,
    );
    expect(read({ folders: '{"Logs":"13"}' })).toThrow(/field folders does not match its schema at Logs/);
    expect(read({ 'stage:link': 'finished' })).toThrow(/field stage:link is not a stage state/);
    expect(read({ source: 'mailbox' })).toThrow(/field source is not a known source/);
    expect(read({ lastError: '{"stage":"link"}' })).toThrow(/field lastError does not match its schema/);
  });
});
