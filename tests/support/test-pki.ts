import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const OPENSSL = '/usr/bin/openssl';
/** A new P-256 key, unencrypted: what every certificate here is made with. */
const NEW_EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A throw-away CA and leaf certificates with exact validity windows (`openssl ca -startdate/-enddate`). */
export class TestPki {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'mpg-certs-'));
  readonly caFile = path.join(this.dir, 'ca.crt');
  private n = 0;

  constructor() {
    mkdirSync(path.join(this.dir, 'newcerts'));
    writeFileSync(path.join(this.dir, 'index.txt'), '');
    writeFileSync(path.join(this.dir, 'serial'), '1000\n');
    writeFileSync(
      path.join(this.dir, 'ca.cnf'),
      [
        '[ca]',
        'default_ca = test_ca',
        '[test_ca]',
        `dir = ${this.dir}`,
        'database = $dir/index.txt',
        'new_certs_dir = $dir/newcerts',
        'serial = $dir/serial',
        'certificate = $dir/ca.crt',
        'private_key = $dir/ca.key',
        'default_md = sha256',
        'policy = any',
        'unique_subject = no',
        'copy_extensions = none',
        '[any]',
        'commonName = supplied',
        '[leaf]',
        'basicConstraints = CA:FALSE',
        'keyUsage = digitalSignature',
        'extendedKeyUsage = serverAuth',
        'subjectAltName = $ENV::SAN',
        '',
      ].join('\n'),
    );
    this.openssl([
      'req',
      '-x509',
      ...NEW_EC_KEY,
      '-keyout',
      path.join(this.dir, 'ca.key'),
      '-out',
      this.caFile,
      '-subj',
      '/O=mp-guard tests/CN=mp-guard Test CA',
      '-days',
      '3650',
    ]);
  }

  private openssl(args: string[], env: Record<string, string> = {}) {
    execFileSync(OPENSSL, args, { stdio: 'pipe', env: { ...process.env, SAN: 'DNS:unused', ...env } });
  }

  /** The key and certificate written at `base` (.key, .crt). */
  private pair(base: string): { key: string; cert: string } {
    return { key: readFileSync(`${base}.key`, 'utf8'), cert: readFileSync(`${base}.crt`, 'utf8') };
  }

  /** A leaf for `names`, valid from `start` to `end` (UTC, YYYYMMDDHHMMSSZ), signed by the CA. */
  leaf(names: string[], start: string, end: string): { key: string; cert: string } {
    const base = path.join(this.dir, `leaf-${++this.n}`);
    this.openssl([
      'req',
      '-new',
      ...NEW_EC_KEY,
      '-keyout',
      `${base}.key`,
      '-out',
      `${base}.csr`,
      '-subj',
      `/CN=${names[0]}`,
    ]);
    this.openssl(
      [
        'ca',
        '-batch',
        '-config',
        path.join(this.dir, 'ca.cnf'),
        '-extensions',
        'leaf',
        '-notext',
        '-startdate',
        start,
        '-enddate',
        end,
        '-in',
        `${base}.csr`,
        '-out',
        `${base}.crt`,
      ],
      { SAN: names.map((n) => `DNS:${n}`).join(',') },
    );
    return this.pair(base);
  }

  /** A self-signed certificate: fine names and dates, but no trusted issuer. */
  selfSigned(name: string): { key: string; cert: string } {
    const base = path.join(this.dir, `self-${++this.n}`);
    this.openssl([
      'req',
      '-x509',
      ...NEW_EC_KEY,
      '-keyout',
      `${base}.key`,
      '-out',
      `${base}.crt`,
      '-subj',
      `/CN=${name}`,
      '-addext',
      `subjectAltName=DNS:${name}`,
      '-days',
      '365',
    ]);
    return this.pair(base);
  }
}
