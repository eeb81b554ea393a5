// The delivery baseline: pooled nodemailer with the app's transport options, sending already-composed mails
// (a slice of the JSON file) with as many in flight as a delivery worker has send lanes.
import { readFile } from 'node:fs/promises';
import { createTransport } from 'nodemailer';
import type { OutgoingMail } from '../../libs/mail/src/mail-transport.js';

const mails = (JSON.parse(await readFile(process.env.MAILS_FILE!, 'utf8')) as OutgoingMail[]).slice(
  Number(process.env.FROM),
  Number(process.env.TO),
);
const url = new URL(process.env.SMTP_URL!);
const transporter = createTransport({
  pool: true,
  host: url.hostname,
  port: Number(url.port),
  secure: false,
  maxConnections: Number(process.env.POOL ?? 5),
  maxMessages: 500,
  connectionTimeout: 20_000,
  greetingTimeout: 20_000,
  socketTimeout: 20_000,
  tls: { rejectUnauthorized: true },
  logger: false,
});
let next = 0;
let sent = 0;
const lanes = Array.from({ length: Number(process.env.LANES ?? 5) }, async () => {
  while (next < mails.length) {
    const mail = mails[next++];
    await transporter.sendMail({
      from: mail.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: mail.messageId,
      inReplyTo: mail.inReplyTo,
      references: mail.references,
      headers: mail.headers,
    });
    sent++;
  }
});
await Promise.all(lanes);
transporter.close();
process.stdout.write(JSON.stringify({ sent }) + '\n');
