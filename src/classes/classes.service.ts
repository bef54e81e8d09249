import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { digest, randomToken } from '../auth/secrets';
import { AppError } from '../common/errors';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import { SandboxesService } from '../sandboxes/sandboxes.service';
import { CLASS_TOKEN_PREFIX } from '../sandboxes/sim-control.guard';

interface SandboxView {
  id: number;
  name: string;
  company_id: number;
  sandbox_token?: string;
  personas: { key: string; user_id: number; name: string | null; email: string | null; password: string | null; template: string | null }[];
  projects: { key: string; id: number; name: string | null }[];
  apps: { key: string | null; client_id: string }[];
}

interface MemberRow {
  trainee: number;
  sandbox_id: number;
}

/**
 * Training classes: a sandbox per trainee, made in one request, driven by one
 * class token; reset or deleted one at a time or all at once; who is signed in.
 */
@Injectable()
export class ClassesService {
  private readonly logger = new Logger('Classes');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly sandboxes: SandboxesService,
    private readonly clock: SandboxClock,
  ) {}

  /** Makes every sandbox first; if one fails, those already made are deleted again and nothing of the class is kept. */
  async create(name: string, trainees: number): Promise<Record<string, unknown>> {
    const started = performance.now();
    const made: SandboxView[] = [];
    try {
      for (let i = 1; i <= trainees; i++) {
        made.push((await this.sandboxes.create(`${name} · trainee ${i}`, 'training')) as unknown as SandboxView);
      }
    } catch (err) {
      for (const s of made) await this.sandboxes.remove(s.id).catch(() => undefined);
      throw err;
    }
    const token = `${CLASS_TOKEN_PREFIX}${randomToken(32)}`;
    const classId = await this.db.transaction(async (m) => {
      const [row]: { id: number }[] = await m.query('INSERT INTO training_classes (name, token_hash) VALUES ($1, $2) RETURNING id', [name, digest(token)]);
      for (const [i, s] of made.entries()) {
        await m.query('INSERT INTO training_class_sandboxes (class_id, trainee, sandbox_id) VALUES ($1, $2, $3)', [row.id, i + 1, s.id]);
      }
      return row.id;
    }).catch(async (err: unknown) => {
      for (const s of made) await this.sandboxes.remove(s.id).catch(() => undefined);
      throw err;
    });
    this.logger.log(`class ${classId} with ${trainees} sandboxes created in ${Math.round(performance.now() - started)} ms`);
    const view = await this.get(classId);
    const byId = new Map(made.map((s) => [s.id, s]));
    return {
      ...view,
      class_token: token,
      trainees: (view.trainees as Record<string, unknown>[]).map((t) => {
        const s = byId.get(t.sandbox_id as number)!;
        return { ...t, sandbox_token: s.sandbox_token, personas: s.personas };
      }),
    };
  }

  async list(only?: number): Promise<Record<string, unknown>[]> {
    const rows: { id: number; name: string; trainees: number; created_at: Date }[] = await this.db.query(
      `SELECT c.id, c.name, c.created_at, count(x.id)::int AS trainees
         FROM training_classes c
         LEFT JOIN training_class_sandboxes s ON s.class_id = c.id
         LEFT JOIN sandboxes x ON x.id = s.sandbox_id
        WHERE ($1::int IS NULL OR c.id = $1) GROUP BY c.id ORDER BY c.id`,
      [only ?? null],
    );
    return rows.map((r) => ({ id: r.id, name: r.name, trainees: r.trainees, created_at: r.created_at.toISOString() }));
  }

  async get(classId: number): Promise<Record<string, unknown>> {
    const cls = await this.load(classId);
    const members = await this.members(classId);
    const trainees = [];
    for (const m of members) trainees.push(await this.trainee(m));
    return { id: cls.id, name: cls.name, created_at: cls.created_at.toISOString(), trainees };
  }

  /** The printable sheet: each trainee's training app and the personas' logins. */
  async logins(classId: number): Promise<Record<string, unknown>> {
    const cls = await this.load(classId);
    const trainees = [];
    for (const m of await this.members(classId)) {
      const s = (await this.sandboxes.get(m.sandbox_id)) as unknown as SandboxView;
      trainees.push({
        trainee: m.trainee,
        sandbox_id: s.id,
        client_id: s.apps.find((a) => a.key === 'training')?.client_id ?? null,
        personas: s.personas.map((p) => ({ key: p.key, name: p.name, email: p.email, password: p.password, template: p.template })),
      });
    }
    return { id: cls.id, name: cls.name, trainees };
  }

  async resetAll(classId: number): Promise<Record<string, unknown>> {
    await this.load(classId);
    for (const m of await this.members(classId)) await this.sandboxes.reset(m.sandbox_id);
    return this.get(classId);
  }

  async resetOne(classId: number, trainee: number): Promise<Record<string, unknown>> {
    const m = await this.member(classId, trainee);
    await this.sandboxes.reset(m.sandbox_id);
    return this.trainee(m);
  }

  /** Deletes the class with every trainee's sandbox. */
  async remove(classId: number): Promise<void> {
    await this.load(classId);
    for (const m of await this.members(classId)) await this.removeSandbox(m.sandbox_id);
    await this.db.query('DELETE FROM training_classes WHERE id = $1', [classId]);
  }

  /** Deletes one trainee's sandbox; the class keeps the others (and its number is not reused). */
  async removeOne(classId: number, trainee: number): Promise<void> {
    const m = await this.member(classId, trainee);
    await this.removeSandbox(m.sandbox_id);
    await this.db.query('DELETE FROM training_class_sandboxes WHERE class_id = $1 AND trainee = $2', [classId, trainee]);
  }

  /** A trainee's sandbox goes with the sandboxes of its drills and its challenges (kept by sandbox id, without a foreign key). */
  private async removeSandbox(sandboxId: number): Promise<void> {
    const drills: { sandbox_id: number }[] = await this.db.query(
      'SELECT r.sandbox_id FROM training_drills d JOIN scenario_runs r ON r.id = d.run_id WHERE d.sandbox_id = $1',
      [sandboxId],
    );
    for (const d of drills) await this.sandboxes.remove(d.sandbox_id).catch(ignoreGone);
    await this.sandboxes.remove(sandboxId).catch(ignoreGone);
    await this.db.query('DELETE FROM training_drills WHERE sandbox_id = $1', [sandboxId]);
    await this.db.query('DELETE FROM training_challenges WHERE sandbox_id = $1', [sandboxId]);
  }

  /** The class a sandbox belongs to, if any. */
  async classOfSandbox(sandboxId: number): Promise<{ class_id: number; trainee: number } | null> {
    const [row] = await this.db.query('SELECT class_id, trainee FROM training_class_sandboxes WHERE sandbox_id = $1', [sandboxId]);
    return row ?? null;
  }

  private async trainee(m: MemberRow): Promise<Record<string, unknown>> {
    const s = (await this.sandboxes.get(m.sandbox_id)) as unknown as SandboxView;
    const training = s.apps.find((a) => a.key === 'training');
    return {
      trainee: m.trainee,
      sandbox_id: s.id,
      company_id: s.company_id,
      sandbox_name: s.name,
      client_id: training?.client_id ?? null,
      projects: s.projects,
      signed_in: await this.signedIn(s),
    };
  }

  /**
   * Who is signed in, from the tokens: an unexpired (sandbox time), unrevoked
   * access token issued through the training app, with the user's latest write
   * or refusal as their last activity.
   */
  private async signedIn(s: SandboxView): Promise<Record<string, unknown>[]> {
    const now = await this.clock.now(s.company_id);
    const rows: { user_id: number; name: string; signed_in_at: Date; expires_at: Date; last_change: Date | null; last_audit: Date | null }[] = await this.db.query(
      `SELECT t.user_id, u.name, max(t.created_at) AS signed_in_at, max(t.expires_at) AS expires_at,
              (SELECT max(c.created_at) FROM change_log c WHERE c.company_id = $1 AND c.actor_id = t.user_id) AS last_change,
              (SELECT max(e.created_at) FROM audit_events e WHERE e.company_id = $1 AND e.user_id = t.user_id) AS last_audit
         FROM oauth_tokens t
         JOIN users u ON u.id = t.user_id
         JOIN oauth_apps a ON a.id = t.app_id
        WHERE t.company_id = $1 AND a.client_id = $2 AND t.revoked_at IS NULL AND t.expires_at > $3
        GROUP BY t.user_id, u.name
        ORDER BY max(t.created_at) DESC, t.user_id`,
      [s.company_id, s.apps.find((a) => a.key === 'training')?.client_id ?? '', now],
    );
    const personaOf = new Map(s.personas.map((p) => [p.user_id, p.key]));
    return rows.map((r) => {
      const latest = [r.signed_in_at, r.last_change, r.last_audit].filter((d): d is Date => d !== null).reduce((a, b) => (b > a ? b : a));
      return {
        persona: personaOf.get(r.user_id) ?? null,
        user_id: r.user_id,
        name: r.name,
        signed_in_at: r.signed_in_at.toISOString(),
        expires_at: r.expires_at.toISOString(),
        last_activity_at: latest.toISOString(),
      };
    });
  }

  private async load(classId: number): Promise<{ id: number; name: string; created_at: Date }> {
    const [row] = await this.db.query('SELECT id, name, created_at FROM training_classes WHERE id = $1', [classId]);
    if (!row) throw AppError.notFound('Class');
    return row;
  }

  /** The class's trainees whose sandbox still exists, by number. */
  private async members(classId: number): Promise<MemberRow[]> {
    return this.db.query(
      'SELECT m.trainee, m.sandbox_id FROM training_class_sandboxes m JOIN sandboxes s ON s.id = m.sandbox_id WHERE m.class_id = $1 ORDER BY m.trainee',
      [classId],
    );
  }

  private async member(classId: number, trainee: number): Promise<MemberRow> {
    await this.load(classId);
    const m = (await this.members(classId)).find((x) => x.trainee === trainee);
    if (!m) throw AppError.notFound('Trainee');
    return m;
  }
}

function ignoreGone(err: unknown): void {
  if (!(err instanceof AppError && err.code === 'not_found')) throw err;
}
