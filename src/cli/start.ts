import 'reflect-metadata';
import { createApp } from '../bootstrap';
import { AppConfig, ConfigError, loadConfig } from '../config/app-config';
import { runMigrations } from '../database/migrate';
import { stopOnSignals } from '../main';
import { SandboxesService } from '../sandboxes/sandboxes.service';
import { startWorker } from '../worker';

export const DEMO_SANDBOX = 'Demo training sandbox';

interface SandboxView {
  id: number;
  company_id: number;
  sandbox_token: string;
  personas: { key: string; email: string; password: string; template: string; user_id: number }[];
  projects: { id: number; name: string }[];
  apps: { key: string; client_id: string; client_secret?: string; redirect_uris: string[] }[];
}

function banner(base: string, sb: SandboxView, config: AppConfig): string {
  const pad = (s: string, n: number) => s.padEnd(n);
  const lines = [
    '',
    '  sitesim is running',
    '',
    `  API        ${base}/rest/v1.0`,
    `  Console    ${base}/console   (trainers' classes; trainees sign in at ${base}/console/signin?client_id=${sb.apps.find((a) => a.key === 'training')?.client_id ?? ''})`,
    `  Docs       ${base}/docs   (OpenAPI: ${base}/docs/openapi.json)`,
    `  Health     ${base}/health   Metrics: ${base}/metrics`,
    `  Simulator  ${base}/_sim   (controls ${config.openControls ? 'open to anyone (SIM_OPEN_CONTROLS=true)' : 'need the sandbox token'})`,
    '',
    `  Demo sandbox #${sb.id} (company ${sb.company_id}; send Procore-Company-Id: ${sb.company_id})`,
    `  Sandbox token  ${sb.sandbox_token}`,
    `  Projects       ${sb.projects.map((p) => `${p.id} ${p.name}`).join('; ')}`,
    '',
    `  ${pad('persona', 20)}${pad('login', 44)}${pad('password', 24)}template`,
    ...sb.personas.map((p) => `  ${pad(p.key, 20)}${pad(p.email, 44)}${pad(p.password, 24)}${p.template}`),
    '',
    ...sb.apps.map((a) => `  OAuth app ${pad(a.key, 16)} client_id ${a.client_id}  client_secret ${a.client_secret ?? '(unchanged)'}`),
    '',
    '  Sign in:',
    `    curl -s -X POST ${base}/oauth/token -H 'Content-Type: application/json' \\`,
    `      -d '{"grant_type":"password","username":"${sb.personas[1]?.email ?? sb.personas[0].email}","password":"${sb.personas[0].password}"}'`,
    '',
    '  Ctrl-C stops.',
    '',
  ];
  return lines.join('\n');
}

/** `npm start`: migrate, start API + worker, create or refresh the demo sandbox, print how to use it. */
export async function run(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig({ SIM_OPEN_CONTROLS: 'true', ...process.env });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const applied = await runMigrations(config.databaseUrl);
  process.stderr.write(applied.length ? `[start] migrations applied: ${applied.join(', ')}\n` : '[start] schema is up to date\n');
  const app = await createApp(config, { logger: ['warn', 'error'] });
  await app.listen({ port: config.port, host: config.host });
  const worker = config.role === 'api' ? null : await startWorker(config, app);

  const sandboxes = app.get(SandboxesService);
  const existing = await sandboxes.findByName(DEMO_SANDBOX);
  process.stderr.write(existing ? `[start] refreshing the demo sandbox #${existing}…\n` : '[start] creating the demo sandbox…\n');
  let view: SandboxView;
  if (existing) {
    await sandboxes.reset(existing);
    view = (await sandboxes.rotate(existing)) as unknown as SandboxView;
  } else {
    view = (await sandboxes.create(DEMO_SANDBOX, 'training', 1)) as unknown as SandboxView;
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const base = config.publicUrl ?? `http://${host}:${port}`;
  process.stdout.write(banner(base, view, config));
  stopOnSignals(async () => {
    await worker?.close();
    await app.close();
  });
}

if (require.main === module) {
  run().catch((err: Error) => {
    process.stderr.write(`failed to start: ${err.message}\n`);
    process.exit(1);
  });
}
