import { checkType, detect, unsafeNameReason } from '../../src/uploads/file-types';
import { samplePdf } from '../../src/uploads/multipart-body';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]);
const HEIC = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic'), Buffer.alloc(8)]);
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04, 20, 0]);
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64, 0)]);

describe('file types by magic bytes', () => {
  it.each([
    ['pdf', samplePdf(100), 'application/pdf'],
    ['png', PNG, 'image/png'],
    ['jpeg', JPEG, 'image/jpeg'],
    ['heic', HEIC, 'image/heic'],
    ['zip', ZIP, 'application/zip'],
    ['text', Buffer.from('Line 1, "quoted", é\n'), 'text/plain'],
    ['executable', EXE, 'application/x-msdownload'],
  ])('tells %s from its first bytes', (family, bytes, mime) => {
    expect(detect(bytes)).toMatchObject({ family, mime });
  });

  it('does not call binary noise text', () => {
    expect(detect(Buffer.from([0x00, 0x01, 0x02, 0xff]))).toBeNull();
    expect(detect(Buffer.from([0xc3, 0x28, 0x41]))).toBeNull(); // invalid UTF-8
  });

  it('accepts a file whose content is what its extension says, with the Office MIME types by extension', () => {
    expect(checkType('attachment', 'Spec.PDF', samplePdf(100))).toEqual({ ok: true, mime: 'application/pdf', family: 'pdf' });
    expect(checkType('attachment', 'schedule.xlsx', ZIP)).toMatchObject({ ok: true, mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
    expect(checkType('attachment', 'log.csv', Buffer.from('a,b\n1,2\n'))).toMatchObject({ ok: true, mime: 'text/csv' });
  });

  it('refuses a mismatch, an unknown extension and executables, saying what the content is', () => {
    const mismatch = checkType('attachment', 'plan.pdf', PNG);
    expect(mismatch).toMatchObject({ ok: false, detected: 'image/png' });
    expect(!mismatch.ok && mismatch.message).toBe('The file is named .pdf but its content is a PNG image.');
    expect(checkType('attachment', 'setup.exe', EXE)).toMatchObject({ ok: false });
    expect(checkType('attachment', 'README', Buffer.from('hello'))).toMatchObject({ ok: false });
    expect(checkType('photo', 'spec.pdf', samplePdf(100))).toMatchObject({ ok: false }); // a photo must be an image
  });

  it.each([
    ['', 'empty'],
    ['../x.pdf', 'path separator'],
    ['a\\b.pdf', 'path separator'],
    ['.env', 'starts with a dot'],
    ['a\u0000.pdf', 'control characters'],
    ['what?.pdf', '< > : " | ? *'],
    ['name.pdf ', 'ends with a dot or a space'],
    ['NUL.txt', 'reserved device name'],
    [`${'x'.repeat(252)}.pdf`, 'longer than 255 bytes'],
  ])('refuses the file name %j (%s)', (name, reason) => {
    expect(unsafeNameReason(name)).toContain(reason);
  });

  it('keeps ordinary names, spaces and accents included', () => {
    for (const name of ['Spec section 23 05 00.pdf', 'Détail façade (rev B).png', 'RFI-12_answer.docx']) expect(unsafeNameReason(name)).toBeNull();
  });
});
