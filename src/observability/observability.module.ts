import { Global, Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { Metrics } from './metrics';

@Global()
@Module({ providers: [Metrics], controllers: [HealthController], exports: [Metrics] })
export class ObservabilityModule {}
