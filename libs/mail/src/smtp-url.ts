/** nodemailer options from an smtp:// or smtps:// URL; credentials stay out of anything that is logged. */
export interface SmtpTarget {
  host: string;
  port: number;
  secure: boolean;
  auth?: { user: string; pass: string };
  /** For logs and /health: no password. */
  display: string;
}

export function parseSmtpUrl(url: string): SmtpTarget {
  const u = new URL(url);
  const secure = u.protocol === 'smtps:';
  const port = u.port ? Number(u.port) : secure ? 465 : 587;
  const user = decodeURIComponent(u.username);
  const pass = decodeURIComponent(u.password);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    secure,
    ...(user ? { auth: { user, pass } } : {}),
    display: `${u.protocol}//${user ? `${user}@` : ''}${u.hostname}:${port}`,
  };
}
