import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface InboxEntry {
  at: string;
  body: unknown;
}

/**
 * A real HTTP receiver inside the simulator, on loopback, for scenarios that
 * need a webhook destination: each inbox is a path; every POST is kept.
 */
@Injectable()
export class SimInbox implements OnApplicationShutdown {
  private server: Server | null = null;
  private starting: Promise<string> | null = null;
  private readonly inboxes = new Map<string, InboxEntry[]>();

  /** A new inbox and the URL that delivers to it. */
  async create(): Promise<{ key: string; url: string }> {
    const base = await this.start();
    const key = randomBytes(8).toString('hex');
    this.inboxes.set(key, []);
    return { key, url: `${base}/inbox/${key}` };
  }

  entries(key: string): InboxEntry[] {
    return this.inboxes.get(key) ?? [];
  }

  private start(): Promise<string> {
    this.starting ??= new Promise<string>((resolve, reject) => {
      const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const key = /^\/inbox\/([0-9a-f]{16})$/.exec(req.url ?? '')?.[1];
          const inbox = key ? this.inboxes.get(key) : undefined;
          if (req.method !== 'POST' || !inbox) {
            res.writeHead(404).end();
            return;
          }
          let body: unknown = Buffer.concat(chunks).toString('utf8');
          try {
            body = JSON.parse(body as string);
          } catch {
            /* keep text */
          }
          inbox.push({ at: new Date().toISOString(), body });
          res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
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
