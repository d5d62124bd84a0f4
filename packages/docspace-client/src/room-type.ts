/**
 * DocSpace room types as the API sends and expects them: numbers. The server also accepts names,
 * but we always send numbers so a typo can never reach it.
 */
export const RoomType = {
  FillingForms: 1,
  Collaboration: 2,
  Custom: 5,
  Public: 6,
  VirtualData: 8,
  Ai: 9,
} as const;
export type RoomType = (typeof RoomType)[keyof typeof RoomType];

export const ROOM_TYPES: readonly RoomType[] = Object.values(RoomType);

export function isRoomType(value: unknown): value is RoomType {
  return typeof value === 'number' && (ROOM_TYPES as readonly number[]).includes(value);
}

/** Spellings people use for each type: ours, the server's enum names and the UI's labels. */
const ALIASES: Record<string, RoomType> = {
  fillingforms: RoomType.FillingForms,
  formfilling: RoomType.FillingForms,
  forms: RoomType.FillingForms,
  collaboration: RoomType.Collaboration,
  editing: RoomType.Collaboration,
  custom: RoomType.Custom,
  public: RoomType.Public,
  virtualdata: RoomType.VirtualData,
  vdr: RoomType.VirtualData,
  ai: RoomType.Ai,
};

/**
 * Reads a room type from configuration: `collaboration`, `EditingRoom`, `editing-room`, `2`,
 * `vdr`, `VirtualDataRoom` … Throws a `RangeError` naming the accepted values otherwise.
 */
export function parseRoomType(value: string | number): RoomType {
  if (typeof value === 'number' || /^\s*\d+\s*$/.test(value)) {
    const n = Number(value);
    if (isRoomType(n)) return n;
  } else {
    const key = value
      .toLowerCase()
      .replace(/[^a-z]/g, '')
      .replace(/room$/, '');
    const found = ALIASES[key];
    if (found !== undefined) return found;
  }
  throw new RangeError(
    `unknown DocSpace room type ${JSON.stringify(value)}; use one of ${Object.entries(RoomType)
      .map(([name, n]) => `${name.toLowerCase()} (${n})`)
      .join(', ')}`,
  );
}

/** The server's enum name for a room type, for messages and logs. */
export function roomTypeName(type: RoomType): keyof typeof RoomType {
  const entry = Object.entries(RoomType).find(([, n]) => n === type);
  return (entry?.[0] ?? 'Custom') as keyof typeof RoomType;
}

/**
 * Whether a room of this type can have an external (share) link. Collaboration, virtual data and
 * AI rooms cannot: for them the only link is the room's portal URL, which needs a DocSpace login.
 */
export function allowsExternalLinks(type: RoomType): boolean {
  return type === RoomType.FillingForms || type === RoomType.Custom || type === RoomType.Public;
}

/**
 * The room DTO's `canShare` as the server computes it for a room's type: DocSpace forces it false
 * for collaboration and virtual data rooms (`FileEntryDto.cs`), whatever the caller may do. Such a
 * room is not shared by link; members are still invited with `PUT rooms/{id}/share`.
 */
export function roomTypeCanShare(type: RoomType): boolean {
  return type !== RoomType.Collaboration && type !== RoomType.VirtualData;
}
