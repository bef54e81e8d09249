import type { ApiClient } from './api-client';
import { header } from './assertions';

type Item = Record<string, unknown> & { id: number };

/**
 * Walks every page of a list under one sort (`field` or `-field`), and checks
 * that each item is exactly what its own GET answers, that the pages follow
 * the sort (nulls last, ties by id) without repeating or skipping an item, and
 * that `Total` counts them. Answers the items in list order.
 */
export async function expectPagesMatchItems(client: ApiClient, url: string, sort: string, perPage: number): Promise<Item[]> {
  const items: Item[] = [];
  let total: number | null = null;
  for (let page = 1; ; page++) {
    const res = await client.get(`${url}?sort=${sort}&per_page=${perPage}&page=${page}`);
    expect(res.status).toBe(200);
    total ??= Number(header(res, 'total'));
    const body = res.body as Item[];
    items.push(...body);
    if (body.length < perPage) break;
  }
  expect(items).toHaveLength(total!);
  expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
  const field = sort.replace(/^-/, '');
  const direction = sort.startsWith('-') ? -1 : 1;
  for (let i = 1; i < items.length; i++) {
    const [a, b] = [items[i - 1], items[i]];
    const [x, y] = [a[field] as string | number | null, b[field] as string | number | null];
    const order = x === y ? 0 : x === null ? 1 : y === null ? -1 : (x < y ? -1 : 1) * direction;
    expect({ sort, pair: [a.id, b.id], inOrder: order < 0 || (order === 0 && a.id < b.id) }).toEqual({ sort, pair: [a.id, b.id], inOrder: true });
  }
  for (const item of items) {
    const one = await client.get(`${url}/${item.id}`);
    expect(one.status).toBe(200);
    expect(item).toEqual(one.body);
  }
  return items;
}
