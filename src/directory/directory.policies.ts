import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ItemPolicy, ItemPolicyContext, ItemPolicyRegistry, ItemVerdict } from '../permissions/item-policy';
import { PermissionTemplate } from './entities/permission-template.entity';

/**
 * Holders of a granular directory key (not Admin) may only assign templates
 * marked assignable (PERMISSIONS.md "Templates").
 */
@Injectable()
export class AssignableTemplatePolicy implements ItemPolicy {
  readonly actions = [
    'directory.add_user',
    'directory.change_template',
    'company_directory.create_user',
    'company_directory.edit_user',
  ] as const;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async check({ decision, body, subject }: ItemPolicyContext): Promise<ItemVerdict> {
    if (decision.grant !== 'granular') return { allowed: true };
    const templateId = (body as { permission_template_id?: unknown } | undefined)?.permission_template_id;
    if (typeof templateId !== 'number') return { allowed: true };
    const template = await this.db.getRepository(PermissionTemplate).findOneBy({ id: templateId, companyId: subject.companyId });
    if (!template || template.assignable) return { allowed: true };
    return {
      allowed: false,
      layer: 'granular',
      message: `With a granular permission you may assign only assignable templates; '${template.name}' is not assignable. An Admin on the tool can assign it, or mark the template assignable.`,
      have: { grant: 'granular', template: { id: template.id, name: template.name, assignable: false } },
      need: 'an assignable template, or Admin on the tool',
    };
  }
}

@Injectable()
export class DirectoryPolicies implements OnModuleInit {
  constructor(
    private readonly registry: ItemPolicyRegistry,
    private readonly assignable: AssignableTemplatePolicy,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.assignable);
  }
}
