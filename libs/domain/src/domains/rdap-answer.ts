/**
 * Reading an RDAP domain answer (RFC 9083 §5.3, events §4.5): the registration's expiry is the event
 * whose `eventAction` is `expiration`, its `eventDate` an RFC 3339 instant. The registrar is the entity
 * with role `registrar` (§10.2.4), named by the `fn` of its jCard (RFC 7095).
 */
export type RdapReading =
  | { kind: 'expiry'; expiresAt: Date; registrar: string | null }
  | { kind: 'no_expiration'; registrar: string | null }
  | { kind: 'invalid'; error: string };

interface RdapEvent {
  eventAction?: unknown;
  eventDate?: unknown;
}

interface RdapEntity {
  roles?: unknown;
  vcardArray?: unknown;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

function registrarOf(entities: unknown): string | null {
  if (!Array.isArray(entities)) return null;
  for (const e of entities as RdapEntity[]) {
    if (!Array.isArray(e?.roles) || !e.roles.includes('registrar')) continue;
    const card = Array.isArray(e.vcardArray) ? (e.vcardArray[1] as unknown) : null;
    if (!Array.isArray(card)) continue;
    for (const prop of card as unknown[]) {
      if (Array.isArray(prop) && prop[0] === 'fn' && typeof prop[3] === 'string') return prop[3];
    }
  }
  return null;
}

/** `body` is the parsed JSON; `domain` the name asked for (the answer must be about that name). */
export function readRdapDomain(body: unknown, domain: string): RdapReading {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { kind: 'invalid', error: 'answer is not a JSON object' };
  const o = body as Record<string, unknown>;
  if (o.objectClassName !== 'domain')
    return {
      kind: 'invalid',
      error: `objectClassName is ${JSON.stringify(o.objectClassName)}, not "domain"`,
    };
  if (typeof o.ldhName !== 'string' || o.ldhName.toLowerCase().replace(/\.$/, '') !== domain)
    return { kind: 'invalid', error: `ldhName ${JSON.stringify(o.ldhName)} is not ${domain}` };
  const registrar = registrarOf(o.entities);
  if (o.events !== undefined && !Array.isArray(o.events))
    return { kind: 'invalid', error: 'events is not an array' };
  const expirations = ((o.events as RdapEvent[] | undefined) ?? []).filter(
    (e) => e?.eventAction === 'expiration',
  );
  if (expirations.length === 0) return { kind: 'no_expiration', registrar };
  if (expirations.length > 1) return { kind: 'invalid', error: 'more than one expiration event' };
  const date = expirations[0].eventDate;
  if (typeof date !== 'string' || !RFC3339.test(date) || Number.isNaN(Date.parse(date)))
    return {
      kind: 'invalid',
      error: `expiration eventDate ${JSON.stringify(date)} is not an RFC 3339 instant`,
    };
  return { kind: 'expiry', expiresAt: new Date(date), registrar };
}
