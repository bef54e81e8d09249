/** A page of a list; the page interceptor turns it into the array body and paging headers. */
export class Page<T> {
  constructor(
    readonly items: T[],
    readonly total: number,
    readonly page: number,
    readonly perPage: number,
  ) {}

  map<U>(fn: (item: T) => U): Page<U> {
    return new Page(this.items.map(fn), this.total, this.page, this.perPage);
  }

  static of<T>(items: T[], total: number, query: { page: number; perPage: number }): Page<T> {
    return new Page(items, total, query.page, query.perPage);
  }
}

export function linkHeader(baseUrl: string, page: number, perPage: number, total: number): string {
  const last = Math.max(1, Math.ceil(total / perPage));
  const url = (p: number): string => {
    const u = new URL(baseUrl);
    u.searchParams.set('page', String(p));
    u.searchParams.set('per_page', String(perPage));
    return u.toString();
  };
  const links = [`<${url(1)}>; rel="first"`];
  if (page > 1) links.push(`<${url(Math.min(page - 1, last))}>; rel="prev"`);
  if (page < last) links.push(`<${url(page + 1)}>; rel="next"`);
  links.push(`<${url(last)}>; rel="last"`);
  return links.join(', ');
}
