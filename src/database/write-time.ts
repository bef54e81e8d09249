import type { EntityManager, EntitySubscriberInterface, InsertEvent, ObjectLiteral, QueryRunner, UpdateEvent } from 'typeorm';

const KEY = 'sitesim:writeTime';

/** Declares the time a transaction writes at (a sandbox's time: `SandboxClock.transaction`). */
export function setWriteTime(m: EntityManager, at: Date): void {
  const runner = m.queryRunner;
  if (!runner) throw new Error('setWriteTime: the manager has no transaction');
  runner.data = { ...runner.data, [KEY]: at };
}

/** The time a transaction writes at, if it declared one. */
export function writeTimeOf(m: EntityManager): Date | null {
  return timeIn(m.queryRunner);
}

function timeIn(runner: QueryRunner | undefined): Date | null {
  const at = (runner?.data as Record<string, unknown> | undefined)?.[KEY];
  return at instanceof Date ? at : null;
}

/**
 * The ORM's create and update dates come from the database's clock (a column
 * default, `CURRENT_TIMESTAMP`). In a transaction that declared its time, rows
 * take that time instead: an inserted row's created_at and updated_at, an
 * updated row's updated_at. Raw SQL passes the time itself.
 */
export class WriteTimeSubscriber implements EntitySubscriberInterface {
  beforeInsert(event: InsertEvent<ObjectLiteral>): void {
    const at = timeIn(event.queryRunner);
    if (!at || !event.entity) return;
    for (const column of [event.metadata.createDateColumn, event.metadata.updateDateColumn]) {
      if (column && column.getEntityValue(event.entity) === undefined) column.setEntityValue(event.entity, at);
    }
  }

  beforeUpdate(event: UpdateEvent<ObjectLiteral>): void {
    const at = timeIn(event.queryRunner);
    const column = event.metadata.updateDateColumn;
    if (at && column && event.entity) column.setEntityValue(event.entity, at);
  }
}

/** The time of the sandbox transaction `m` (see `SandboxClock.transaction`): what a row written in it is stamped with. */
export function nowIn(m: EntityManager): Date {
  const at = writeTimeOf(m);
  if (!at) throw new Error('nowIn: this transaction did not declare its time; open it with SandboxClock.transaction');
  return at;
}
