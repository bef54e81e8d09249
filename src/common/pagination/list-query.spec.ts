import { AppError } from '../errors';
import { ListSpec, parseListQuery } from './list-query';

const SPEC: ListSpec<'status' | 'assignee_id' | 'ids' | 'private', 'name' | 'id'> = {
  filters: { status: { kind: 'enum', values: ['open', 'closed'] }, assignee_id: { kind: 'int' }, ids: { kind: 'ints' }, private: { kind: 'bool' } },
  sorts: ['name', 'id'],
  defaultSort: 'name',
};

function fields(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return ((err as AppError).details.fields as { field: string }[]).map((f) => f.field);
  }
  throw new Error('expected a validation error');
}

describe('parseListQuery', () => {
  it('defaults to page 1, 100 per page and the default sort', () => {
    expect(parseListQuery({}, SPEC)).toEqual({ page: 1, perPage: 100, filters: {}, sort: { field: 'name', direction: 'ASC' } });
  });

  it('reads bracket filters and a descending sort', () => {
    const q = parseListQuery({ filters: { status: 'open', assignee_id: '12', ids: ['1', '2'], private: 'false' }, sort: '-id' }, SPEC);
    expect(q.filters).toEqual({ status: 'open', assignee_id: 12, ids: [1, 2], private: false });
    expect(q.sort).toEqual({ field: 'id', direction: 'DESC' });
  });

  it.each([
    [{ page: '0' }, 'page'],
    [{ page: '-1' }, 'page'],
    [{ page: 'abc' }, 'page'],
    [{ per_page: '1001' }, 'per_page'],
    [{ per_page: '0' }, 'per_page'],
    [{ per_page: '99999999999999999999' }, 'per_page'],
    [{ filters: { nope: '1' } }, 'filters[nope]'],
    [{ filters: { status: 'weird' } }, 'filters[status]'],
    [{ filters: { assignee_id: '1; DROP TABLE x' } }, 'filters[assignee_id]'],
    [{ sort: 'password' }, 'sort'],
    [{ filters: 'status' }, 'filters'],
  ])('refuses %j naming %s', (query, field) => {
    expect(fields(() => parseListQuery(query as Record<string, unknown>, SPEC))).toContain(field);
  });

  it('reports every bad parameter at once', () => {
    expect(fields(() => parseListQuery({ page: 'x', per_page: '0', sort: 'nope' }, SPEC))).toEqual(['page', 'per_page', 'sort']);
  });
});
