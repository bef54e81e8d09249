import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ChangeLog } from '../changes/change-log.service';
import { AppError } from '../common/errors';
import type { Actor } from '../common/http/request-helpers';
import { lockRowForEdit, updateReturning } from '../database/versioning';
import type { AccessSubject } from '../permissions/access-subject';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import type { CreateAlbumDto, UpdateAlbumDto } from './dto/album.dto';

interface AlbumRow {
  id: number;
  project_id: number;
  name: string;
  private: boolean;
  position: number;
  created_by_id: number | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** Advisory lock class of a project's album order (with the project id). */
const ORDER_LOCK_CLASS = 0x616c6275; // "albu"

const COLUMNS = 'a.id, a.project_id, a.name, a.private, a.position, a.created_by_id, a.version, a.created_at, a.updated_at';

function mapAlbum(r: AlbumRow): Record<string, unknown> {
  return { ...r, created_at: r.created_at.toISOString(), updated_at: r.updated_at.toISOString() };
}

/**
 * A private album as a WHERE clause on `a`: seen by Admins on Photos, its
 * creator, and holders of view_private_photos. Parameters from `first`.
 */
export function albumVisibility(subject: AccessSubject, first: number): { sql: string; params: unknown[] } {
  const admin = subject.companyDirectoryAdmin || subject.project?.levels.photos === 'admin';
  if (admin || subject.project?.granular.has('photos.view_private_photos')) return { sql: 'TRUE', params: [] };
  return { sql: `(NOT a.private OR a.created_by_id = $${first})`, params: [subject.userId] };
}

/** Photo albums (image categories): created, renamed, made private, put in order, deleted. */
@Injectable()
export class AlbumsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: SandboxClock,
    private readonly changes: ChangeLog,
  ) {}

  /** The albums the subject may see, in their order (not paged: a project has few). */
  async list(subject: AccessSubject, projectId: number): Promise<Record<string, unknown>[]> {
    const visible = albumVisibility(subject, 2);
    const rows: AlbumRow[] = await this.db.query(`SELECT ${COLUMNS} FROM image_categories a WHERE a.project_id = $1 AND ${visible.sql} ORDER BY a.position, a.id`, [projectId, ...visible.params]);
    return rows.map(mapAlbum);
  }

  /** One album: 404 when it is not the project's, 403 when it is private to others. */
  async get(subject: AccessSubject, projectId: number, id: number): Promise<Record<string, unknown>> {
    const [row]: AlbumRow[] = await this.db.query(`SELECT ${COLUMNS} FROM image_categories a WHERE a.id = $1 AND a.project_id = $2`, [id, projectId]);
    if (!row) throw AppError.notFound('Album');
    const visible = albumVisibility(subject, 2);
    const [seen] = await this.db.query(`SELECT 1 FROM image_categories a WHERE a.id = $1 AND ${visible.sql}`, [id, ...visible.params]);
    if (!seen) {
      throw new AppError('permission_denied', `Album "${row.name}" is private: only Admins on Photos, its creator and holders of view_private_photos may open it.`, {
        action: 'photos.view',
        layer: 'item_role',
        have: 'not its creator',
        need: ['admin', 'creator', 'photos.view_private_photos'],
        item_id: id,
      });
    }
    return mapAlbum(row);
  }

  /** A new album goes last. */
  async create(companyId: number, projectId: number, dto: CreateAlbumDto, actor: Actor): Promise<Record<string, unknown>> {
    return this.clock.transaction(companyId, async (m) => {
      await this.lockOrder(m, projectId);
      await this.assertFree(m, projectId, dto.name, null);
      const [row]: AlbumRow[] = await m.query(
        `INSERT INTO image_categories AS a (company_id, project_id, name, private, position, created_by_id)
         VALUES ($1, $2, $3, $4, (SELECT coalesce(max(position), 0) + 1 FROM image_categories WHERE project_id = $2), $5) RETURNING ${COLUMNS}`,
        [companyId, projectId, dto.name, dto.private ?? false, actor.userId],
      );
      return this.written(m, companyId, row, 'create', actor);
    });
  }

  async update(subject: AccessSubject, projectId: number, id: number, dto: UpdateAlbumDto, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    await this.get(subject, projectId, id);
    const companyId = subject.companyId;
    return this.clock.transaction(companyId, async (m) => {
      const current = await this.lock(m, projectId, id, expected);
      if (dto.name !== undefined) await this.assertFree(m, projectId, dto.name, id);
      const [row] = await updateReturning<AlbumRow>(
        m,
        `UPDATE image_categories a SET name = $2, private = $3, version = version + 1, updated_at = sim_now() WHERE a.id = $1 RETURNING ${COLUMNS}`,
        [id, dto.name ?? current.name, dto.private ?? current.private],
      );
      return this.written(m, companyId, row, 'update', actor);
    });
  }

  /** The new order: every album of the project, each once. */
  async reorder(companyId: number, projectId: number, ids: number[], actor: Actor): Promise<Record<string, unknown>[]> {
    return this.clock.transaction(companyId, async (m) => {
      await this.lockOrder(m, projectId);
      const all: { id: number }[] = await m.query('SELECT id FROM image_categories WHERE project_id = $1 ORDER BY id', [projectId]);
      const known = new Set(all.map((a) => a.id));
      const strangers = ids.filter((i) => !known.has(i));
      const missing = all.map((a) => a.id).filter((i) => !ids.includes(i));
      if (strangers.length || missing.length) {
        throw AppError.validation([
          ...(strangers.length ? [{ field: 'album_ids', message: `${strangers.join(', ')} ${strangers.length > 1 ? 'are not albums' : 'is not an album'} of this project` }] : []),
          ...(missing.length ? [{ field: 'album_ids', message: `must list every album of the project; missing ${missing.join(', ')}` }] : []),
        ]);
      }
      const rows = await updateReturning<AlbumRow>(
        m,
        `UPDATE image_categories a SET position = o.n, version = version + 1, updated_at = sim_now()
           FROM unnest($2::int[]) WITH ORDINALITY AS o(id, n) WHERE a.id = o.id AND a.project_id = $1 AND a.position <> o.n RETURNING ${COLUMNS}`,
        [projectId, ids],
      );
      for (const row of rows) await this.written(m, companyId, row, 'update', actor);
      const ordered: AlbumRow[] = await m.query(`SELECT ${COLUMNS} FROM image_categories a WHERE a.project_id = $1 ORDER BY a.position, a.id`, [projectId]);
      return ordered.map(mapAlbum);
    });
  }

  async remove(subject: AccessSubject, projectId: number, id: number, expected: number | undefined, actor: Actor): Promise<void> {
    await this.get(subject, projectId, id);
    const companyId = subject.companyId;
    await this.clock.transaction(companyId, async (m) => {
      const current = await this.lock(m, projectId, id, expected);
      await m.query('DELETE FROM image_categories WHERE id = $1', [id]);
      await this.changes.record(m, { companyId, projectId, resource: 'Image Categories', resourceId: id, eventType: 'delete', version: current.version + 1, snapshot: mapAlbum(current), actor });
    });
  }

  /** Writes that number albums wait for each other (per project, to the end of the transaction), so positions stay distinct. */
  private async lockOrder(m: EntityManager, projectId: number): Promise<void> {
    await m.query('SELECT pg_advisory_xact_lock($1, $2)', [ORDER_LOCK_CLASS, projectId]);
  }

  private async assertFree(m: EntityManager, projectId: number, name: string, except: number | null): Promise<void> {
    const [taken] = await m.query('SELECT 1 FROM image_categories WHERE project_id = $1 AND lower(name) = lower($2) AND ($3::int IS NULL OR id <> $3)', [projectId, name, except]);
    if (taken) throw new AppError('duplicate', `The project already has an album named "${name}".`, { field: 'name', name });
  }

  private lock(m: EntityManager, projectId: number, id: number, expected: number | undefined): Promise<AlbumRow> {
    return lockRowForEdit<AlbumRow>(m, `SELECT ${COLUMNS} FROM image_categories a WHERE a.id = $1 AND a.project_id = $2 FOR UPDATE`, [id, projectId], 'Album', expected);
  }

  private async written(m: EntityManager, companyId: number, row: AlbumRow, eventType: 'create' | 'update', actor: Actor): Promise<Record<string, unknown>> {
    const view = mapAlbum(row);
    await this.changes.record(m, { companyId, projectId: row.project_id, resource: 'Image Categories', resourceId: row.id, eventType, version: row.version, snapshot: view, actor });
    return view;
  }
}
