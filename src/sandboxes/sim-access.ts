import { AppError } from '../common/errors';

/** Who is driving the simulator on this request. */
export type SimScope = { kind: 'open' } | { kind: 'operator' } | { kind: 'sandbox'; sandboxId: number } | { kind: 'class'; classId: number };

declare module 'fastify' {
  interface FastifyRequest {
    simScope?: SimScope;
  }
}

/** Creating and listing every sandbox is for the operator (or open local controls). */
export function assertOperator(scope: SimScope | undefined): void {
  if (scope?.kind === 'open' || scope?.kind === 'operator') return;
  throw new AppError('permission_denied', 'Only the operator token (SIM_OPERATOR_TOKEN) may do this; a sandbox token manages its own sandbox only.', {
    layer: 'sim_control',
  });
}

/** A sandbox token acts on its own sandbox only. */
export function assertSandbox(scope: SimScope | undefined, sandboxId: number): void {
  if (scope?.kind === 'sandbox' && scope.sandboxId !== sandboxId) {
    throw new AppError('permission_denied', 'This sandbox token belongs to another sandbox.', { layer: 'sim_control', sandbox_id: sandboxId });
  }
}
