import { EventEmitter } from 'node:events';
import { Pool } from 'pg';
import { toErrorResponse } from '../../src/common/errors/to-error-response';

/** A stand-in for pg's Client that connects at once and is never released: the pool's only connection stays busy. */
class BusyClient extends EventEmitter {
  connect(callback: (err: Error | null) => void): void {
    callback(null);
  }
  end(): Promise<void> {
    return Promise.resolve();
  }
}

describe('a request that finds every database connection busy', () => {
  it('answers 503 system_overloaded with Retry-After, not a 500', async () => {
    const pool = new Pool({ max: 1, connectionTimeoutMillis: 20, Client: BusyClient } as never);
    const held = await pool.connect();
    const err = await pool.connect().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    const answer = toErrorResponse(err, 'req-1');
    expect(answer).toMatchObject({ status: 503, code: 'system_overloaded', headers: { 'Retry-After': '1' } });
    expect(answer.body).toMatchObject({ error: { code: 'system_overloaded', details: { reason: 'database_pool_exhausted' }, request_id: 'req-1' } });
    held.release();
    await pool.end();
  });
});
