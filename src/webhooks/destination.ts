import { isIP } from 'node:net';

/** Is an IPv4 address inside a CIDR range? */
function inRange(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  if (isIP(base) !== 4 || isIP(ip) !== 4) return false;
  const bits = Number(bitsText);
  const toInt = (a: string) => a.split('.').reduce((n, part) => (n << 8) + Number(part), 0) >>> 0;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (toInt(ip) & mask) === (toInt(base) & mask);
}

export type DestinationVerdict = { ok: true; url: URL } | { ok: false; reason: string };

/**
 * A webhook destination must be an http(s) URL whose host the operator allowed
 * (SIM_WEBHOOK_ALLOW: host names, IP addresses or IPv4 ranges). Checked when a
 * hook is saved and again at every delivery.
 */
export function checkDestination(raw: string, allow: readonly string[]): DestinationVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'is not a URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: 'must be an http or https URL' };
  if (url.username || url.password) return { ok: false, reason: 'must not carry credentials' };
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const allowed = allow.some((entry) => {
    const e = entry.toLowerCase();
    return e === host || (e.includes('/') && inRange(host, e)) || (e.startsWith('*.') && host.endsWith(e.slice(1)));
  });
  return allowed ? { ok: true, url } : { ok: false, reason: `host ${host} is not in the operator's allow list (SIM_WEBHOOK_ALLOW)` };
}
