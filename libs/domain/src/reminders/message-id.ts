/** A Message-ID is `<left@right>`; both sides here come from our own ids and configured mail domain. */
const ID_PART = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const DOMAIN =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

function requireParts(id: string, domain: string): void {
  if (!ID_PART.test(id)) throw new RangeError(`not usable in a Message-ID: ${JSON.stringify(id)}`);
  if (!DOMAIN.test(domain)) throw new RangeError(`not a mail domain: ${JSON.stringify(domain)}`);
}

/**
 * The Message-ID of one notification. Derived from its id, never random, so a retry after a crash
 * mid-send carries the same id and receiving servers and clients can drop the duplicate.
 */
export function messageIdFor(notificationId: string, domain: string): string {
  requireParts(notificationId, domain);
  return `<notification-${notificationId}@${domain}>`;
}

export interface ThreadHeaders {
  inReplyTo: string | undefined;
  references: string[] | undefined;
}

/**
 * A thread's root is its first mail actually sent (for a reminder: the first of the cycle to that person).
 * The root answers nothing; every later mail answers it in In-Reply-To and References, so mail clients
 * group them, and never point at a mail that was not received.
 */
export function threadHeaders(messageId: string, rootMessageId: string | null): ThreadHeaders {
  return rootMessageId && rootMessageId !== messageId
    ? { inReplyTo: rootMessageId, references: [rootMessageId] }
    : { inReplyTo: undefined, references: undefined };
}

/**
 * Text that is safe inside a mail header: control characters (CR and LF included), Unicode line and
 * paragraph separators, the byte-order mark and bidirectional controls become spaces, and runs
 * of white space collapse to one. No value can start a new header line.
 */
export function headerSafe(text: string): string {
  return text
    .replace(/[\p{Cc}\p{Zl}\p{Zp}\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}
