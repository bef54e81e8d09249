import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BoardAdapter } from '@bull-board/fastify';
import type { INestApplication } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../common/errors';
import { toErrorResponse } from '../common/errors/to-error-response';
import { SimControlGuard } from '../sandboxes/sim-control.guard';
import { QueueRegistry } from './queue-registry';

export const BOARD_PATH = '/_sim/queues/ui';

/**
 * Bull Board at /_sim/queues/ui, behind the simulator controls: the operator
 * token or open controls (a sandbox token is not enough: the board shows every
 * sandbox's jobs). Browsers may pass the token as `?token=`.
 */
export async function installQueueBoard(app: INestApplication, fastify: FastifyInstance): Promise<void> {
  const queues = app.get(QueueRegistry);
  const guard = app.get(SimControlGuard);
  const board = new BoardAdapter();
  createBullBoard({ queues: queues.all().map((q) => new BullMQAdapter(q, { readOnlyMode: false })), serverAdapter: board });
  board.setBasePath(BOARD_PATH);
  await fastify.register(
    async (scope) => {
      scope.addHook('onRequest', async (request, reply) => {
        // A browser opens the board with ?token=…; the board's own requests then carry it as a cookie.
        const query = (request.query as { token?: unknown })?.token;
        const cookie = /(?:^|;\s*)sitesim_board=([^;]+)/.exec(String(request.headers.cookie ?? ''))?.[1];
        const token = typeof query === 'string' ? query : cookie ? decodeURIComponent(cookie) : undefined;
        try {
          const sim = await guard.scopeOf(request.headers.authorization ?? (token ? `Bearer ${token}` : undefined));
          if (sim.kind === 'sandbox' || sim.kind === 'class') throw new AppError('permission_denied', 'The queue board shows every sandbox: it needs the operator token.', { layer: 'sim_control' });
          if (typeof query === 'string') {
            void reply.header('Set-Cookie', `sitesim_board=${encodeURIComponent(query)}; Path=${BOARD_PATH}; HttpOnly; SameSite=Strict`);
          }
        } catch (err) {
          const answer = toErrorResponse(err, String(request.id));
          return reply.status(answer.status).send(answer.body);
        }
        return undefined;
      });
      await scope.register(board.registerPlugin() as never);
    },
    { prefix: BOARD_PATH },
  );
}
