import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** One line of a page's text, its box in PDF points from the page's top left. */
export interface TextLine {
  text: string;
  x: number;
  y: number;
  w: number;
  h: number;
  size: number;
}

export interface PdfPage {
  page: number;
  /** PDF points. */
  width: number;
  height: number;
  lines: TextLine[];
  preview: { width: number; height: number; png: string };
}

export type ReaderAnswer = { ok: true; pages: PdfPage[] } | { ok: false; error: string };

/** A sheet as processing reads it from its page. */
export interface SheetFacts {
  page: number;
  width: number;
  height: number;
  /** From the title block when the page has text that reads as one; null otherwise. */
  number: string | null;
  title: string | null;
  preview: { width: number; height: number; content: Buffer };
}

/** Longest a PDF may take to read (a file that hangs the reader fails, it does not hold the worker). */
const READ_TIMEOUT_MS = 120_000;

/** A sheet number as drawings carry them: a discipline letter or three, then digits (A-101, S201, A1.01, M-101A). */
const SHEET_NUMBER = /^[A-Z]{1,3}[-. ]?\d{1,4}(?:\.\d{1,3})?[A-Z]?$/;

/** Title-block lines that are not the title: labels and sheet counts. */
const TITLE_BLOCK_LABEL = /^(sheet|scale|date|drawn|checked|approved|project|job|rev(ision)?|issued?)\b|\d+\s+of\s+\d+/i;

/**
 * The sheet number and title from a page's text, as a reviewer reads them off
 * the title block: the number is the line that reads as a sheet number nearest
 * the bottom-right corner (the largest such text wins a tie); the title is the
 * largest line of words above it in the same corner (nearest first), not a label.
 */
export function readTitleBlock(lines: TextLine[], width: number, height: number): { number: string | null; title: string | null } {
  const corner = (l: TextLine) => l.x + l.w / 2 >= width * 0.5 && l.y + l.h / 2 >= height * 0.5;
  const distance = (l: TextLine) => Math.hypot(width - (l.x + l.w), height - (l.y + l.h));
  const numbers = lines.filter((l) => SHEET_NUMBER.test(l.text) && corner(l)).sort((a, b) => distance(a) - distance(b) || b.size - a.size);
  const number = numbers[0];
  if (!number) return { number: null, title: null };
  const candidates = lines.filter(
    (l) => l !== number && corner(l) && !SHEET_NUMBER.test(l.text) && /[A-Za-z]{3}/.test(l.text) && l.text.length <= 255 && l.y <= number.y + number.h && Math.abs(l.x - number.x) < width * 0.25,
  );
  const gap = (l: TextLine) => Math.abs(number.y - (l.y + l.h)) + Math.abs(l.x - number.x) / 4;
  // The title is the block's largest words (the project name, the scale and "sheet 3 of 9" are smaller, or labels).
  const title = candidates.filter((l) => !TITLE_BLOCK_LABEL.test(l.text)).sort((a, b) => b.size - a.size || gap(a) - gap(b))[0];
  return { number: number.text.replace(/ /g, '-'), title: title ? title.text.replace(/\s+/g, ' ') : null };
}

/** The reader's script: the compiled one beside this file, or the TypeScript source run through swc (tests, `npm start` from source). */
function reader(): { file: string; execArgv: string[] } {
  const js = path.join(__dirname, 'pdf-reader.js');
  if (existsSync(js)) return { file: js, execArgv: [] };
  return { file: path.join(__dirname, 'pdf-reader.ts'), execArgv: ['-r', '@swc-node/register'] };
}

/**
 * Reads a PDF for real, in a process of its own: its pages, each page's sheet
 * number and title where its text has them, and a PNG preview per page.
 * Rejects with the reader's reason for a file that is not a readable PDF.
 */
export async function analyzePdf(content: Buffer): Promise<SheetFacts[]> {
  const { file, execArgv } = reader();
  const child = spawn(process.execPath, [...execArgv, file], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, SWC_NODE_PROJECT: path.join(__dirname, '..', '..', 'tsconfig.json') } });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  const timer = setTimeout(() => child.kill('SIGKILL'), READ_TIMEOUT_MS);
  const done = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  child.stdin.on('error', () => undefined); // a reader that exits early closes its input: its exit answers
  child.stdin.end(content);
  const code = await done.finally(() => clearTimeout(timer));
  const text = Buffer.concat(out).toString('utf8').trim();
  if (code !== 0 || !text) {
    const why = code === null ? `it took longer than ${READ_TIMEOUT_MS / 1000} s` : Buffer.concat(err).toString('utf8').trim().split('\n').slice(-1)[0] || `the reader exited with ${code}`;
    throw new Error(`the PDF could not be read (${why})`);
  }
  const answer = JSON.parse(text) as ReaderAnswer;
  if (!answer.ok) throw new Error(answer.error);
  return answer.pages.map((p) => ({
    page: p.page,
    width: p.width,
    height: p.height,
    ...readTitleBlock(p.lines, p.width, p.height),
    preview: { width: p.preview.width, height: p.preview.height, content: Buffer.from(p.preview.png, 'base64') },
  }));
}
