import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { REDIS } from '../redis/redis.module';

/** How long an inbox keeps what it received. */
const KEEP_SECONDS = 24 * 3600;

export interface InboxEntry {
  at: string;
  body: unknown;
}

/**
 * A real HTTP receiver inside the simulator, on loopback, for scenarios that
 * need a webhook destination: each inbox is a path; every POST is kept in
 * Redis, so that any API process can read what the inbox of another received
 * (a scenario run through one process may be fixed through another).
 */
@Injectable()
export class SimInbox implements OnApplicationShutdown {
  private server: Server | null = null;
  private starting: Promise<string> | null = null;
  /** The inboxes this process's receiver delivers to (their URLs name its port). */
  private readonly inboxes = new Set<string>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  /** A new inbox and the URL that delivers to it. */
  async create(): Promise<{ key: string; url: string }> {
    const base = await this.start();
    const key = randomBytes(8).toString('hex');
    this.inboxes.add(key);
    return { key, url: `${base}/inbox/${key}` };
  }

  async entries(key: string): Promise<InboxEntry[]> {
    return (await this.redis.lrange(this.listKey(key), 0, -1)).map((e) => JSON.parse(e) as InboxEntry);
  }

  private listKey(key: string): string {
    return `${this.config.redisPrefix}:inbox:${key}`;
  }

  private start(): Promise<string> {
    this.starting ??= new Promise<string>((resolve, reject) => {
      const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const key = /^\/inbox\/([0-9a-f]{16})$/.exec(req.url ?? '')?.[1];
          if (req.method !== 'POST' || !key || !this.inboxes.has(key)) {
            res.writeHead(404).end();
            return;
          }
          let body: unknown = Buffer.concat(chunks).toString('utf8');
          try {
            body = JSON.parse(body as string);
          } catch {
            /* keep text */
          }
          const entry: InboxEntry = { at: new Date().toISOString(), body };
          this.redis
            .multi()
            .rpush(this.listKey(key), JSON.stringify(entry))
            .expire(this.listKey(key), KEEP_SECONDS)
            .exec()
            .then(
              () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'),
              () => res.writeHead(503, { 'content-type': 'text/plain' }).end('not kept'),
            );
        });
      });
      server.on('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
      this.server = server;
    });
    return this.starting;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
