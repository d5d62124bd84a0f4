/** The longest title DocSpace accepts when creating each kind of entry (`[StringLength]`). */
export const TITLE_LIMITS = { room: 170, folder: 165 } as const;

/**
 * Characters the server replaces with `_` (`Global.ReplaceInvalidCharsAndTruncate`). There is no
 * `u` flag on purpose: like .NET, it matches UTF-16 code units, so each half of a surrogate pair
 * (an emoji, say) becomes its own `_`.
 */
const INVALID_TITLE_CHARS = /[\t*+:"<>?|\\/\uD800-\uDFFF]/g;

/** .NET `char.IsWhiteSpace`, which `string.Trim()` uses: unlike JS it trims U+0085 but not U+FEFF. */
const WS = '\\t\\n\\v\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';
const LEADING_WS = new RegExp(`^[${WS}]+`);
const TRAILING_WS = new RegExp(`[${WS}]+$`);

/**
 * The title DocSpace will store for `title`. The server trims and replaces invalid characters
 * but refuses (400) titles over the limit instead of shortening them, so we shorten first. The
 * result is a fixed point of the server's own rules, which is what makes exact-title lookups work:
 * the title we send is the title we get back. An empty result means the server would refuse it.
 */
export function sanitizeTitle(title: string, kind: 'room' | 'folder'): string {
  let out = title.replace(LEADING_WS, '').replace(TRAILING_WS, '');
  const limit = TITLE_LIMITS[kind];
  // A cut can leave trailing whitespace that the server would trim again; trim it ourselves.
  if (out.length > limit) out = out.slice(0, limit).replace(TRAILING_WS, '');
  return out.replace(INVALID_TITLE_CHARS, '_');
}
