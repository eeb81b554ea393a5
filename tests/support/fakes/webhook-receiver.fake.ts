import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  type Answer,
  jsonContentType,
  RobotFake,
  type RobotRequestSeen,
  type Scripted,
  utf8Length,
} from './robot-fake.js';

/**
 * A receiver verifying Standard Webhooks as standard-webhooks/standard-webhooks libraries/javascript
 * `Webhook.verify` does: headers webhook-id, webhook-timestamp (seconds, within 5 minutes of its clock) and
 * webhook-signature (space-separated `v1,<base64>`; one must equal base64(HMAC-SHA256(base64-decoded
 * whsec_ key, `${id}.${timestamp}.${raw body}`))). Answers 204; 401 for a bad signature; scripted: 429, 500,
 * 410 Gone (the endpoint was removed). `duplicates` counts ids received twice (a receiver drops them).
 */
export class FakeWebhookReceiver extends RobotFake {
  private key = Buffer.alloc(0);
  readonly path = '/hooks/mp-guard';
  duplicates = 0;

  withSecret(whsec: string): this {
    this.key = Buffer.from(whsec.replace(/^whsec_/, ''), 'base64');
    return this;
  }

  get url(): string {
    return `${this.baseUrl}${this.path}`;
  }

  protected check(req: RobotRequestSeen): Answer | null {
    const bad = (status: number, why: string): Answer => ({ status, body: JSON.stringify({ error: why }) });
    if (req.method !== 'POST' || req.path !== this.path) return bad(404, 'not found');
    const id = String(req.headers['webhook-id'] ?? '');
    const ts = String(req.headers['webhook-timestamp'] ?? '');
    const sigs = String(req.headers['webhook-signature'] ?? '');
    if (!id || !ts || !sigs) return bad(400, 'Missing required headers');
    const t = Number.parseInt(ts, 10);
    if (Number.isNaN(t) || Math.abs(this.now() / 1000 - t) > 300)
      return bad(400, 'Message timestamp too old or too new');
    if (!jsonContentType(req.headers)) return bad(400, 'content-type');
    if (utf8Length(req.raw) > 64 * 1024) return bad(413, 'too large');
    const expected = Buffer.from(
      createHmac('sha256', this.key).update(`${id}.${t}.${req.raw}`).digest('base64'),
    );
    const match = sigs.split(' ').some((vs) => {
      const [version, sig] = vs.split(',');
      const given = Buffer.from(sig ?? '');
      return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
    });
    if (!match) return bad(401, 'No matching signature found');
    if (this.received.some((r) => r.headers['webhook-id'] === id)) this.duplicates++;
    return null;
  }

  protected answer(kind: Scripted): Answer {
    switch (kind) {
      case 'ok':
        return { status: 204, body: '' };
      case 'rate_limit':
        return { status: 429, body: '' };
      case '5xx':
        return { status: 500, body: '' };
      case 'invalid_token':
        return { status: 410, body: '' };
    }
  }
}
