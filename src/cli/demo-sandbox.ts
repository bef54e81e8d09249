import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { AppConfig } from '../config/app-config';
import { SandboxesService } from '../sandboxes/sandboxes.service';

export const DEMO_SANDBOX = 'Demo training sandbox';

export interface SandboxView {
  id: number;
  company_id: number;
  sandbox_token: string;
  personas: { key: string; email: string; password: string; template: string; user_id: number }[];
  projects: { id: number; name: string }[];
  apps: { key: string; client_id: string; client_secret?: string; redirect_uris: string[] }[];
}

/** Creates the demo training sandbox, or resets the existing one and issues it new secrets. */
export async function demoSandbox(app: INestApplicationContext, log: (line: string) => void): Promise<SandboxView> {
  const sandboxes = app.get(SandboxesService);
  const existing = await sandboxes.findByName(DEMO_SANDBOX);
  log(existing ? `refreshing the demo sandbox #${existing}…` : 'creating the demo sandbox…');
  if (existing) {
    await sandboxes.reset(existing);
    return (await sandboxes.rotate(existing)) as unknown as SandboxView;
  }
  return (await sandboxes.create(DEMO_SANDBOX, 'training', 1)) as unknown as SandboxView;
}

/**
 * The demo sandbox prepared without serving anything (an application context,
 * no HTTP, no job workers): before the processes of a scaled-out run start,
 * or as the one-shot step of a deployment. Its jobs wait in the outbox for the
 * first process that relays.
 */
export async function prepareDemoSandbox(config: AppConfig, log: (line: string) => void): Promise<SandboxView> {
  const context = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['warn', 'error'] });
  try {
    return await demoSandbox(context, log);
  } finally {
    await context.close();
  }
}
