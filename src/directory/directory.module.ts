import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AssignableTemplatePolicy, DirectoryPolicies } from './directory.policies';
import { DirectoryCauses, RemovedFromProjectCause, TemplateChangedCause } from './directory.causes';
import { Company } from './entities/company.entity';
import { PermissionTemplate } from './entities/permission-template.entity';
import { ProjectMembership } from './entities/project-membership.entity';
import { User } from './entities/user.entity';
import { Vendor } from './entities/vendor.entity';
import { MembershipsController } from './memberships.controller';
import { MembershipsService } from './memberships.service';
import { CompanyTemplatesController, ProjectTemplatesController } from './templates.controller';
import { TemplatesService } from './templates.service';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';
import { VendorsController } from './vendors.controller';
import { VendorsService } from './vendors.service';

@Module({
  imports: [TypeOrmModule.forFeature([Company, Vendor, User, PermissionTemplate, ProjectMembership])],
  providers: [RemovedFromProjectCause, TemplateChangedCause, DirectoryCauses, UsersService, VendorsService, TemplatesService, MembershipsService, AssignableTemplatePolicy, DirectoryPolicies],
  controllers: [UsersController, VendorsController, CompanyTemplatesController, ProjectTemplatesController, MembershipsController],
  exports: [UsersService, MembershipsService],
})
export class DirectoryModule {}
