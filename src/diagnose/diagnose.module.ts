import { Global, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { CauseRegistry } from './causes';
import { EditConflictCause } from './edit-conflict.cause';
import { DiagnoseController } from './diagnose.controller';
import { DiagnoseService } from './diagnose.service';

@Injectable()
class CommonCauses implements OnModuleInit {
  constructor(
    private readonly registry: CauseRegistry,
    private readonly conflict: EditConflictCause,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.conflict);
  }
}

@Global()
@Module({
  providers: [CauseRegistry, DiagnoseService, EditConflictCause, CommonCauses],
  controllers: [DiagnoseController],
  exports: [CauseRegistry, DiagnoseService],
})
export class DiagnoseModule {}
