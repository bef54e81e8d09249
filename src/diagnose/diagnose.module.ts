import { Global, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { CauseRegistry } from './causes';
import { EditConflictCause } from './edit-conflict.cause';
import { FilteredOutCause } from './filtered-out.cause';
import { DiagnoseController } from './diagnose.controller';
import { DiagnoseService } from './diagnose.service';

@Injectable()
class CommonCauses implements OnModuleInit {
  constructor(
    private readonly registry: CauseRegistry,
    private readonly conflict: EditConflictCause,
    private readonly filtered: FilteredOutCause,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.conflict, this.filtered);
  }
}

@Global()
@Module({
  providers: [CauseRegistry, DiagnoseService, EditConflictCause, FilteredOutCause, CommonCauses],
  controllers: [DiagnoseController],
  exports: [CauseRegistry, DiagnoseService, FilteredOutCause],
})
export class DiagnoseModule {}
