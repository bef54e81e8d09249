/**
 * The PDF reader's own process (`pdf-analysis.ts` starts it): reads a PDF on
 * stdin and writes, as one JSON line on stdout, each page's size, its text
 * runs with their boxes, and a PNG preview. pdf.js ships as an ES module, and
 * renders through a native canvas: both are loaded here, out of the worker's
 * process, so that a damaged or huge file costs this process and not the worker.
 */
import path from 'node:path';
import type { PdfPage, ReaderAnswer, TextLine } from './pdf-analysis';

/** Longest side of a preview, in pixels. */
const PREVIEW_PX = Number(process.env.SITESIM_PREVIEW_PX ?? 1600);

// A real dynamic import (TypeScript would turn `import()` into `require()`, which cannot load an ES module).
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

interface TextItem {
  str: string;
  transform: number[];
  width: number;
  height: number;
}

interface PdfJs {
  getDocument(options: Record<string, unknown>): { promise: Promise<PdfDocument> };
}
interface PdfDocument {
  numPages: number;
  getPage(n: number): Promise<PdfJsPage>;
  destroy(): Promise<void>;
}
interface Viewport {
  width: number;
  height: number;
  convertToViewportPoint(x: number, y: number): [number, number];
}
interface PdfJsPage {
  getViewport(o: { scale: number }): Viewport;
  getTextContent(): Promise<{ items: (TextItem | { type: string })[] }>;
  render(o: { canvas: unknown; viewport: Viewport }): { promise: Promise<void> };
  cleanup(): void;
}

async function read(input: Buffer): Promise<ReaderAnswer> {
  const canvas = (await import('@napi-rs/canvas')) as typeof import('@napi-rs/canvas');
  // pdf.js draws with the canvas's own path and matrix types.
  Object.assign(globalThis, { Path2D: canvas.Path2D, DOMMatrix: canvas.DOMMatrix, ImageData: canvas.ImageData });
  const pdfjs = (await importModule('pdfjs-dist/legacy/build/pdf.mjs')) as PdfJs;
  // The 14 standard fonts as pdf.js ships them, so that sheets which do not embed them render as drawn.
  const standardFontDataUrl = path.join(path.dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts') + path.sep;
  const doc = await pdfjs.getDocument({ data: new Uint8Array(input), verbosity: 0, isEvalSupported: false, disableFontFace: true, useSystemFonts: false, standardFontDataUrl }).promise;
  try {
    if (doc.numPages < 1) throw new Error('the PDF has no pages');
    const pages: PdfPage[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const viewport = page.getViewport({ scale: 1 });
      const lines: TextLine[] = [];
      for (const item of (await page.getTextContent()).items) {
        if (!('str' in item) || !item.str.trim()) continue;
        // The run's baseline origin, in points from the page's top left; its box rises from the baseline.
        const [x, baseline] = viewport.convertToViewportPoint(item.transform[4], item.transform[5]);
        const size = Math.hypot(item.transform[2], item.transform[3]) || item.height;
        lines.push({ text: item.str.trim(), x, y: baseline - size, w: item.width, h: size, size });
      }
      const scale = Math.min(1, PREVIEW_PX / Math.max(viewport.width, viewport.height));
      const view = page.getViewport({ scale });
      const surface = canvas.createCanvas(Math.max(1, Math.round(view.width)), Math.max(1, Math.round(view.height)));
      const ctx = surface.getContext('2d');
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, surface.width, surface.height);
      await page.render({ canvas: surface, viewport: view }).promise;
      pages.push({ page: n, width: viewport.width, height: viewport.height, lines, preview: { width: surface.width, height: surface.height, png: surface.toBuffer('image/png').toString('base64') } });
      page.cleanup();
    }
    return { ok: true, pages };
  } finally {
    await doc.destroy();
  }
}

const chunks: Buffer[] = [];
process.stdin.on('data', (c: Buffer) => chunks.push(c));
process.stdin.on('end', () => {
  read(Buffer.concat(chunks))
    .catch((err: unknown): ReaderAnswer => ({ ok: false, error: err instanceof Error ? err.message : String(err) }))
    .then((answer) => process.stdout.write(`${JSON.stringify(answer)}\n`, () => process.exit(0)));
});
