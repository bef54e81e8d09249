import { QueryFailedError } from 'typeorm';
import { toErrorResponse } from '../common/errors';
import { isTransientConflict, retryTransient } from './errors';

const pgError = (code: string) => new QueryFailedError('DELETE FROM companies WHERE id = $1', [1], Object.assign(new Error(code === '40P01' ? 'deadlock detected' : 'failed'), { code }));

describe('transient database conflicts', () => {
  it('tells a deadlock or a serialization failure from other errors', () => {
    expect(isTransientConflict(pgError('40P01'))).toBe(true);
    expect(isTransientConflict(pgError('40001'))).toBe(true);
    expect(isTransientConflict(pgError('23505'))).toBe(false);
    expect(isTransientConflict(new Error('deadlock detected'))).toBe(false);
  });

  it('answers one that reaches a request 503 with Retry-After, not 500', () => {
    const answer = toErrorResponse(pgError('40P01'), 'req-1');
    expect(answer).toMatchObject({ status: 503, code: 'service_unavailable', headers: { 'Retry-After': '1' } });
    expect(toErrorResponse(pgError('23503'), 'req-2').status).toBe(500);
  });

  it('runs the work again after a conflict, and gives up after its attempts or on any other error', async () => {
    let calls = 0;
    await expect(retryTransient(async () => (++calls < 3 ? Promise.reject(pgError('40P01')) : 'done'))).resolves.toBe('done');
    expect(calls).toBe(3);
    calls = 0;
    await expect(retryTransient(async () => { calls++; throw pgError('40P01'); }, 2)).rejects.toThrow('deadlock');
    expect(calls).toBe(2);
    calls = 0;
    await expect(retryTransient(async () => { calls++; throw pgError('23505'); })).rejects.toThrow();
    expect(calls).toBe(1);
  });
});
