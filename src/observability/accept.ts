import { AppError } from '../common/errors';

/**
 * Whether an `Accept` header admits a media type (RFC 9110 §12.5.1): the most
 * specific range that matches it decides (`type/subtype` over `type/*` over
 * `*\/*`), and `q=0` refuses. No header, or one with no media range in it,
 * admits anything.
 */
export function accepts(header: string | string[] | undefined, type: string): boolean {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value === undefined) return true;
  const [major, minor] = type.toLowerCase().split('/');
  let ranges = 0;
  let best = -1;
  let quality = 0;
  for (const part of value.split(',')) {
    const [range, ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    const [m, s, extra] = (range ?? '').split('/');
    if (!m || !s || extra !== undefined) continue;
    ranges++;
    const specificity = m === major && s === minor ? 2 : m === major && s === '*' ? 1 : m === '*' && s === '*' ? 0 : -1;
    if (specificity < 0 || specificity < best) continue;
    const q = params.find((p) => /^q\s*=/.test(p));
    const parsed = q === undefined ? 1 : Number(q.slice(q.indexOf('=') + 1).trim());
    const weight = Number.isFinite(parsed) ? parsed : 1;
    quality = specificity > best ? weight : Math.max(quality, weight);
    best = specificity;
  }
  return ranges === 0 || (best >= 0 && quality > 0);
}

/** Refuses (406 `not_acceptable`) a request whose `Accept` admits not one of the types this route answers. */
export function assertAcceptable(header: string | string[] | undefined, type: string): void {
  if (accepts(header, type)) return;
  const sent = Array.isArray(header) ? header.join(', ') : String(header);
  throw new AppError('not_acceptable', `This route answers ${type} only, which the Accept header (${sent.slice(0, 200)}) does not admit.`, {
    accept: sent.slice(0, 500),
    available: [type],
  });
}
