import { describe, expect, it } from 'vitest';
import { pickGroup } from './share-resolver';

const group = (id: string, name: string) => ({ id, name });

describe('pickGroup', () => {
  const groups = [group('g1', 'Support'), group('g2', 'Support Tier 2'), group('g3', 'support')];

  it('takes the exact name out of DocSpace’s substring search', () => {
    expect(pickGroup(groups, 'Support')).toEqual({ found: true, id: 'g1', name: 'Support' });
    expect(pickGroup(groups, 'Support Tier 2')).toMatchObject({ found: true, id: 'g2' });
  });

  it('falls back to the name ignoring case, and calls two such groups ambiguous', () => {
    expect(pickGroup([group('g2', 'Support Tier 2')], 'support tier 2')).toMatchObject({ found: true, id: 'g2' });
    expect(pickGroup(groups, 'SUPPORT')).toEqual({
      found: false,
      reason: 'ambiguous',
      message: '2 DocSpace groups are named "SUPPORT" (g1, g3); name it by "id" instead',
    });
  });

  it('says when no group has the name', () => {
    expect(pickGroup(groups, 'Suport')).toEqual({
      found: false,
      reason: 'unknown',
      message: 'no DocSpace group is named "Suport"',
    });
  });
});
