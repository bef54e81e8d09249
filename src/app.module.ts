import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { BudgetModule } from './budget/budget.module';
import { ContractsModule } from './contracts/contracts.module';
import { DrawingsModule } from './drawings/drawings.module';
import { PhotosModule } from './photos/photos.module';
import { ChangesModule } from './changes/changes.module';
import { DiagnoseModule } from './diagnose/diagnose.module';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { ItemHeadersInterceptor } from './common/http/item-headers.interceptor';
import { IdempotencyInterceptor } from './common/idempotency/idempotency.interceptor';
import { PageInterceptor } from './common/pagination';
import { StrictValidationPipe } from './common/validation/validation.pipe';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { dataSourceOptions } from './database/data-source-options';
import { DirectoryModule } from './directory/directory.module';
import { ObservabilityModule } from './observability/observability.module';
import { PermissionGuard } from './permissions/permission.guard';
import { PermissionsModule } from './permissions/permissions.module';
import { ProjectsModule } from './projects/projects.module';
import { QueuesModule } from './queues/queues.module';
import { RedisModule } from './redis/redis.module';
import { SandboxesModule } from './sandboxes/sandboxes.module';
import { SimControlGuard } from './sandboxes/sim-control.guard';
import { WebhooksModule } from './webhooks/webhooks.module';
import { SimulationModule } from './simulation/simulation.module';
import { EdgeCache } from './simulation/edge-cache';
import { DevicesModule } from './devices/devices.module';
import { RfisModule } from './rfis/rfis.module';
import { SubmittalsModule } from './submittals/submittals.module';
import { MultipartForm } from './uploads/multipart-form';
import { UploadsModule } from './uploads/uploads.module';
import { DeviceView } from './devices/device-view.interceptor';
import { ScenariosModule } from './scenarios/scenarios.module';
import { ClassesModule } from './classes/classes.module';
import { TimelineModule } from './timeline/timeline.module';
import { TrainingModule } from './training/training.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRoot({
          ...dataSourceOptions(config.databaseUrl, config.dbPoolSize),
          autoLoadEntities: true,
          retryAttempts: 0,
        }),
        RedisModule,
        QueuesModule,
        ObservabilityModule,
        AuditModule,
        ChangesModule,
        DiagnoseModule,
        PermissionsModule,
        AuthModule,
        DirectoryModule,
        ProjectsModule,
        SandboxesModule,
        WebhooksModule,
        SimulationModule,
        ScenariosModule,
        ClassesModule,
        TimelineModule,
        TrainingModule,
        DevicesModule,
        UploadsModule,
        RfisModule,
        SubmittalsModule,
        BudgetModule,
        ContractsModule,
        PhotosModule,
        DrawingsModule,
      ],
      providers: [
        { provide: APP_GUARD, useExisting: SimControlGuard },
        { provide: APP_GUARD, useExisting: PermissionGuard },
        { provide: APP_PIPE, useClass: StrictValidationPipe },
        // Devices, then the edge cache, are outermost: they keep (and replay) the final body and paging headers.
        { provide: APP_INTERCEPTOR, useExisting: DeviceView },
        { provide: APP_INTERCEPTOR, useExisting: EdgeCache },
        { provide: APP_INTERCEPTOR, useClass: PageInterceptor },
        { provide: APP_INTERCEPTOR, useClass: ItemHeadersInterceptor },
        // Multipart forms are read before the idempotency check, which compares their fields and files' checksums.
        { provide: APP_INTERCEPTOR, useExisting: MultipartForm },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
      ],
    };
  }
}
