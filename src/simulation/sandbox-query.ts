import { AppError } from '../common/errors';
import { Int } from '../common/openapi/schema';
import { parseId } from '../common/validation/id.pipe';

/** `?sandbox_id=` of a `/_sim` read or stop: the sandbox, when no sandbox token names it. */
export function sandboxQuery(query: Record<string, unknown>): number | undefined {
  if (query.sandbox_id === undefined) return undefined;
  const id = parseId(query.sandbox_id);
  if (id === null) throw AppError.field('sandbox_id', 'must be a sandbox id');
  return id;
}

export const SANDBOX_QUERY = {
  sandbox_id: { schema: Int({ minimum: 1, maximum: 2_147_483_647 }), description: 'The sandbox (implied by a sandbox token; needed without one)' },
};
