/**
 * Whether a certificate's DNS names cover a host, by the rules browsers and WeChat apply (RFC 6125 §6.4):
 * names compare case-insensitively, a wildcard stands for exactly one whole left-most label, so
 * `*.example.cn` covers `api.example.cn` but neither `a.b.example.cn` nor `example.cn`. Partial-label
 * wildcards (`a*.example.cn`) and wildcards over a public suffix with one label (`*.cn`) cover nothing.
 */
export function certificateCovers(names: readonly string[], host: string): boolean {
  const target = host.toLowerCase().replace(/\.$/, '');
  return names.some((raw) => nameCovers(raw.toLowerCase().replace(/\.$/, ''), target));
}

function nameCovers(name: string, host: string): boolean {
  if (!name.startsWith('*.')) return !name.includes('*') && name === host;
  const suffix = name.slice(2);
  if (suffix.includes('*') || !suffix.includes('.')) return false;
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot + 1) === suffix;
}

/**
 * The DNS names of a certificate as Node reports them: the `subjectAltName` DNS entries
 * ("DNS:api.example.cn, DNS:*.example.cn, IP Address:10.0.0.1"), or the subject CN only when the
 * certificate has no DNS alt names at all.
 */
export function certificateNames(
  subjectAltName: string | undefined,
  commonName: string | undefined,
): string[] {
  const dns = (subjectAltName ?? '')
    .split(/,\s*/)
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice(4).trim())
    .filter((n) => n.length > 0);
  if (dns.length > 0) return dns;
  return commonName ? [commonName] : [];
}
