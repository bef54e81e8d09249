import { Injectable, OnModuleInit } from '@nestjs/common';
import { OAuthApp } from '../auth/entities/oauth-app.entity';
import { PermissionTemplate } from '../directory/entities/permission-template.entity';
import { ProjectMembership } from '../directory/entities/project-membership.entity';
import { User } from '../directory/entities/user.entity';
import { Vendor } from '../directory/entities/vendor.entity';
import { ProjectsService } from '../projects/projects.service';
import { SeedContext, SeedRegistry } from './seed-registry';
import { COMPANY_TEMPLATES, PERSONAS, PROJECT_TEMPLATES, PROJECTS, TRAINING_REDIRECT_URIS, VENDORS } from './training.fixture';

/** Keys of the seeded OAuth apps. */
export const SEEDED_APPS = {
  training: { name: 'Training Integration', redirectUris: TRAINING_REDIRECT_URIS, serviceAccount: false },
  service_account: { name: 'Training Service Account', redirectUris: [] as string[], serviceAccount: true },
} as const;
export type SeededAppKey = keyof typeof SEEDED_APPS;

export function personaEmail(key: string, sandboxId: number): string {
  return `${key.replace(/_/g, '.')}@sbx${sandboxId}.sitesim.test`;
}

/**
 * Seeds the directory of a sandbox: vendors, templates, personas, projects,
 * memberships and OAuth apps. The first step of every sandbox template.
 */
@Injectable()
export class DirectorySeed implements OnModuleInit {
  constructor(
    private readonly registry: SeedRegistry,
    private readonly projects: ProjectsService,
  ) {}

  onModuleInit(): void {
    this.registry.register({ name: 'directory', order: 0, templates: ['blank', 'training'], run: (ctx) => this.seed(ctx) });
  }

  async seed(ctx: SeedContext): Promise<void> {
    const m = ctx.manager;
    const credentials = ctx.credentials;
    const training = ctx.template === 'training';

    for (const v of training ? VENDORS : VENDORS.filter((x) => x.own)) {
      await ctx.insert(Vendor, 'vendors', v.key, { companyId: ctx.companyId, name: v.name, trade: v.trade, isOwnCompany: v.own });
    }
    for (const t of training ? [...COMPANY_TEMPLATES, ...PROJECT_TEMPLATES] : COMPANY_TEMPLATES) {
      await ctx.insert(PermissionTemplate, 'templates', t.key, {
        companyId: ctx.companyId, projectId: null, name: t.name, scope: t.scope, assignable: true, levels: t.levels, granular: t.granular,
      });
    }
    for (const p of training ? PROJECTS : []) {
      const row = await this.projects.insert(m, ctx.companyId, { id: ctx.previousId('projects', p.key), name: p.name, project_number: p.number, address: p.address }, null);
      ctx.record('projects', p.key, row.id);
    }
    for (const persona of training ? PERSONAS : PERSONAS.filter((p) => p.key === 'company_admin')) {
      const user = await ctx.insert(User, 'personas', persona.key, {
          companyId: ctx.companyId,
          vendorId: ctx.idOf('vendors', persona.vendor),
          companyTemplateId: ctx.idOf('templates', persona.companyTemplate),
          email: personaEmail(persona.key, ctx.sandboxId),
          name: persona.name,
          jobTitle: persona.jobTitle,
          passwordHash: credentials.personaPasswordHash,
      });
      for (const project of persona.projects) {
        await m.insert(ProjectMembership, {
          companyId: ctx.companyId,
          projectId: ctx.idOf('projects', project),
          userId: user.id,
          templateId: ctx.idOf('templates', persona.projectTemplate!),
        });
      }
    }
    if (!training) return;
    for (const [key, app] of Object.entries(SEEDED_APPS) as [SeededAppKey, (typeof SEEDED_APPS)[SeededAppKey]][]) {
      let serviceAccountUserId: number | null = null;
      if (app.serviceAccount) {
        const user = await ctx.insert(User, 'service_accounts', key, {
            companyId: ctx.companyId,
            vendorId: ctx.idOf('vendors', 'gc'),
            companyTemplateId: ctx.idOf('templates', 'company_employee'),
            email: `service.account@sbx${ctx.sandboxId}.sitesim.test`,
            name: app.name,
            isServiceAccount: true,
        });
        serviceAccountUserId = user.id;
        await m.insert(ProjectMembership, { companyId: ctx.companyId, projectId: ctx.idOf('projects', 'first'), userId: user.id, templateId: ctx.idOf('templates', 'project_manager') });
      }
      await ctx.insert(OAuthApp, 'apps', key, {
          companyId: ctx.companyId,
          name: app.name,
          clientId: `sbx${ctx.sandboxId}-${key.replace(/_/g, '-')}`,
          clientSecretHash: credentials.appSecretHashes[key],
          redirectUris: [...app.redirectUris],
          serviceAccountUserId,
      });
    }
  }
}
