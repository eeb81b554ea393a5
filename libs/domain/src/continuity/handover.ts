import { daysBetween } from '../time/index.js';
import { type AssetHolder, type AssetKind, ASSET_KINDS, secretLikeContent } from './assets.js';
import { RECOVERY_STEPS } from './continuity-alert.js';

export type HandoverLocale = 'zh-CN' | 'en';
export type VendorStatus = 'active' | 'unresponsive' | 'ceased';

/** An open deadline with its checklist, as the checklist export reads it (already localized). */
export interface HandoverDeadline {
  requirementName: string;
  kind: string;
  dueOn: string;
  actBy: string;
  daysLeft: number;
  state: string;
  whoMustAct: string;
  documents: { text: string; onFile?: boolean | null }[];
  steps: { text: string; actor?: string }[];
  consequence: string | null;
  sourceUrl: string | null;
}

export interface HandoverContact {
  name: string;
  role: string;
  email: string;
}

/** Everything the pack is composed from, as plain values read by the caller. */
export interface HandoverInput {
  organizationName: string;
  timeZone: string;
  generatedAt: Date;
  /** The organization's local date at `generatedAt`. */
  today: string;
  miniProgram: {
    name: string;
    appId: string;
    ownerName: string;
    ownerCreditCode: string;
    serviceCategories: string[];
    certificationExpiresOn: string | null;
    icpFilingNumber: string | null;
    serverDomains: string[];
  };
  vendor: {
    name: string;
    status: VendorStatus;
    /** Local date the status took effect. */
    since: string;
    reason: string | null;
    evidence: string | null;
    contractEndsOn: string | null;
  } | null;
  /** Live deadlines of any kind with their subject key; `certificate_expiry` ones keyed `tls:<domain>` are used. */
  subjectDeadlines: { kind: string; subjectKey: string; dueOn: string }[];
  assets: {
    kind: AssetKind;
    holder: AssetHolder;
    location: string | null;
    notes: string | null;
    lastVerifiedOn: string | null;
  }[];
  deadlines: HandoverDeadline[];
  qualifications: {
    code: string;
    /** Localized catalogue name, or the code when the catalogue does not know it. */
    name: string;
    number: string | null;
    issuer: string | null;
    issuedOn: string | null;
    expiresOn: string | null;
    originalHeldBy: 'owner' | 'vendor' | 'third_party';
  }[];
  ownerContacts: HandoverContact[];
  vendorContacts: HandoverContact[];
}

export interface HandoverAsset {
  kind: AssetKind;
  holder: AssetHolder;
  location: string | null;
  notes: string | null;
  lastVerifiedOn: string | null;
  /** How to get it back without the vendor; set when the vendor holds it or nobody knows who does. */
  recovery: string | null;
}

export interface HandoverPack {
  locale: HandoverLocale;
  organizationName: string;
  timeZone: string;
  generatedAt: Date;
  facts: HandoverInput['miniProgram'];
  vendor: HandoverInput['vendor'];
  domains: { domain: string; certificateExpiresOn: string | null; daysLeft: number | null }[];
  assets: HandoverAsset[];
  /** Asset kinds the register says nothing about, in register order. */
  unrecorded: AssetKind[];
  deadlines: HandoverDeadline[];
  qualifications: HandoverInput['qualifications'];
  ownerContacts: HandoverContact[];
  vendorContacts: HandoverContact[];
  /** How many values were left out because they look like keys (the register refuses them; older rows may not). */
  withheld: number;
}

export const WITHHELD_TEXT: Record<HandoverLocale, string> = {
  'zh-CN': '〔已隐去：内容疑似密钥〕',
  en: '[withheld: looks like a secret]',
};

/** Contacts in the order the escalation ladder reaches them. */
const ROLE_ORDER: Record<string, number> = { operator: 0, manager: 1, executive: 2, legal: 3 };
const HOLDER_ORDER: Record<AssetHolder, number> = { vendor: 0, unknown: 1, third_party: 2, owner: 3 };

/**
 * The handover pack of one mini-program: what a replacement vendor needs, composed from plain values.
 * It is the one place a pack's content is decided, and it holds no secret: every free-text value that
 * looks like a key is replaced by a notice, even though the register refuses such values on input, so a
 * row written before that rule (or straight into the database) cannot leak through an export.
 */
export function composeHandover(input: HandoverInput, locale: HandoverLocale): HandoverPack {
  let withheld = 0;
  const safe = <T extends string | null>(text: T): T => {
    if (text === null || secretLikeContent(text) === null) return text;
    withheld++;
    return WITHHELD_TEXT[locale] as T;
  };

  const certificates = new Map<string, string>();
  for (const d of input.subjectDeadlines) {
    if (d.kind !== 'certificate_expiry' || !d.subjectKey.startsWith('tls:')) continue;
    const domain = d.subjectKey.slice(4).toLowerCase();
    const known = certificates.get(domain);
    if (known === undefined || d.dueOn < known) certificates.set(domain, d.dueOn);
  }
  const domainNames = [...new Set(input.miniProgram.serverDomains.map((d) => d.toLowerCase()))];
  for (const domain of [...certificates.keys()].sort())
    if (!domainNames.includes(domain)) domainNames.push(domain);

  const assets = [...input.assets]
    .sort(
      (a, b) =>
        HOLDER_ORDER[a.holder] - HOLDER_ORDER[b.holder] ||
        ASSET_KINDS.indexOf(a.kind) - ASSET_KINDS.indexOf(b.kind) ||
        (a.location ?? '').localeCompare(b.location ?? ''),
    )
    .map((a): HandoverAsset => ({
      kind: a.kind,
      holder: a.holder,
      location: safe(a.location),
      notes: safe(a.notes),
      lastVerifiedOn: a.lastVerifiedOn,
      recovery: a.holder === 'vendor' || a.holder === 'unknown' ? RECOVERY_STEPS[a.kind][locale] : null,
    }));
  const recorded = new Set(input.assets.map((a) => a.kind));
  const contact = (c: HandoverContact): HandoverContact => ({
    name: safe(c.name),
    role: c.role,
    email: safe(c.email),
  });
  const byRole = (a: HandoverContact, b: HandoverContact) =>
    (ROLE_ORDER[a.role] ?? 9) - (ROLE_ORDER[b.role] ?? 9) ||
    a.name.localeCompare(b.name) ||
    a.email.localeCompare(b.email);

  const pack: Omit<HandoverPack, 'withheld'> = {
    locale,
    organizationName: safe(input.organizationName),
    timeZone: input.timeZone,
    generatedAt: input.generatedAt,
    facts: {
      ...input.miniProgram,
      name: safe(input.miniProgram.name),
      ownerName: safe(input.miniProgram.ownerName),
      serviceCategories: [...input.miniProgram.serviceCategories],
      serverDomains: [...input.miniProgram.serverDomains],
    },
    vendor: input.vendor && {
      ...input.vendor,
      name: safe(input.vendor.name),
      reason: safe(input.vendor.reason),
      evidence: safe(input.vendor.evidence),
    },
    domains: domainNames.map((domain) => {
      const due = certificates.get(domain) ?? null;
      return {
        domain,
        certificateExpiresOn: due,
        daysLeft: due === null ? null : daysBetween(input.today, due),
      };
    }),
    assets,
    unrecorded: ASSET_KINDS.filter((k) => !recorded.has(k)),
    deadlines: input.deadlines.map((d) => ({
      ...d,
      requirementName: safe(d.requirementName),
      whoMustAct: safe(d.whoMustAct),
    })),
    qualifications: [...input.qualifications]
      .sort((a, b) => a.code.localeCompare(b.code) || (a.expiresOn ?? '').localeCompare(b.expiresOn ?? ''))
      .map((q) => ({ ...q, number: safe(q.number), issuer: safe(q.issuer) })),
    ownerContacts: input.ownerContacts.map(contact).sort(byRole),
    vendorContacts: input.vendorContacts.map(contact).sort(byRole),
  };
  return { ...pack, withheld };
}
