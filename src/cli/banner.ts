import type { AppConfig } from '../config/app-config';
import type { SandboxView } from './demo-sandbox';
import type { ChildView } from './supervisor';

const pad = (s: string, n: number) => s.padEnd(n);

/** Where the API answers, for the banner: the public URL, or the address it listens on. */
export function baseUrl(config: AppConfig, port: number): string {
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return config.publicUrl ?? `http://${host}:${port}`;
}

/** The processes of this run: one, or the supervisor's children by role. */
export function processLines(children: ChildView[] | null): string[] {
  if (!children) return [`  Processes  1 (pid ${process.pid}): the API and the job workers together`];
  const list = (role: ChildView['role']) =>
    children
      .filter((c) => c.role === role)
      .map((c) => `${c.name} (pid ${c.pid})`)
      .join(', ');
  const apis = children.filter((c) => c.role === 'api').length;
  const workers = children.length - apis;
  return [
    `  Processes  ${children.length + 1}: supervisor (pid ${process.pid}); a child that dies is started again`,
    `             ${apis} API on one port: ${list('api')}`,
    `             ${workers} job worker${workers === 1 ? '' : 's'}: ${list('worker')}`,
  ];
}

/** The demo sandbox's ids, logins and secrets, and how to sign in. */
export function sandboxLines(base: string, sb: SandboxView): string[] {
  return [
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
  ];
}

export function banner(base: string, sb: SandboxView, config: AppConfig, children: ChildView[] | null): string {
  const lines = [
    '',
    '  sitesim is running',
    '',
    `  API        ${base}/rest/v1.0`,
    `  Console    ${base}/console   (trainers' classes; trainees sign in at ${base}/console/signin?client_id=${sb.apps.find((a) => a.key === 'training')?.client_id ?? ''})`,
    `  Docs       ${base}/docs   (OpenAPI: ${base}/docs/openapi.json)`,
    `  Health     ${base}/health   Metrics: ${base}/metrics`,
    `  Simulator  ${base}/_sim   (controls ${config.openControls ? 'open to anyone (SIM_OPEN_CONTROLS=true)' : 'need the sandbox token'})`,
    ...processLines(children),
    '',
    ...sandboxLines(base, sb),
    '',
    '  Ctrl-C stops.',
    '',
  ];
  return lines.join('\n');
}
