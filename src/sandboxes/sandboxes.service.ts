import { retryTransient } from '../database/errors';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomInt } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import { OAuthApp } from '../auth/entities/oauth-app.entity';
import { digest, hashSecret, randomToken } from '../auth/secrets';
import { AppError } from '../common/errors';
import { Company } from '../directory/entities/company.entity';
import { PermissionTemplate } from '../directory/entities/permission-template.entity';
import { ProjectMembership } from '../directory/entities/project-membership.entity';
import { User } from '../directory/entities/user.entity';
import { Project } from '../projects/entities/project.entity';
import { SEEDED_APPS, SeededAppKey } from './directory-seed';
import { Sandbox, SandboxTemplate, SeedSecrets } from './sandbox.entity';
import { defaultSettings, SandboxSettings, withDefaults } from './sandbox-settings';
import { PermissionChanges } from '../permissions/permission-changes';
import { OutboxRelay } from '../queues/outbox-relay';
import { SeedContext, SeedRegistry } from './seed-registry';
import { applySettingsPatch } from './settings-patch';
import { SANDBOX_TOKEN_PREFIX } from './sim-control.guard';
import { PERSONAS } from './training.fixture';
import { ClockService } from './clock.service';
import { clockNow, REAL_TIME, SandboxClock } from './sandbox-clock';
import { ContentStore } from '../uploads/content-store';

/** Plaintext credentials, answered once: at creation or when rotated. */
export interface IssuedSecrets {
  sandboxToken: string;
  appSecrets: Record<string, string>;
}

function personaPassword(): string {
  const words = ['Crane', 'Rebar', 'Girder', 'Trowel', 'Joist', 'Plumb', 'Mortar', 'Truss'];
  return `${words[randomInt(words.length)]}-${randomInt(1000, 9999)}-${randomToken(6)}`;
}

/** Isolated companies for training and testing: create, read, reset, delete, settings. */
@Injectable()
export class SandboxesService {
  private readonly logger = new Logger('Sandboxes');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly seeds: SeedRegistry,
    private readonly changes: PermissionChanges,
    private readonly relay: OutboxRelay,
    private readonly clock: SandboxClock,
    private readonly clockControls: ClockService,
    private readonly content: ContentStore,
  ) {}

  async create(name: string, template: SandboxTemplate, seed?: number): Promise<Record<string, unknown>> {
    const secrets = this.newSecrets(template);
    const password = personaPassword();
    const seedSecrets: SeedSecrets = {
      persona_password_hash: await hashSecret(password),
      app_secret_hashes: await this.hashAll(secrets.appSecrets),
    };
    const started = performance.now();
    const sandboxSeed = seed ?? randomInt(1, 2_147_483_647);
    let seeded: SeedContext | undefined;
    const sandboxId = await this.db.transaction(async (m) => {
      const company = await m.save(m.create(Company, { name }));
      const sandbox = await m.save(
        m.create(Sandbox, {
          companyId: company.id,
          name,
          template,
          seed: sandboxSeed,
          tokenHash: digest(secrets.sandboxToken),
          personaPassword: password,
          settings: defaultSettings(sandboxSeed),
          seededIds: {},
          seedSecrets,
        }),
      );
      seeded = await this.seed(m, sandbox, seedSecrets);
      return sandbox.id;
    }).catch(async (err: unknown) => {
      await seeded?.finish(false);
      throw err;
    });
    await seeded!.finish(true);
    this.logger.log(`sandbox ${sandboxId} (${template}) created in ${Math.round(performance.now() - started)} ms`);
    return this.view(sandboxId, secrets);
  }

  async get(id: number): Promise<Record<string, unknown>> {
    return this.view(id, null);
  }

  /** Every sandbox, or only the one given (what a sandbox token may see). */
  async list(only?: number): Promise<Record<string, unknown>[]> {
    const rows = await this.db.getRepository(Sandbox).find({ where: only === undefined ? {} : { id: only }, order: { id: 'ASC' } });
    return rows.map((s) => ({ id: s.id, name: s.name, template: s.template, company_id: s.companyId, created_at: s.createdAt.toISOString() }));
  }

  /**
   * Back to the seeded state: every record of the company is deleted and
   * seeded again with the same ids and logins. Settings and the token stay;
   * the clock goes back to real time (jobs still waiting keep the time they
   * had left).
   */
  async reset(id: number): Promise<Record<string, unknown>> {
    const started = performance.now();
    let seeded: SeedContext | undefined;
    await this.clockControls.reset(id, () => retryTransient(() => this.db.transaction(async (m) => {
      const sandbox = await m
        .getRepository(Sandbox)
        .createQueryBuilder('s')
        .addSelect(['s.tokenHash', 's.seedSecrets'])
        .setLock('pessimistic_write')
        .where('s.id = :id', { id })
        .getOne();
      if (!sandbox) throw AppError.notFound('Sandbox');
      const company = await m.findOneByOrFail(Company, { id: sandbox.companyId });
      // Deleting the company cascades to every record of the sandbox, the sandbox row included;
      // both come back with their ids (raw SQL: the ORM will not insert a generated id).
      await m.delete(Company, { id: company.id });
      await m.query('INSERT INTO companies (id, name, permission_version, created_at) VALUES ($1, $2, $3, $4)', [
        company.id,
        company.name,
        company.permissionVersion + 1,
        company.createdAt,
      ]);
      await m.query(
        `INSERT INTO sandboxes (id, company_id, name, template, seed, token_hash, persona_password, settings, seeded_ids, seed_secrets, version, resets, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [sandbox.id, sandbox.companyId, sandbox.name, sandbox.template, sandbox.seed, sandbox.tokenHash, sandbox.personaPassword,
          JSON.stringify(sandbox.settings), JSON.stringify(sandbox.seededIds), JSON.stringify(sandbox.seedSecrets), sandbox.version + 1, sandbox.resets + 1, sandbox.createdAt],
      );
      seeded = await this.seed(m, sandbox, sandbox.seedSecrets);
    }).catch(async (err: unknown) => {
      await seeded?.finish(false);
      seeded = undefined;
      throw err;
    })));
    await seeded!.finish(true);
    // The files of what the reset deleted (the reseeded keep theirs: same ids, new files).
    await this.content.sweep();
    const companyId = await this.companyOf(id);
    await this.changes.publish(companyId);
    // Delays start their seeded sequence again: the same steps after a reset give the same delays.
    await this.relay.resetSequences(companyId);
    this.logger.log(`sandbox ${id} reset in ${Math.round(performance.now() - started)} ms`);
    return this.view(id, null);
  }

  /** New sandbox token and app secrets (the old ones stop working at once). */
  async rotate(id: number): Promise<Record<string, unknown>> {
    const sandbox = await this.db.getRepository(Sandbox).findOneBy({ id });
    if (!sandbox) throw AppError.notFound('Sandbox');
    const secrets = this.newSecrets(sandbox.template);
    const hashes = await this.hashAll(secrets.appSecrets);
    await this.db.transaction(async (m) => {
      const row = await m.getRepository(Sandbox).createQueryBuilder('s').addSelect('s.seedSecrets').setLock('pessimistic_write').where('s.id = :id', { id }).getOneOrFail();
      await m.update(Sandbox, { id }, {
        tokenHash: digest(secrets.sandboxToken),
        seedSecrets: { ...row.seedSecrets, app_secret_hashes: hashes },
        version: row.version + 1,
      });
      for (const [key, hash] of Object.entries(hashes)) {
        const appId = row.seededIds.apps?.[key];
        if (appId) await m.update(OAuthApp, { id: appId }, { clientSecretHash: hash });
      }
    });
    await this.changes.publish(sandbox.companyId);
    return this.view(id, secrets);
  }

  async remove(id: number): Promise<void> {
    const sandbox = await this.db.getRepository(Sandbox).findOneBy({ id });
    if (!sandbox) throw AppError.notFound('Sandbox');
    // Its jobs may be writing its rows right now: a deadlock with them is tried again.
    await retryTransient(() => this.db.getRepository(Company).delete({ id: sandbox.companyId }));
    await this.changes.publish(sandbox.companyId);
    await this.content.sweep();
  }

  async settings(id: number): Promise<SandboxSettings> {
    const sandbox = await this.db.getRepository(Sandbox).findOneBy({ id });
    if (!sandbox) throw AppError.notFound('Sandbox');
    return withDefaults(sandbox.settings, sandbox.seed);
  }

  /** Settings reach every caller on their next request (rate limits travel with the cached caller). */
  async updateSettings(id: number, patch: unknown): Promise<SandboxSettings> {
    const companyId = await this.companyOf(id);
    return this.changes.transaction(companyId, async (m) => {
      const sandbox = await m.findOne(Sandbox, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!sandbox) throw AppError.notFound('Sandbox');
      const next = applySettingsPatch(withDefaults(sandbox.settings, sandbox.seed), patch);
      await m.update(Sandbox, { id }, { settings: next, version: sandbox.version + 1 });
      return next;
    }).then(async (next) => {
      // A new seed starts the delay sequences again.
      if (typeof patch === 'object' && patch !== null && 'seed' in patch) await this.relay.resetSequences(companyId);
      return next;
    });
  }

  private async companyOf(id: number): Promise<number> {
    const sandbox = await this.db.getRepository(Sandbox).findOneBy({ id });
    if (!sandbox) throw AppError.notFound('Sandbox');
    return sandbox.companyId;
  }

  /** The newest sandbox with this name, if any (the local demo sandbox). */
  async findByName(name: string): Promise<number | null> {
    const row = await this.db.getRepository(Sandbox).findOne({ where: { name }, order: { id: 'DESC' } });
    return row?.id ?? null;
  }

  /** Runs the seed steps in the caller's transaction; answers the context, whose `finish` the caller runs once it ends. */
  private async seed(m: EntityManager, sandbox: Sandbox, secrets: SeedSecrets): Promise<SeedContext> {
    const ctx = new SeedContext(m, sandbox.id, sandbox.companyId, sandbox.template, sandbox.seed, {
      personaPasswordHash: secrets.persona_password_hash ?? '',
      appSecretHashes: secrets.app_secret_hashes ?? {},
    }, sandbox.seededIds ?? {}, new Date(clockNow(REAL_TIME)));
    await this.clock.enter(m, ctx.now);
    for (const step of this.seeds.stepsFor(sandbox.template)) await step.run(ctx);
    await m.update(Sandbox, { id: sandbox.id }, { seededIds: ctx.ids });
    return ctx;
  }

  private newSecrets(template: SandboxTemplate): IssuedSecrets {
    const appSecrets: Record<string, string> = {};
    if (template === 'training') for (const key of Object.keys(SEEDED_APPS)) appSecrets[key] = randomToken(32);
    return { sandboxToken: `${SANDBOX_TOKEN_PREFIX}${randomToken(32)}`, appSecrets };
  }

  private async hashAll(secrets: Record<string, string>): Promise<Record<string, string>> {
    const entries = await Promise.all(Object.entries(secrets).map(async ([k, v]) => [k, await hashSecret(v)] as const));
    return Object.fromEntries(entries);
  }

  private async view(id: number, secrets: IssuedSecrets | null): Promise<Record<string, unknown>> {
    const sandbox = await this.db.getRepository(Sandbox).findOneBy({ id });
    if (!sandbox) throw AppError.notFound('Sandbox');
    const ids = sandbox.seededIds;
    const personaIds = Object.values(ids.personas ?? {});
    const projectIds = Object.values(ids.projects ?? {});
    const [users, memberships, templates, projects, apps] = await Promise.all([
      personaIds.length ? this.db.getRepository(User).findBy({ id: In(personaIds) }) : [],
      personaIds.length ? this.db.getRepository(ProjectMembership).findBy({ userId: In(personaIds), active: true }) : [],
      this.db.getRepository(PermissionTemplate).findBy({ companyId: sandbox.companyId }),
      projectIds.length ? this.db.getRepository(Project).findBy({ id: In(projectIds) }) : [],
      this.db.getRepository(OAuthApp).findBy({ companyId: sandbox.companyId }),
    ]);
    const templateName = new Map(templates.map((t) => [t.id, t.name]));
    const firstProject = ids.projects?.first;
    const order = (key: string) => {
      const i = PERSONAS.findIndex((p) => p.key === key);
      return i === -1 ? PERSONAS.length : i;
    };
    const personas = Object.entries(ids.personas ?? {})
      .sort(([a], [b]) => order(a) - order(b))
      .map(([key, userId]) => {
      const user = users.find((u) => u.id === userId);
      const membership = memberships.find((mm) => mm.userId === userId && mm.projectId === firstProject) ?? memberships.find((mm) => mm.userId === userId);
      return {
        key,
        user_id: userId,
        name: user?.name ?? null,
        email: user?.email ?? null,
        password: sandbox.personaPassword,
        template: (membership?.templateId ? templateName.get(membership.templateId) : user?.companyTemplateId ? templateName.get(user.companyTemplateId) : null) ?? null,
        company_template: (user?.companyTemplateId ? templateName.get(user.companyTemplateId) : null) ?? null,
        description: PERSONAS.find((p) => p.key === key)?.jobTitle ?? null,
      };
    });
    return {
      id: sandbox.id,
      name: sandbox.name,
      template: sandbox.template,
      seed: sandbox.seed,
      company_id: sandbox.companyId,
      ...(secrets ? { sandbox_token: secrets.sandboxToken } : {}),
      personas,
      projects: Object.entries(ids.projects ?? {}).map(([key, pid]) => ({ key, id: pid, name: projects.find((p) => p.id === pid)?.name ?? null })),
      apps: apps.map((a) => {
        const key = Object.entries(ids.apps ?? {}).find(([, appId]) => appId === a.id)?.[0] as SeededAppKey | undefined;
        return {
          key: key ?? null,
          name: a.name,
          client_id: a.clientId,
          ...(secrets && key && secrets.appSecrets[key] ? { client_secret: secrets.appSecrets[key] } : {}),
          redirect_uris: a.redirectUris,
          ...(a.serviceAccountUserId ? { user_id: a.serviceAccountUserId } : {}),
        };
      }),
      settings: withDefaults(sandbox.settings, sandbox.seed),
      version: sandbox.version,
      created_at: sandbox.createdAt.toISOString(),
      updated_at: sandbox.updatedAt.toISOString(),
    };
  }
}
