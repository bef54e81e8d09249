import { Injectable } from '@nestjs/common';
import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { insertWithId } from '../database/insert-with-id';
import type { SandboxTemplate, SeededIds } from './sandbox.entity';

/** Hashes of the seeded credentials (persona password, app secrets). */
export interface SeedCredentials {
  personaPasswordHash: string;
  appSecretHashes: Record<string, string>;
}

/**
 * What a seeding step sees: the transaction, the sandbox and the ids of what
 * is already seeded. `id(group, key)` gives back the id a record had before a
 * reset, so that reseeding restores the same ids.
 */
export class SeedContext {
  constructor(
    readonly manager: EntityManager,
    readonly sandboxId: number,
    readonly companyId: number,
    readonly template: SandboxTemplate,
    readonly seed: number,
    readonly credentials: SeedCredentials,
    private readonly previous: SeededIds,
    /** The sandbox's time while it is seeded: a new or reset sandbox's clock runs on real time. */
    readonly now: Date,
    readonly ids: SeededIds = {},
  ) {}

  private readonly committed: (() => Promise<void>)[] = [];
  private readonly abandoned: (() => Promise<void>)[] = [];

  /**
   * `done` runs once the seeding transaction has committed, `undo` when it did
   * not: for what lives outside the database (an upload's file moves into
   * place only after the commit, so a failed reset keeps the files of the rows
   * it keeps).
   */
  afterCommit(done: () => Promise<void>, undo?: () => Promise<void>): void {
    this.committed.push(done);
    if (undo) this.abandoned.push(undo);
  }

  /** Runs what was left for after the transaction, as it ended. */
  async finish(committed: boolean): Promise<void> {
    for (const work of committed ? this.committed : this.abandoned) await work();
  }

  /** The id this record had in an earlier seeding, if any. */
  previousId(group: string, key: string): number | undefined {
    return this.previous[group]?.[key];
  }

  /**
   * Creates a seeded record, with the id it had before a reset when there was
   * one, and records its id under `group.key`.
   */
  async insert<T extends ObjectLiteral & { id: number }>(entity: EntityTarget<T>, group: string, key: string, values: Partial<T>): Promise<T> {
    const previous = this.previousId(group, key);
    const row =
      previous === undefined
        ? await this.manager.save(entity, this.manager.create(entity, values as never))
        : await insertWithId(this.manager, entity, previous, values);
    this.record(group, key, row.id);
    return row;
  }

  /** `insert` for a table without an entity: the columns as given, the id it had before a reset when there was one. */
  async insertRow(table: string, group: string, key: string, values: Record<string, unknown>): Promise<number> {
    const previous = this.previousId(group, key);
    const columns = Object.keys(values);
    const params = Object.values(values);
    if (previous !== undefined) {
      columns.unshift('id');
      params.unshift(previous);
    }
    const [row]: { id: number }[] = await this.manager.query(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${params.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
      params,
    );
    return this.record(group, key, row.id);
  }

  record(group: string, key: string, id: number): number {
    (this.ids[group] ??= {})[key] = id;
    return id;
  }

  idOf(group: string, key: string): number {
    const id = this.ids[group]?.[key];
    if (id === undefined) throw new Error(`seed: no ${group}.${key} yet`);
    return id;
  }
}

/** A feature's contribution to seeded sandboxes (RFIs, budget, …), run in `order`. */
export interface SeedStep {
  name: string;
  order: number;
  templates: readonly SandboxTemplate[];
  run(ctx: SeedContext): Promise<void>;
}

@Injectable()
export class SeedRegistry {
  private readonly steps: SeedStep[] = [];

  register(step: SeedStep): void {
    if (this.steps.some((s) => s.name === step.name)) throw new Error(`seed step ${step.name} registered twice`);
    this.steps.push(step);
    this.steps.sort((a, b) => a.order - b.order);
  }

  stepsFor(template: SandboxTemplate): SeedStep[] {
    return this.steps.filter((s) => s.templates.includes(template));
  }
}
