import { AccessRole, RoomType } from '@ticket-rooms/docspace-client';
import { describe, expect, it } from 'vitest';
import { compareShare, parseShareTargets } from './share-plan';

const USER = '5a1b0000-0000-4000-8000-000000000001';
const GROUP = '5a1b0000-0000-4000-8000-000000000002';

describe('parseShareTargets', () => {
  it('reads users and groups with roles by name', () => {
    const raw = JSON.stringify([
      { id: USER, role: 'RoomManager' },
      { id: GROUP, role: 'editing', type: 'group' },
    ]);
    expect(parseShareTargets(raw, RoomType.Collaboration)).toEqual({
      targets: [
        { id: USER, type: 'user', access: AccessRole.RoomManager },
        { id: GROUP, type: 'group', access: AccessRole.Editing },
      ],
      problems: [],
    });
  });

  it('reads a user by email and a group by name, and checks the role against what each names', () => {
    const raw = JSON.stringify([
      { email: 'ana@example.com', role: 'RoomManager' },
      { group: ' Support ', role: 'Editing' },
    ]);
    expect(parseShareTargets(raw, RoomType.Collaboration)).toEqual({
      targets: [
        { id: 'ana@example.com', type: 'user', by: 'email', access: AccessRole.RoomManager },
        { id: 'Support', type: 'group', by: 'name', access: AccessRole.Editing },
      ],
      problems: [],
    });
    // A group named by name is a group: RoomManager is refused as for a group id.
    expect(
      parseShareTargets(JSON.stringify([{ group: 'Support', role: 'RoomManager' }]), RoomType.Collaboration).problems,
    ).toEqual([
      'entry 0: a group cannot be RoomManager in a Collaboration room; allowed: ContentCreator, Editing, Read',
    ]);
  });

  it('wants exactly one of id, email and group, and a type that agrees with it', () => {
    const problems = (entries: object[]) => parseShareTargets(JSON.stringify(entries), RoomType.Custom).problems;
    expect(problems([{ role: 'Read' }])).toEqual([
      'entry 0: needs "id" (a user or group id), "email" (a user) or "group" (a group name)',
    ]);
    expect(problems([{ id: USER, email: 'ana@example.com', role: 'Read' }])).toEqual([
      'entry 0: has "id" and "email"; give exactly one of them',
    ]);
    expect(problems([{ email: 'ana@example.com', type: 'group', role: 'Read' }])).toEqual([
      'entry 0: "email" names a user, so "type" cannot be "group"',
    ]);
    expect(problems([{ email: 'not-an-email', role: 'Read' }])).toEqual([
      'entry 0.email: email must be an email address',
    ]);
    expect(
      problems([
        { group: 'Support', role: 'Read' },
        { group: 'support', role: 'Editing' },
      ]),
    ).toEqual(['entry 1: support is listed twice']);
  });

  it('refuses a role the room type does not allow, naming the allowed ones', () => {
    const raw = JSON.stringify([{ id: GROUP, role: 'RoomManager', type: 'group' }]);
    const { problems } = parseShareTargets(raw, RoomType.Collaboration);
    expect(problems).toEqual([
      'entry 0: a group cannot be RoomManager in a Collaboration room; allowed: ContentCreator, Editing, Read',
    ]);
  });

  it('refuses Comment in a public room but not in a custom room', () => {
    const raw = JSON.stringify([{ id: USER, role: 'Comment' }]);
    expect(parseShareTargets(raw, RoomType.Public).problems).toHaveLength(1);
    expect(parseShareTargets(raw, RoomType.Custom).problems).toEqual([]);
  });

  it('says what was probably meant by a lookalike role', () => {
    const { problems } = parseShareTargets(JSON.stringify([{ id: USER, role: 'admin' }]), RoomType.Custom);
    expect(problems[0]).toMatch(/did you mean RoomManager/);
  });

  it('explains JSON mistakes, bad ids and duplicates', () => {
    expect(parseShareTargets('[{id:1}]', RoomType.Custom).problems[0]).toMatch(/JSON list/);
    expect(parseShareTargets(JSON.stringify([{ id: 'bob', role: 'Read' }]), RoomType.Custom).problems[0]).toMatch(
      /UUID/,
    );
    const twice = JSON.stringify([
      { id: USER, role: 'Read' },
      { id: USER, role: 'Editing' },
    ]);
    expect(parseShareTargets(twice, RoomType.Custom).problems[0]).toMatch(/listed twice/);
  });

  it('never lets None through: it would remove the member', () => {
    expect(parseShareTargets(JSON.stringify([{ id: USER, role: 'None' }]), RoomType.Custom).problems).toHaveLength(1);
  });
});

describe('compareShare', () => {
  const requested = [
    { id: USER, type: 'user' as const, access: AccessRole.RoomManager },
    { id: GROUP, type: 'group' as const, access: AccessRole.Editing },
  ];

  it('reports a subject DocSpace left out of its answer', () => {
    const outcome = compareShare(requested, [{ id: USER.toUpperCase(), access: AccessRole.RoomManager }]);
    expect(outcome.granted).toEqual({ [USER]: AccessRole.RoomManager });
    expect(outcome.dropped).toEqual([GROUP]);
  });

  it('reports a role that came back different', () => {
    const outcome = compareShare(requested, [
      { id: USER, access: AccessRole.RoomManager },
      { id: GROUP, access: AccessRole.Read },
    ]);
    expect(outcome.dropped).toEqual([]);
    expect(outcome.changed).toEqual([{ id: GROUP, asked: AccessRole.Editing, got: AccessRole.Read }]);
  });
});
