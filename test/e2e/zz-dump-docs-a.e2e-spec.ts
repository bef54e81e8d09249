import { writeFileSync } from 'node:fs';
import { TestApp } from '../support/test-app';

it('dumps the document', async () => {
  const t = await TestApp.start({ workers: false });
  try {
    const res = await t.client().get('/docs/openapi.json');
    writeFileSync('/tmp/docs-a/openapi.json', JSON.stringify(res.body, null, 2));
  } finally {
    await t.stop();
  }
}, 120_000);
