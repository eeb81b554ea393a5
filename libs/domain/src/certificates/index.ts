export { certificateCovers, certificateNames } from './certificate-names.js';
export {
  CERTIFICATE_APPLY_DAYS,
  CERTIFICATE_FINDINGS,
  CERTIFICATE_LADDER,
  CERTIFICATE_WINDOW_DAYS,
  certificateCycle,
  certificateSubjectKey,
  evaluateCertificate,
  PROBE_OUTCOMES,
  type CertificateEvaluation,
  type CertificateFinding,
  type PresentedCertificate,
  type ProbeOutcome,
  type ProbeResult,
} from './evaluate-certificate.js';
