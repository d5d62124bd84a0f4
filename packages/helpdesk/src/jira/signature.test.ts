import { describe, expect, it } from 'vitest';
import { signJira, verifyJiraSignature } from './signature';

// Atlassian's docs vector, recomputed in the reference.
const VECTOR = {
  secret: "It's a Secret to Everybody",
  body: 'Hello World!',
  header: 'sha256=a4771c39fbe90f317c7824e83ddef3caae9cb3d976c214ace1f2937e133263c9',
};

describe('Jira signatures', () => {
  it('reproduces the docs vector', () => {
    expect(signJira(VECTOR.body, VECTOR.secret)).toBe(VECTOR.header);
    expect(verifyJiraSignature(Buffer.from(VECTOR.body), VECTOR.header, [VECTOR.secret])).toBe('valid');
  });

  it('accepts upper-case hex and any of several secrets', () => {
    const upper = `sha256=${VECTOR.header.slice(7).toUpperCase()}`;
    expect(verifyJiraSignature(Buffer.from(VECTOR.body), upper, ['other', VECTOR.secret])).toBe('valid');
  });

  it('tells an unknown method apart from a wrong signature', () => {
    expect(verifyJiraSignature(Buffer.from(VECTOR.body), 'sha1=abc', [VECTOR.secret])).toBe('unsupported-method');
    expect(verifyJiraSignature(Buffer.from(VECTOR.body), 'a4771c39fbe9', [VECTOR.secret])).toBe('invalid');
    expect(verifyJiraSignature(Buffer.from('Hello World?'), VECTOR.header, [VECTOR.secret])).toBe('invalid');
    expect(verifyJiraSignature(Buffer.from(VECTOR.body), VECTOR.header, ['wrong'])).toBe('invalid');
  });
});
