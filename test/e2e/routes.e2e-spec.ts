import { isAction } from '../../src/permissions/matrix/action-matrix';
import { describeAccess, routeTable } from '../../src/permissions/route-inventory';
import { TestApp } from '../support/test-app';

describe('route declarations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.stop());

  it('has a declared permission action (or an explicit marker) on every route', () => {
    const undeclared = routeTable(t.app).filter((r) => !r.access);
    expect(undeclared.map((r) => `${r.method} ${r.path} (${r.controller}.${r.handler})`)).toEqual([]);
  });

  it('declares only actions that exist in the matrix', () => {
    for (const r of routeTable(t.app)) {
      if (r.access?.kind === 'action') expect(isAction(r.access.action)).toBe(true);
    }
  });

  it('keeps every project route behind a project-scoped declaration', () => {
    const loose = routeTable(t.app).filter(
      (r) => r.path.includes(':project_id') && !(r.access?.kind === 'action' && r.access.projectFrom === 'param') && r.access?.kind !== 'company_member' && r.access?.kind !== 'project_member',
    );
    expect(loose.map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  it('matches the reviewed snapshot of who may call what', () => {
    const table = routeTable(t.app).map((r) => `${r.method.padEnd(6)} ${r.path}  →  ${describeAccess(r.access)}`);
    expect(table).toMatchSnapshot();
  });
});
