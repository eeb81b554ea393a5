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

/**
 * The Message-ID of a thread root that is never sent: every mail of one deadline cycle points at it in
 * In-Reply-To and References, so mail clients show the escalation as one conversation without needing
 * the previous mails to have arrived.
 */
export function threadRootIdFor(deadlineId: string, domain: string): string {
  requireParts(deadlineId, domain);
  return `<deadline-${deadlineId}@${domain}>`;
}

export interface ThreadHeaders {
  messageId: string;
  inReplyTo: string;
  references: string;
}

/** The three identity headers of a reminder mail. */
export function threadHeadersFor(notificationId: string, deadlineId: string, domain: string): ThreadHeaders {
  const root = threadRootIdFor(deadlineId, domain);
  return { messageId: messageIdFor(notificationId, domain), inReplyTo: root, references: root };
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
