import { Global, Module } from '@nestjs/common';
import { RateLimiter } from '../common/rate-limit/rate-limiter';
import { AccessService } from './access.service';
import { DirectLinkCause, PermissionCauses, PermissionDeniedCause, ToolInactiveCause } from './permissions.causes';
import { DenialsService } from './denials.service';
import { ExplainService } from './explain.service';
import { ItemPolicyRegistry } from './item-policy';
import { PermissionChanges } from './permission-changes';
import { PermissionGuard } from './permission.guard';
import { PermissionsController } from './permissions.controller';

@Global()
@Module({
  providers: [PermissionDeniedCause, ToolInactiveCause, DirectLinkCause, PermissionCauses, RateLimiter, PermissionChanges, AccessService, ItemPolicyRegistry, DenialsService, ExplainService, PermissionGuard],
  controllers: [PermissionsController],
  exports: [ExplainService, PermissionChanges, AccessService, ItemPolicyRegistry, DenialsService, PermissionGuard],
})
export class PermissionsModule {}
