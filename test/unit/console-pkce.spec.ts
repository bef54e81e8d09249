import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { challengeOf, randomString, sha256ForTest } from '../../console/src/pkce';

/** The console's PKCE: the S256 challenge, and the SHA-256 it falls back to where the page has no crypto.subtle (plain http). */
describe('console PKCE', () => {
  it('derives the challenge of RFC 7636 appendix B', async () => {
    expect(await challengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('computes the same SHA-256 as node for any input, across block boundaries', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(Buffer.from(sha256ForTest(bytes)).toString('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
      }),
      { numRuns: 300 },
    );
    for (const n of [0, 55, 56, 63, 64, 65, 119, 120, 128]) {
      const bytes = new Uint8Array(n).fill(0x61);
      expect(Buffer.from(sha256ForTest(bytes)).toString('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });

  it('makes verifiers PKCE accepts: 43 to 128 unreserved characters', () => {
    for (const bytes of [32, 48, 96]) expect(randomString(bytes)).toMatch(/^[A-Za-z0-9._~-]{43,128}$/);
  });
});
