import type request from 'supertest';

/**
 * A cookie jar over supertest: what a browser keeps between requests (session and pre-session cookies,
 * the last form's CSRF token), without a browser, for tests that make many requests.
 */
export class ConsoleSession {
  readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(private readonly http: () => ReturnType<typeof request>) {}

  private store(res: { headers: Record<string, unknown> }) {
    for (const line of (res.headers['set-cookie'] as string[] | undefined) ?? []) {
      const [pair] = line.split(';');
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      if (/Max-Age=0/.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(path: string) {
    const res = await this.http().get(path).set('Cookie', this.header()).redirects(0);
    this.store(res);
    const token = /name="_csrf" value="([^"]+)"/.exec(res.text ?? '');
    if (token) this.csrf = token[1];
    return res;
  }

  async post(path: string, form: Record<string, string>, withToken = true) {
    const res = await this.http()
      .post(path)
      .set('Cookie', this.header())
      .type('form')
      .send(withToken ? { _csrf: this.csrf, ...form } : form)
      .redirects(0);
    this.store(res);
    return res;
  }

  /** Signs in and keeps the session's CSRF token (read from the overview's forms). */
  async signIn(email: string, password: string): Promise<this> {
    await this.get('/console/sign-in');
    const res = await this.post('/console/sign-in', { email, password, next: '/console' });
    if (res.status !== 303) throw new Error(`sign-in of ${email} answered ${res.status}`);
    await this.get('/console');
    return this;
  }
}
