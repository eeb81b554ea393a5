import { DomainError } from './domain.error.js';

/**
 * The raw body of a CSV upload. Only `text/csv` requests reach a handler as a Buffer (the raw body parser
 * is registered for that type alone), so anything else is a 400 that names the Content-Type it got.
 */
export function csvBody(contentType: string | undefined, body: unknown): Buffer {
  if (Buffer.isBuffer(body)) return body;
  throw DomainError.invalid([
    {
      field: 'Content-Type',
      rule: `must be text/csv (got ${contentType ? contentType.split(';')[0] : 'none'})`,
    },
  ]);
}
