import { PDFDocument, rgb, StandardFonts } from 'pdf-lib';

export interface SampleSheet {
  number: string;
  title: string;
}

/**
 * A drawing set as a real multi-page PDF (ANSI D, 36 × 24 in): each sheet a
 * border, a few plan lines and notes, and a title block in the bottom-right
 * corner with its title and number, where a reviewer (and processing) reads
 * them. `blank` pages carry no title block (processing finds no number).
 */
export async function drawingSetPdf(sheets: (SampleSheet | 'blank')[], project = 'Riverside Medical Office Building'): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const [W, H] = [2592, 1728];
  for (const [i, sheet] of sheets.entries()) {
    const page = doc.addPage([W, H]);
    page.drawRectangle({ x: 36, y: 36, width: W - 72, height: H - 72, borderColor: rgb(0, 0, 0), borderWidth: 3 });
    // A plan: a grid of column lines and a few rooms.
    for (let g = 0; g < 8; g++) {
      page.drawLine({ start: { x: 200 + g * 260, y: 300 }, end: { x: 200 + g * 260, y: H - 200 }, thickness: 1, color: rgb(0.55, 0.55, 0.6), dashArray: [24, 12] });
      page.drawText(String.fromCharCode(65 + g), { x: 190 + g * 260, y: H - 180, size: 28, font });
    }
    for (let r = 0; r < 3; r++) page.drawRectangle({ x: 260 + r * 600, y: 420 + (r % 2) * 300, width: 520, height: 700, borderColor: rgb(0.1, 0.1, 0.1), borderWidth: 4 });
    page.drawText('GENERAL NOTES: VERIFY ALL DIMENSIONS IN THE FIELD.', { x: 80, y: H - 100, size: 22, font });
    if (sheet === 'blank') continue;
    page.drawRectangle({ x: W - 636, y: 36, width: 600, height: 220, borderColor: rgb(0, 0, 0), borderWidth: 2 });
    page.drawText(project.toUpperCase(), { x: W - 616, y: 220, size: 18, font });
    page.drawText(sheet.title.toUpperCase(), { x: W - 616, y: 150, size: 28, font: bold });
    page.drawText(`SHEET ${i + 1} OF ${sheets.length}`, { x: W - 616, y: 110, size: 16, font });
    page.drawText(sheet.number, { x: W - 616, y: 56, size: 44, font: bold });
  }
  return Buffer.from(await doc.save());
}
