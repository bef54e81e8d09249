import { ConfigError, loadConfig } from './app-config';

const BASE = { DATABASE_URL: 'postgres://u@localhost:5432/db', REDIS_URL: 'redis://localhost:6379' };

function problem(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message;
  }
  throw new Error('expected a configuration error');
}

describe('configuration', () => {
  it('reads a minimal environment with defaults', () => {
    const c = loadConfig(BASE);
    expect(c.port).toBe(3000);
    expect(c.role).toBe('all');
    expect(c.processName).toBe('all');
    expect(c.openControls).toBe(false);
    expect(c.accessTokenTtlSeconds).toBe(5400);
    expect(c.storageDir).toBe(`${process.cwd()}/.sitesim/storage`);
  });

  it('takes the storage directory as an absolute path, a relative one from the working directory', () => {
    expect(loadConfig({ ...BASE, SIM_STORAGE_DIR: '/var/lib/sitesim' }).storageDir).toBe('/var/lib/sitesim');
    expect(loadConfig({ ...BASE, SIM_STORAGE_DIR: 'data/files' }).storageDir).toBe(`${process.cwd()}/data/files`);
  });

  it('names the process by its role unless SIM_PROCESS_NAME names it', () => {
    expect(loadConfig({ ...BASE, SIM_ROLE: 'worker' }).processName).toBe('worker');
    expect(loadConfig({ ...BASE, SIM_ROLE: 'api', SIM_PROCESS_NAME: 'api-2' }).processName).toBe('api-2');
  });

  it.each([
    [{ ...BASE, SIM_PROCESS_NAME: 'api 2' }, /^SIM_PROCESS_NAME must be 1-64 letters/],
    [{ REDIS_URL: BASE.REDIS_URL }, /^DATABASE_URL is required/],
    [{ ...BASE, DATABASE_URL: 'mysql://x' }, /^DATABASE_URL must use postgres/],
    [{ ...BASE, REDIS_URL: 'not a url' }, /^REDIS_URL must be a URL/],
    [{ ...BASE, PORT: 'eighty' }, /^PORT must be an integer/],
    [{ ...BASE, PORT: '70000' }, /^PORT must be an integer/],
    [{ ...BASE, SIM_ROLE: 'both' }, /^SIM_ROLE must be one of api, worker, all/],
    [{ ...BASE, SIM_OPEN_CONTROLS: 'maybe' }, /^SIM_OPEN_CONTROLS must be true or false/],
    [{ ...BASE, SIM_OPERATOR_TOKEN: 'short' }, /^SIM_OPERATOR_TOKEN must be at least 16/],
  ])('refuses %j with one line naming the variable', (env, message) => {
    const text = problem(env as Record<string, string>);
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
  });
});
