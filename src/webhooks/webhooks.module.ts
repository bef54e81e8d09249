import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WebhookDelivery, WebhookHook, WebhookTrigger } from './webhook.entities';
import { WebhookDeliveryProcessor } from './webhook-delivery.processor';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

@Module({
  imports: [TypeOrmModule.forFeature([WebhookHook, WebhookTrigger, WebhookDelivery])],
  providers: [WebhooksService, WebhookDeliveryProcessor],
  controllers: [WebhooksController],
})
export class WebhooksModule {}
