/** Comma-separated values, trimmed, blanks dropped: `a, b,` is `['a', 'b']`. */
export function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}
