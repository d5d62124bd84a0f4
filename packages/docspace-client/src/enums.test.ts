import { describe, expect, it } from 'vitest';
import { AccessRole, parseAccessRole, rolesFor } from './access-role';
import { allowsExternalLinks, parseRoomType, RoomType } from './room-type';

describe('parseRoomType', () => {
  it('reads our names, the server enum names, UI labels and numbers', () => {
    for (const v of ['collaboration', 'Collaboration', 'EditingRoom', 'editing-room', 'editing', '2', 2]) {
      expect(parseRoomType(v)).toBe(RoomType.Collaboration);
    }
    expect(parseRoomType('custom')).toBe(5);
    expect(parseRoomType('PublicRoom')).toBe(6);
    expect(parseRoomType('FillingFormsRoom')).toBe(1);
    expect(parseRoomType('form-filling')).toBe(1);
    expect(parseRoomType('VirtualDataRoom')).toBe(8);
    expect(parseRoomType('vdr')).toBe(8);
    expect(parseRoomType('AiRoom')).toBe(9);
  });

  it('refuses removed and unknown types, naming the accepted ones', () => {
    expect(() => parseRoomType(3)).toThrow(/unknown DocSpace room type 3; use one of .*collaboration \(2\)/);
    expect(() => parseRoomType('ReviewRoom')).toThrow(RangeError);
    expect(() => parseRoomType('')).toThrow(RangeError);
  });
});

describe('parseAccessRole', () => {
  it('reads DocSpace role names in any case or spelling, and their numbers', () => {
    expect(parseAccessRole('RoomManager')).toBe(AccessRole.RoomManager);
    expect(parseAccessRole('room-manager')).toBe(9);
    expect(parseAccessRole('contentcreator')).toBe(11);
    expect(parseAccessRole('Editing')).toBe(10);
    expect(parseAccessRole('2')).toBe(AccessRole.Read);
    expect(parseAccessRole(0)).toBe(AccessRole.None);
  });

  it('refuses names DocSpace would silently turn into None, suggesting the real role', () => {
    expect(() => parseAccessRole('RoomAdmin')).toThrow(/did you mean RoomManager/);
    expect(() => parseAccessRole('Editor')).toThrow(/did you mean Editing/);
    expect(() => parseAccessRole('Superuser')).toThrow(/unknown DocSpace access role/);
    expect(() => parseAccessRole(12)).toThrow(RangeError);
  });
});

describe('roles and links per room type', () => {
  it('lets users but never groups be RoomManager', () => {
    for (const type of Object.values(RoomType)) {
      expect(rolesFor(type, 'user')).toContain(AccessRole.RoomManager);
      expect(rolesFor(type, 'group')).not.toContain(AccessRole.RoomManager);
    }
  });

  it('follows the server table for collaboration and public rooms', () => {
    expect(rolesFor(RoomType.Collaboration, 'group')).toEqual([
      AccessRole.ContentCreator,
      AccessRole.Editing,
      AccessRole.Read,
      AccessRole.None,
    ]);
    expect(rolesFor(RoomType.Public, 'user')).toEqual([
      AccessRole.RoomManager,
      AccessRole.ContentCreator,
      AccessRole.None,
    ]);
    expect(rolesFor(RoomType.Public, 'group')).not.toContain(AccessRole.Read);
  });

  it('returns a copy, so a caller cannot change the table', () => {
    rolesFor(RoomType.Custom, 'user').pop();
    expect(rolesFor(RoomType.Custom, 'user')).toContain(AccessRole.None);
  });

  it('allows external links only in form-filling, custom and public rooms', () => {
    expect(Object.values(RoomType).filter(allowsExternalLinks)).toEqual([
      RoomType.FillingForms,
      RoomType.Custom,
      RoomType.Public,
    ]);
  });
});
