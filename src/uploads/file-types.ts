/**
 * What a file is, from its first bytes (never from the name or the declared
 * Content-Type alone), and whether its name is safe to keep.
 */

export type UploadKind = 'attachment' | 'photo' | 'drawing';

/** A family of content, as the magic bytes tell it. */
export interface Detected {
  family: string;
  mime: string;
  label: string;
}

const SIGNATURES: { family: string; mime: string; label: string; test: (b: Buffer) => boolean }[] = [
  { family: 'pdf', mime: 'application/pdf', label: 'PDF', test: (b) => b.subarray(0, 5).toString('latin1') === '%PDF-' },
  { family: 'png', mime: 'image/png', label: 'PNG image', test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { family: 'jpeg', mime: 'image/jpeg', label: 'JPEG image', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { family: 'gif', mime: 'image/gif', label: 'GIF image', test: (b) => /^GIF8[79]a/.test(b.subarray(0, 6).toString('latin1')) },
  {
    family: 'webp',
    mime: 'image/webp',
    label: 'WebP image',
    test: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  },
  {
    family: 'tiff',
    mime: 'image/tiff',
    label: 'TIFF image',
    test: (b) => b.subarray(0, 4).equals(Buffer.from([0x49, 0x49, 0x2a, 0x00])) || b.subarray(0, 4).equals(Buffer.from([0x4d, 0x4d, 0x00, 0x2a])),
  },
  {
    family: 'heic',
    mime: 'image/heic',
    label: 'HEIC image',
    test: (b) => b.subarray(4, 8).toString('latin1') === 'ftyp' && ['heic', 'heix', 'hevc', 'hevx', 'mif1', 'msf1'].includes(b.subarray(8, 12).toString('latin1')),
  },
  { family: 'bmp', mime: 'image/bmp', label: 'BMP image', test: (b) => b.subarray(0, 2).toString('latin1') === 'BM' && b.length >= 14 },
  { family: 'zip', mime: 'application/zip', label: 'ZIP archive (or an Office document)', test: (b) => b.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) },
  {
    family: 'ole',
    mime: 'application/x-ole-storage',
    label: 'legacy Office document',
    test: (b) => b.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])),
  },
  { family: 'dwg', mime: 'image/vnd.dwg', label: 'DWG drawing', test: (b) => /^AC10\d\d/.test(b.subarray(0, 6).toString('latin1')) },
  { family: 'rtf', mime: 'application/rtf', label: 'RTF document', test: (b) => b.subarray(0, 5).toString('latin1') === '{\\rtf' },
  { family: 'executable', mime: 'application/x-msdownload', label: 'Windows executable', test: (b) => b.subarray(0, 2).toString('latin1') === 'MZ' },
  { family: 'executable', mime: 'application/x-executable', label: 'ELF executable', test: (b) => b.subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46])) },
  { family: 'executable', mime: 'application/x-mach-binary', label: 'Mach-O executable', test: (b) => [0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe].includes(b.length >= 4 ? b.readUInt32BE(0) : -1) },
];

/** Bytes of a file's start that tell its type (magic bytes; plain text is judged on this much). */
export const SNIFF_BYTES = 4096;

/** Plain text: no NUL byte and valid UTF-8 in the sample (a character cut at the end of the sample is fine). */
function isText(sample: Buffer): boolean {
  if (sample.includes(0)) return false;
  for (let cut = 0; cut <= 3 && cut < sample.length; cut++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(sample.subarray(0, sample.length - cut));
      return true;
    } catch {
      /* try without a cut character */
    }
  }
  return false;
}

export function detect(sample: Buffer): Detected | null {
  const hit = SIGNATURES.find((s) => s.test(sample));
  if (hit) return { family: hit.family, mime: hit.mime, label: hit.label };
  if (isText(sample.subarray(0, SNIFF_BYTES))) return { family: 'text', mime: 'text/plain', label: 'plain text' };
  return null;
}

/** The extensions each kind accepts, and the content family each must hold. */
const EXTENSIONS: Record<UploadKind, Record<string, string>> = {
  attachment: {
    pdf: 'pdf', png: 'png', jpg: 'jpeg', jpeg: 'jpeg', gif: 'gif', webp: 'webp', tif: 'tiff', tiff: 'tiff', heic: 'heic', heif: 'heic', bmp: 'bmp',
    docx: 'zip', xlsx: 'zip', pptx: 'zip', zip: 'zip', doc: 'ole', xls: 'ole', ppt: 'ole', msg: 'ole',
    dwg: 'dwg', dxf: 'text', txt: 'text', csv: 'text', md: 'text', rtf: 'rtf',
  },
  photo: { jpg: 'jpeg', jpeg: 'jpeg', png: 'png', gif: 'gif', heic: 'heic', heif: 'heic', webp: 'webp', tif: 'tiff', tiff: 'tiff', bmp: 'bmp' },
  drawing: { pdf: 'pdf', dwg: 'dwg', tif: 'tiff', tiff: 'tiff', png: 'png', jpg: 'jpeg', jpeg: 'jpeg' },
};

/** The MIME type kept for a file: the Office formats by extension, the rest as detected. */
const OFFICE_MIME: Record<string, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
  msg: 'application/vnd.ms-outlook',
  csv: 'text/csv',
  dxf: 'image/vnd.dxf',
  md: 'text/markdown',
};

export function extensionOf(name: string): string | null {
  const dot = name.lastIndexOf('.');
  return dot > 0 && dot < name.length - 1 ? name.slice(dot + 1).toLowerCase() : null;
}

export function acceptedExtensions(kind: UploadKind): string[] {
  return Object.keys(EXTENSIONS[kind]);
}

export type TypeVerdict = { ok: true; mime: string; family: string } | { ok: false; message: string; detected: string | null };

/** Why a file of this name is not taken as this kind, by its extension alone; null when the extension is accepted. */
export function extensionRefusal(kind: UploadKind, fileName: string): string | null {
  const ext = extensionOf(fileName);
  if (ext && ext in EXTENSIONS[kind]) return null;
  return `${ext ? `.${ext} files are` : 'A file without an extension is'} not accepted as ${article(kind)} ${kind}; accepted: ${acceptedExtensions(kind).map((e) => `.${e}`).join(', ')}.`;
}

/** 415 unless the extension is one the kind accepts and the bytes are what the extension says. */
export function checkType(kind: UploadKind, fileName: string, sample: Buffer): TypeVerdict {
  const detected = detect(sample);
  const refused = extensionRefusal(kind, fileName);
  if (refused) return { ok: false, message: refused, detected: detected?.mime ?? null };
  const ext = extensionOf(fileName)!;
  const expected = EXTENSIONS[kind][ext];
  if (!detected || detected.family !== expected) {
    return {
      ok: false,
      message: `The file is named .${ext} but its content is ${detected ? `${article(detected.label)} ${detected.label}` : 'not a recognised format'}.`,
      detected: detected?.mime ?? null,
    };
  }
  return { ok: true, mime: OFFICE_MIME[ext] ?? detected.mime, family: detected.family };
}

function article(word: string): string {
  return /^[aeiouAEIOU]/.test(word) ? 'an' : 'a';
}

const RESERVED = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i;

/** Why a file name is unsafe to keep, or null when it is fine. */
export function unsafeNameReason(name: string): string | null {
  if (name.trim() === '') return 'the file name is empty';
  if (Buffer.byteLength(name, 'utf8') > 255) return 'the file name is longer than 255 bytes';
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'the file name contains control characters';
  if (/[/\\]/.test(name)) return 'the file name contains a path separator';
  if (name === '.' || name === '..' || name.startsWith('.')) return 'the file name starts with a dot';
  if (/[<>:"|?*]/.test(name)) return 'the file name contains one of < > : " | ? *';
  if (/[. ]$/.test(name)) return 'the file name ends with a dot or a space';
  if (RESERVED.test(name)) return 'the file name is a reserved device name';
  return null;
}

/** The MIME types a file of this kind is kept (and served) as: one per accepted extension, as `checkType` answers it. */
export function contentTypesOf(kind: UploadKind): string[] {
  const mimeOf = (family: string): string => (family === 'text' ? 'text/plain' : SIGNATURES.find((s) => s.family === family)!.mime);
  return [...new Set(Object.entries(EXTENSIONS[kind]).map(([ext, family]) => OFFICE_MIME[ext] ?? mimeOf(family)))];
}
