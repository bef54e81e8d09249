import { AppError, FieldError } from '../errors';

export type FilterKind =
  | { kind: 'int' }
  | { kind: 'ints' }
  | { kind: 'string'; maxLength?: number }
  | { kind: 'bool' }
  | { kind: 'date' }
  | { kind: 'enum'; values: readonly string[] };

export interface ListSpec<F extends string = string, S extends string = string> {
  filters: Record<F, FilterKind>;
  sorts: readonly S[];
  defaultSort: S | `-${S}`;
}

export type FilterValue = number | number[] | string | boolean;

export interface ListQuery<F extends string = string, S extends string = string> {
  page: number;
  perPage: number;
  filters: Partial<Record<F, FilterValue>>;
  sort: { field: S; direction: 'ASC' | 'DESC' };
}

export const DEFAULT_PER_PAGE = 100;
export const MAX_PER_PAGE = 1000;
const INT = /^-?\d{1,15}$/;
/** Filters on ids compare with integer columns; a larger value would make PostgreSQL fail the query. */
const MAX_ID = 2_147_483_647;

function positiveInt(raw: unknown, field: string, min: number, max: number, fallback: number, errors: FieldError[]): number {
  if (raw === undefined || raw === '') return fallback;
  if (typeof raw !== 'string' || !INT.test(raw)) {
    errors.push({ field, message: `must be an integer between ${min} and ${max}` });
    return fallback;
  }
  const value = Number(raw);
  if (value < min || value > max) errors.push({ field, message: `must be an integer between ${min} and ${max}` });
  return value;
}

function parseFilter(name: string, raw: unknown, kind: FilterKind, errors: FieldError[]): FilterValue | undefined {
  const field = `filters[${name}]`;
  const fail = (message: string): undefined => {
    errors.push({ field, message });
    return undefined;
  };
  if (kind.kind === 'ints') {
    const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : null;
    if (!list || list.length === 0 || list.length > 1000) return fail('must be a list of 1 to 1000 integer ids');
    const ids = list.map((v) => (typeof v === 'string' && INT.test(v.trim()) ? Number(v) : NaN));
    return ids.some((n) => !Number.isSafeInteger(n) || n < 1 || n > MAX_ID) ? fail('must be a list of positive integer ids') : ids;
  }
  if (typeof raw !== 'string') return fail('must be a single value');
  switch (kind.kind) {
    case 'int':
      return INT.test(raw) && Number(raw) > 0 && Number(raw) <= MAX_ID ? Number(raw) : fail(`must be an integer between 1 and ${MAX_ID}`);
    case 'bool':
      return raw === 'true' ? true : raw === 'false' ? false : fail('must be true or false');
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(raw) && !Number.isNaN(Date.parse(raw)) ? raw : fail('must be a date YYYY-MM-DD');
    case 'enum':
      return kind.values.includes(raw) ? raw : fail(`must be one of ${kind.values.join(', ')}`);
    case 'string':
      if (raw.includes('\u0000')) return fail('must not contain NUL (%00) characters');
      return raw.length <= (kind.maxLength ?? 255) ? raw : fail(`must be at most ${kind.maxLength ?? 255} characters`);
  }
}

/**
 * Reads `page`, `per_page`, `filters[...]` and `sort` from a parsed (bracket)
 * query string. Unknown filters or sort fields and out-of-range paging answer 422.
 */
export function parseListQuery<F extends string, S extends string>(
  query: Record<string, unknown>,
  spec: ListSpec<F, S>,
): ListQuery<F, S> {
  const errors: FieldError[] = [];
  const page = positiveInt(query.page, 'page', 1, 1_000_000, 1, errors);
  const perPage = positiveInt(query.per_page, 'per_page', 1, MAX_PER_PAGE, DEFAULT_PER_PAGE, errors);
  const filters: Partial<Record<F, FilterValue>> = {};
  const rawFilters = query.filters;
  if (rawFilters !== undefined) {
    if (typeof rawFilters !== 'object' || rawFilters === null || Array.isArray(rawFilters)) {
      errors.push({ field: 'filters', message: 'must be given as filters[name]=value' });
    } else {
      for (const [name, raw] of Object.entries(rawFilters as Record<string, unknown>)) {
        const kind = (spec.filters as Record<string, FilterKind>)[name];
        if (!kind) {
          const known = Object.keys(spec.filters);
          errors.push({ field: `filters[${name}]`, message: `is not a known filter (known: ${known.join(', ') || 'none'})` });
          continue;
        }
        const value = parseFilter(name, raw, kind, errors);
        if (value !== undefined) filters[name as F] = value;
      }
    }
  }
  const rawSort = query.sort ?? spec.defaultSort;
  let sort: ListQuery<F, S>['sort'] = { field: spec.sorts[0], direction: 'ASC' };
  if (typeof rawSort !== 'string') {
    errors.push({ field: 'sort', message: 'must be a single field name' });
  } else {
    const desc = rawSort.startsWith('-');
    const field = (desc ? rawSort.slice(1) : rawSort) as S;
    if (!spec.sorts.includes(field)) {
      errors.push({ field: 'sort', message: `must be one of ${spec.sorts.join(', ')} (prefix - for descending)` });
    } else {
      sort = { field, direction: desc ? 'DESC' : 'ASC' };
    }
  }
  if (errors.length) throw AppError.validation(errors, `Invalid list parameters: ${errors.map((e) => e.field).join(', ')}.`);
  return { page, perPage, filters, sort };
}
