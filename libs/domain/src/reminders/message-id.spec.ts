import { describe, expect, it } from '@jest/globals';
import { headerSafe, messageIdFor, threadHeaders } from './message-id.js';

describe('message identity', () => {
  const notificationId = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

  it('gives a notification the same Message-ID every time, so a retry is recognisably the same mail', () => {
    expect(messageIdFor(notificationId, 'mp-guard.example.cn')).toBe(
      '<notification-7c9e6679-7425-40de-944b-e07fc1f90ae7@mp-guard.example.cn>',
    );
    expect(messageIdFor(notificationId, 'mp-guard.example.cn')).toBe(
      messageIdFor(notificationId, 'mp-guard.example.cn'),
    );
  });

  it('threads a later mail under the first one sent, and leaves the first answering nothing', () => {
    const root = '<notification-aaaa@localhost>';
    expect(threadHeaders(root, root)).toEqual({ inReplyTo: undefined, references: undefined });
    expect(threadHeaders('<notification-bbbb@localhost>', null)).toEqual({
      inReplyTo: undefined,
      references: undefined,
    });
    expect(threadHeaders('<notification-bbbb@localhost>', root)).toEqual({
      inReplyTo: root,
      references: [root],
    });
  });

  it.each([
    ['a\r\nBcc: x@evil.example', 'example.com'],
    ['a>b', 'example.com'],
    ['', 'example.com'],
    ['ok', 'exa mple.com'],
    ['ok', 'example.com>\r\nX: y'],
    ['ok', ''],
  ])('refuses id %p with domain %p', (id, domain) => {
    expect(() => messageIdFor(id, domain)).toThrow(RangeError);
  });
});

describe('headerSafe', () => {
  it.each([
    ['plain', 'plain'],
    ['康宁互联网医院', '康宁互联网医院'],
    ['A\r\nBcc: victim@example.com', 'A Bcc: victim@example.com'],
    ['A\rB\nC', 'A B C'],
    ['tab\there', 'tab here'],
    ['  many   spaces  ', 'many spaces'],
    ['nul\u0000bell\u0007del\u007f', 'nul bell del'],
    ['next\u0085line', 'next line'],
    ['line\u2028para\u2029end', 'line para end'],
    ['bidi\u202Eevil', 'bidi evil'],
    ['emoji 👩‍💻 stays', 'emoji 👩‍💻 stays'],
  ])('%p -> %p', (input, expected) => {
    expect(headerSafe(input)).toBe(expected);
  });
});
