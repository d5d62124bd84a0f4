import { describe, expect, it } from 'vitest';
import { parseByteSize } from './byte-size';

describe('parseByteSize', () => {
  it.each([
    ['1048576', 1_048_576],
    ['512kb', 512 * 1024],
    ['1mb', 1_048_576],
    ['1 MiB', 1_048_576],
    ['1.5m', 1_572_864],
    ['2GB', 2 * 1024 ** 3],
  ])('reads %s', (text, bytes) => {
    expect(parseByteSize(text)).toBe(bytes);
  });

  it.each(['', 'lots', '-1mb', '1 parsec', '1e6'])('refuses %j', (text) => {
    expect(parseByteSize(text)).toBeUndefined();
  });
});
