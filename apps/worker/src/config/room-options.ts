import type { RoomOptions } from '@ticket-rooms/docspace-client';
import { z } from 'zod';

/** `true`/`false` (any case), or unset. */
export const flag = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined || raw.trim() === '') return undefined;
    if (/^(true|1|yes)$/i.test(raw.trim())) return true;
    if (/^(false|0|no)$/i.test(raw.trim())) return false;
    ctx.addIssue({ code: 'custom', message: 'must be true or false' });
    return z.NEVER;
  });

/**
 * The room settings DocSpace stores with every new room, as variables. The routing file's
 * `options` go through these same schemas, so a rule's value follows the variable's rules.
 */
export const ROOM_OPTION_ENV = {
  ROOM_INDEXING: flag,
  ROOM_DENY_DOWNLOAD: flag,
  ROOM_COLOR: z
    .string()
    .regex(/^[0-9a-fA-F]{6}$/, { message: 'must be six hex digits without #, like 1F6FEB' })
    .optional(),
  ROOM_QUOTA_BYTES: z.coerce
    .number({ message: 'must be a whole number of bytes, or -2 for the portal default' })
    .int({ message: 'must be a whole number of bytes, or -2 for the portal default' })
    .min(-2, { message: 'must be a whole number of bytes, or -2 for the portal default' })
    .optional(),
  ROOM_WATERMARK_TEXT: z.string().max(255, { message: 'must be at most 255 characters' }).optional(),
} as const;

/** The routing file's name for each option, by variable. */
export const ROOM_OPTION_KEYS = {
  indexing: 'ROOM_INDEXING',
  denyDownload: 'ROOM_DENY_DOWNLOAD',
  color: 'ROOM_COLOR',
  quotaBytes: 'ROOM_QUOTA_BYTES',
  watermarkText: 'ROOM_WATERMARK_TEXT',
} as const satisfies Record<string, keyof typeof ROOM_OPTION_ENV>;

const RoomOptionValues = z.object(ROOM_OPTION_ENV);
type RoomOptionValues = z.infer<typeof RoomOptionValues>;

/** The options of a new room from the checked option values; unset ones are left to DocSpace. */
export function roomOptionsOf(values: RoomOptionValues): RoomOptions {
  return {
    ...(values.ROOM_INDEXING === undefined ? {} : { indexing: values.ROOM_INDEXING }),
    ...(values.ROOM_DENY_DOWNLOAD === undefined ? {} : { denyDownload: values.ROOM_DENY_DOWNLOAD }),
    ...(values.ROOM_COLOR === undefined ? {} : { color: values.ROOM_COLOR.toUpperCase() }),
    ...(values.ROOM_QUOTA_BYTES === undefined ? {} : { quota: values.ROOM_QUOTA_BYTES }),
    ...(values.ROOM_WATERMARK_TEXT ? { watermark: { enabled: true, text: values.ROOM_WATERMARK_TEXT } } : {}),
  };
}

/**
 * Reads an `options` object of the routing file (`indexing`, `denyDownload`, `color`,
 * `quotaBytes`, `watermarkText`) with the variables' schemas; problems name the option.
 */
export function parseRoomOptions(raw: Record<string, unknown>): { options: RoomOptions; problems: string[] } {
  const problems: string[] = [];
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    const variable = (ROOM_OPTION_KEYS as Record<string, string>)[key];
    if (variable === undefined) {
      problems.push(`${key} is not a room option; use ${Object.keys(ROOM_OPTION_KEYS).join(', ')}`);
      continue;
    }
    if (value === null || value === undefined) continue;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      problems.push(`${key} must be a single value`);
      continue;
    }
    values[variable] = String(value);
  }
  const parsed = RoomOptionValues.safeParse(values);
  if (!parsed.success) {
    const byVariable = Object.fromEntries(Object.entries(ROOM_OPTION_KEYS).map(([k, v]) => [v, k]));
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0] ?? '');
      problems.push(`${byVariable[variable] ?? variable} ${issue.message.replace(/\.$/, '')}`);
    }
    return { options: {}, problems };
  }
  return { options: roomOptionsOf(parsed.data), problems };
}
