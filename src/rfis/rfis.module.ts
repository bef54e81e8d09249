import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Rfi, RfiAssignee, RfiDistribution, RfiReply } from './rfi.entities';
import { RfisController } from './rfis.controller';
import { RfiRepliesService } from './rfi-replies.service';
import { RfiPolicies, RfiRolePolicy, RfiViewPolicy } from './rfis.policies';
import { RfisService } from './rfis.service';

/** RFIs: drafts, opening and numbering, privacy (issue 5, first slice). */
@Module({
  imports: [TypeOrmModule.forFeature([Rfi, RfiAssignee, RfiDistribution, RfiReply])],
  providers: [RfisService, RfiRepliesService, RfiViewPolicy, RfiRolePolicy, RfiPolicies],
  controllers: [RfisController],
  exports: [RfisService],
})
export class RfisModule {}
