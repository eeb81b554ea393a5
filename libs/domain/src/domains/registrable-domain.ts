/**
 * Second-level names under .cn that CNNIC registers names beneath (com.cn, net.cn, org.cn, gov.cn and the
 * others CNNIC lists as category domains): `api.example.com.cn` is registered as `example.com.cn`.
 * This is not the whole Public Suffix List: other multi-label suffixes (co.uk, the provincial bj.cn …)
 * are taken as ordinary names, so `a.b.bj.cn` gives `b.bj.cn`. The owner can still enter the date by hand.
 */
export const TWO_LABEL_SUFFIXES: ReadonlySet<string> = new Set([
  'com.cn',
  'net.cn',
  'org.cn',
  'gov.cn',
  'edu.cn',
  'ac.cn',
]);

/**
 * The name a registrar registers for a server domain (lowercase, canonical hostnames only):
 * `api.example.com` → `example.com`, `img.shop.example.com.cn` → `example.com.cn`. Null when the name is
 * itself a suffix (`com.cn`) or has one label.
 */
export function registrableDomain(hostname: string): string | null {
  const labels = hostname.toLowerCase().replace(/\.$/, '').split('.');
  if (labels.length < 2 || labels.some((l) => l.length === 0)) return null;
  const lastTwo = labels.slice(-2).join('.');
  const take = TWO_LABEL_SUFFIXES.has(lastTwo) ? 3 : 2;
  if (labels.length < take) return null;
  return labels.slice(-take).join('.');
}

/** The top-level domain whose RDAP server answers for a registrable domain. */
export function topLevelDomain(domain: string): string {
  return domain.split('.').at(-1)!;
}
