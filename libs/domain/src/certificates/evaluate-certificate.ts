import { completeCycle, type DeadlineCycle } from '../deadlines/deadline-cycle.js';
import type { Ladder } from '../reminders/ladder.js';
import { addDays, daysBetween, type LocalDate } from '../time/local-date.js';
import { localDateOf } from '../time/time-zone.js';
import { certificateCovers } from './certificate-names.js';

/** Most severe first: the order in which a check's findings are listed and the first one is its finding. */
export const CERTIFICATE_FINDINGS = [
  'expired',
  'wrong_name',
  'chain_invalid',
  'unreachable',
  'timeout',
  'tls_error',
  // The name resolves to a loopback, private or otherwise non-public address: refused, never contacted.
  'private_address',
] as const;
export type CertificateFinding = (typeof CERTIFICATE_FINDINGS)[number];

export const PROBE_OUTCOMES = [
  'certificate',
  'unreachable',
  'timeout',
  'tls_error',
  'private_address',
] as const;
export type ProbeOutcome = (typeof PROBE_OUTCOMES)[number];

/** What the server presented for the domain (SNI = the domain). */
export interface PresentedCertificate {
  notBefore: Date;
  notAfter: Date;
  issuer: string;
  subject: string;
  /** DNS names it covers (alt names, else the subject CN). */
  names: string[];
  fingerprint: string;
  /** The chain up to a trusted root verifies; the validity window is judged by the clock, not here. */
  chainValid: boolean;
  chainError: string | null;
  protocol: string | null;
}

export type ProbeResult =
  | { outcome: 'certificate'; certificate: PresentedCertificate }
  | { outcome: Exclude<ProbeOutcome, 'certificate'>; error: string };

export interface CertificateEvaluation {
  /** Most severe first; empty when the certificate is fine (an approaching expiry is the deadline's job). */
  findings: CertificateFinding[];
  finding: CertificateFinding | null;
  /** Days from today (org-local) to the due date; negative once expired. Null without a certificate. */
  daysLeft: number | null;
  /** The cycle the deadline must match, or null: keep the existing deadline as it is (nothing was seen). */
  cycle: DeadlineCycle | null;
}

/** Renewal can start 30 days before expiry (ACME clients renew a third of the lifetime before it ends). */
export const CERTIFICATE_WINDOW_DAYS = 30;
/** Deploy a week before expiry at the latest: a replaced certificate still has to reach every server. */
export const CERTIFICATE_APPLY_DAYS = 7;

/**
 * The reminder ladder of certificate deadlines. Short, because certificates renew every few weeks
 * (public lifetimes shrink toward 47 days): the default 90-day ladder would mail on every renewal.
 */
export const CERTIFICATE_LADDER: Readonly<Ladder> = Object.freeze([
  { code: 'd-14', offsetDays: -14, roles: ['operator'] },
  { code: 'd-7', offsetDays: -7, roles: ['operator', 'manager'] },
  { code: 'd-2', offsetDays: -2, roles: ['operator', 'manager', 'executive'] },
  { code: 'due', offsetDays: 0, roles: ['operator', 'manager', 'executive', 'legal'] },
  {
    code: 'overdue',
    offsetDays: 1,
    roles: ['operator', 'manager', 'executive', 'legal'],
    repeatEveryDays: 7,
  },
]);

export const certificateSubjectKey = (domain: string) => `tls:${domain}`;

const TITLES = {
  'zh-CN': (domain: string) => `${domain} 的 TLS 证书`,
  en: (domain: string) => `TLS certificate of ${domain}`,
};

/**
 * One certificate-expiry cycle: due on the org-local date of the certificate's notAfter, keyed by the
 * notAfter instant, so a renewed certificate (a new notAfter) is a new cycle and the same one is not.
 */
export function certificateCycle(
  domain: string,
  notAfter: Date,
  timeZone: string,
  locale: 'zh-CN' | 'en',
): DeadlineCycle {
  const due = localDateOf(notAfter, timeZone);
  return completeCycle(
    {
      kind: 'certificate_expiry',
      subjectKey: certificateSubjectKey(domain),
      requirementCode: null,
      dueDate: due,
      cycleKey: notAfter.toISOString(),
      title: TITLES[locale](domain),
    },
    addDays(due, -CERTIFICATE_WINDOW_DAYS),
    { date: addDays(due, -CERTIFICATE_APPLY_DAYS), basis: 'official-calendar' },
  );
}

/**
 * Turns one probe of one domain into findings and the deadline cycle to keep in step. An expired or
 * wrong-name certificate still sets the cycle (an expired one is simply overdue); an unreachable host,
 * a timeout or a failed handshake shows nothing new, so the existing deadline stays as it is.
 */
export function evaluateCertificate(
  probe: ProbeResult,
  domain: string,
  now: Date,
  timeZone: string,
  locale: 'zh-CN' | 'en' = 'zh-CN',
): CertificateEvaluation {
  if (probe.outcome !== 'certificate') {
    return { findings: [probe.outcome], finding: probe.outcome, daysLeft: null, cycle: null };
  }
  const cert = probe.certificate;
  const findings: CertificateFinding[] = [];
  if (now.getTime() >= cert.notAfter.getTime()) findings.push('expired');
  if (!certificateCovers(cert.names, domain)) findings.push('wrong_name');
  if (!cert.chainValid) findings.push('chain_invalid');
  const cycle = certificateCycle(domain, cert.notAfter, timeZone, locale);
  const today: LocalDate = localDateOf(now, timeZone);
  return { findings, finding: findings[0] ?? null, daysLeft: daysBetween(today, cycle.dueDate), cycle };
}
