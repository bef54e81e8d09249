import sharp from 'sharp';
import { HttpEngine } from './http-engine';
import { Sessions } from './sessions';
import { PERSONA_KEYS, PersonaKey, Target, TargetError } from './target';
import { Fixtures } from './workflows/context';

/** A 640×480 JPEG of a smooth gradient with an EXIF capture time: small (~10 KiB), and decoded for real by the upload job. */
export async function makeJpeg(width = 640, height = 480): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      pixels[i] = (x * 255) / width;
      pixels[i + 1] = (y * 255) / height;
      pixels[i + 2] = 128 + 64 * Math.sin((x + y) / 40);
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 80 })
    .withExif({ IFD0: { Make: 'sitesim', Model: 'load runner' }, IFD2: { DateTimeOriginal: '2026:03:02 08:15:00' } })
    .toBuffer();
}

/** Finds in the sandbox what the workflows write against: an album, the prime contract, a cost code. */
export async function discoverFixtures(engine: HttpEngine, sessions: Sessions, target: Target, runTag: string): Promise<Fixtures> {
  const projectId = target.projects.first;
  const get = async <T>(persona: PersonaKey, path: string): Promise<T> => {
    const res = await engine.exchange<T>({ method: 'GET', path, token: await sessions.token(persona, 0), company: target.companyId });
    if (res.status !== 200) throw new TargetError(`cannot read ${path} as ${persona} (${res.status}): the sandbox is not as the training template seeds it`);
    return res.body;
  };
  const [albums, contracts, codes, jpeg] = await Promise.all([
    get<{ id: number; private: boolean }[]>('superintendent', `/rest/v1.0/projects/${projectId}/image_categories`),
    get<{ id: number }[]>('gc_project_manager', `/rest/v1.0/projects/${projectId}/prime_contracts`),
    get<{ id: number }[]>('gc_project_manager', `/rest/v1.0/projects/${projectId}/cost_codes?per_page=1`),
    makeJpeg(),
  ]);
  const album = albums.find((a) => !a.private);
  if (!album || !contracts.length || !codes.length) throw new TargetError(`the sandbox's first project has no ${!album ? 'public album' : !contracts.length ? 'prime contract' : 'cost code'}: reset it to its seeded state`);
  const users = Object.fromEntries(PERSONA_KEYS.map((k) => [k, target.personas.get(k)!.userId])) as Record<PersonaKey, number>;
  return { companyId: target.companyId, projectId, users, albumId: album.id, primeContractId: contracts[0].id, costCodeId: codes[0].id, jpeg, runTag };
}
