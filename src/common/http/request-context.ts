import type { AccessSubject } from '../../permissions/access-subject';
import type { Decision } from '../../permissions/resolver';
import type { SandboxSettings } from '../../sandboxes/sandbox-settings';
import type { DeviceRow } from '../../devices/devices.service';

/** Who is calling, established by the auth guard (layer 1). */
export interface AuthContext {
  tokenId: number;
  appId: number | null;
  appClientId: string | null;
  /** When the token was issued, epoch seconds. */
  tokenCreatedAt: number;
  userId: number;
  /** The company whose directory the user is in. */
  companyId: number;
  expiresAt: Date;
  /** The company's permission epoch read for this request; null when unknown (no caching then). */
  epoch: number | null;
  settings: SandboxSettings;
  user: { id: number; name: string; login: string; vendorId: number | null };
}

/** What the permission guard decided, for the handler to use (e.g. a list's scope). */
export interface AccessContext {
  companyId: number;
  projectId: number | null;
  subject: AccessSubject;
  decision: Decision | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth?: AuthContext;
    access?: AccessContext;
    /** The sandbox (or `operator`) a `/_sim` call acts for. */
    simPrincipal?: string;
    startedAt?: bigint;
    /** What identifies a body that is not the JSON in `body` (a multipart form: its fields and its files' checksums), for Idempotency-Key. */
    bodyFingerprint?: string;
    /** The device of a `/rest` request with `X-Device-Id` (resolved before any route runs: offline capture, its network). */
    device?: DeviceRow;
    /** The file of a route that takes one whole (`TakesFile`), read from its multipart part `file`. */
    receivedFile?: { fileName: string | null; bytes: Buffer };
  }
}
