import { ChangeLog } from '../changes/change-log.service';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError } from '../common/errors';
import type { Actor } from '../common/http/request-helpers';
import { ListQuery, ListSpec, Page } from '../common/pagination';
import { isUniqueViolation } from '../database/errors';
import { lockForEdit } from '../database/versioning';
import { AuditService } from '../audit/audit.service';
import { mapVendor } from './directory.mappers';
import { CreateVendorDto, UpdateVendorDto } from './dto/vendor.dto';
import { Vendor } from './entities/vendor.entity';
import { escapeLike } from './users.service';
import { SandboxClock } from '../sandboxes/sandbox-clock';

export const VENDOR_LIST: ListSpec<'active' | 'query', 'name' | 'id'> = {
  filters: { active: { kind: 'bool' }, query: { kind: 'string' } },
  sorts: ['name', 'id'],
  defaultSort: 'name',
};

/** Companies in the company directory (the platform calls them vendors). */
@Injectable()
export class VendorsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly changeLog: ChangeLog,
    private readonly clock: SandboxClock,
  ) {}

  async list(companyId: number, q: ListQuery<'active' | 'query', 'name' | 'id'>): Promise<Page<Record<string, unknown>>> {
    const qb = this.db.getRepository(Vendor).createQueryBuilder('v').where('v.companyId = :companyId', { companyId });
    if (q.filters.active !== undefined) qb.andWhere('v.active = :active', { active: q.filters.active });
    if (q.filters.query !== undefined) qb.andWhere('v.name ILIKE :q', { q: `%${escapeLike(String(q.filters.query))}%` });
    qb.orderBy(`v.${q.sort.field}`, q.sort.direction).addOrderBy('v.id', 'ASC');
    const [rows, total] = await qb.skip((q.page - 1) * q.perPage).take(q.perPage).getManyAndCount();
    return Page.of(rows.map(mapVendor), total, q);
  }

  async get(companyId: number, vendorId: number): Promise<Record<string, unknown>> {
    const vendor = await this.db.getRepository(Vendor).findOneBy({ id: vendorId, companyId });
    if (!vendor) throw AppError.notFound('Vendor');
    return mapVendor(vendor);
  }

  async create(companyId: number, dto: CreateVendorDto, actor: Actor): Promise<Record<string, unknown>> {
    return this.clock.transaction(companyId, async (m) => {
      try {
        const vendor = await m.save(
          m.create(Vendor, { companyId, name: dto.name, trade: dto.trade ?? null, email: dto.email_address ?? null }),
        );
        await this.audit.record({ companyId, userId: actor.userId, kind: 'vendor_created', detail: { vendor_id: vendor.id }, requestId: actor.requestId }, m);
        await this.changeLog.recordRow(m, Vendor, vendor, { companyId, projectId: null, resource: 'Vendors', eventType: 'create', actor });
        return mapVendor(vendor);
      } catch (err) {
        if (isUniqueViolation(err)) throw nameTaken();
        throw err;
      }
    });
  }

  async update(companyId: number, vendorId: number, dto: UpdateVendorDto, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    return this.clock.transaction(companyId, async (m) => {
      const vendor = await lockForEdit(m, Vendor, { id: vendorId, companyId }, 'Vendor', expected);
      if (dto.name !== undefined) vendor.name = dto.name;
      if (dto.trade !== undefined) vendor.trade = dto.trade;
      if (dto.email_address !== undefined) vendor.email = dto.email_address;
      if (dto.is_active !== undefined) vendor.active = dto.is_active;
      vendor.version += 1;
      try {
        const saved = await m.save(vendor);
        await this.audit.record({ companyId, userId: actor.userId, kind: 'vendor_updated', detail: { vendor_id: vendorId }, requestId: actor.requestId }, m);
        await this.changeLog.recordRow(m, Vendor, saved, { companyId, projectId: null, resource: 'Vendors', eventType: 'update', actor });
        return mapVendor(saved);
      } catch (err) {
        if (isUniqueViolation(err)) throw nameTaken();
        throw err;
      }
    });
  }
}

function nameTaken(): AppError {
  return new AppError('duplicate', 'A company with this name is already in the directory.', {
    fields: [{ field: 'name', message: 'is already taken' }],
  });
}
