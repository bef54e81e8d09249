import { createHash, randomBytes } from 'node:crypto';
import * as argon2 from 'argon2';

/** OWASP's minimum argon2id parameters: strong, and fast enough for login storms. */
const ARGON = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashSecret(plain: string): Promise<string> {
  return argon2.hash(plain, ARGON);
}

export async function verifySecret(hash: string | null | undefined, plain: string): Promise<boolean> {
  if (!hash) return false;
  try {
    return await argon2.verify(hash, plain);
  } catch {
    return false;
  }
}

/** A random, URL-safe token. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Tokens are high-entropy, so a fast digest is the right index for them. */
export function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
