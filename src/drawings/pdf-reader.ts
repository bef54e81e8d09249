/**
 * The PDF reader's own process (`pdf-analysis.ts` starts it): reads a PDF on
 * stdin and writes, as one JSON line on stdout, each page's size, its text
 * lines with their boxes, and a PNG preview. MuPDF ships as an ES module of
 * WebAssembly, which is loaded here, out of the worker's process, so that a
 * damaged or huge file costs this process and not the worker.
 */
import type { PdfPage, ReaderAnswer } from './pdf-analysis';

/** Longest side of a preview, in pixels. */
const PREVIEW_PX = Number(process.env.SITESIM_PREVIEW_PX ?? 1600);

// A real dynamic import (TypeScript would turn `import()` into `require()`, which cannot load an ES module).
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<typeof import('mupdf/dist/mupdf')>;

interface StextLine {
  bbox: { x: number; y: number; w: number; h: number };
  font: { size: number };
  text: string;
}

async function read(input: Buffer): Promise<ReaderAnswer> {
  const mupdf = await importModule('mupdf');
  const doc = mupdf.Document.openDocument(input, 'application/pdf');
  try {
    const count = doc.countPages();
    if (count < 1) throw new Error('the PDF has no pages');
    const pages: PdfPage[] = [];
    for (let i = 0; i < count; i++) {
      const page = doc.loadPage(i);
      const [x0, y0, x1, y1] = page.getBounds();
      const width = x1 - x0;
      const height = y1 - y0;
      const text = JSON.parse(page.toStructuredText('preserve-whitespace').asJSON()) as { blocks: { type: string; lines?: StextLine[] }[] };
      const lines = text.blocks
        .flatMap((b) => (b.type === 'text' ? (b.lines ?? []) : []))
        .map((l) => ({ text: l.text.trim(), x: l.bbox.x - x0, y: l.bbox.y - y0, w: l.bbox.w, h: l.bbox.h, size: l.font.size }))
        .filter((l) => l.text.length > 0);
      const scale = Math.min(1, PREVIEW_PX / Math.max(width, height));
      const pixmap = page.toPixmap(mupdf.Matrix.scale(scale, scale), mupdf.ColorSpace.DeviceRGB, false, true);
      pages.push({ page: i + 1, width, height, lines, preview: { width: pixmap.getWidth(), height: pixmap.getHeight(), png: Buffer.from(pixmap.asPNG()).toString('base64') } });
      pixmap.destroy();
      page.destroy();
    }
    return { ok: true, pages };
  } finally {
    doc.destroy();
  }
}

const chunks: Buffer[] = [];
process.stdin.on('data', (c: Buffer) => chunks.push(c));
process.stdin.on('end', () => {
  read(Buffer.concat(chunks))
    .catch((err: unknown): ReaderAnswer => ({ ok: false, error: err instanceof Error ? err.message : String(err) }))
    .then((answer) => process.stdout.write(`${JSON.stringify(answer)}\n`, () => process.exit(0)));
});
