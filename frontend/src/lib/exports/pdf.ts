// PDF with jsPDF (loaded only when a PDF is asked for). A4 landscape: the
// title and shared lines first, then each panel with its chart image, its
// filters, watermark and source, and the first rows of its table.
import { jsPDF } from 'jspdf';
import type { PdfPanel } from './index';

const MAX_TABLE_ROWS = 1000;

/** The standard PDF fonts speak WinAnsi: keep Latin-1 and the few extras, replace the rest. */
export function pdfText(s: string): string {
  return s
    .replace(/[\u00a0\u202f\u2007\u2009]/g, ' ')
    .replace(/[\u2212]/g, '-')
    .replace(/[^\u0000-\u00ff\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u20ac]/g, '?');
}

export async function buildPDF(doc: {
  title: string;
  lines: [string, string][];
  panels: (PdfPanel & { png: string | null })[];
  labels: { page: (n: number, of: number) => string; rowsShown: (n: number, of: number) => string };
}): Promise<Blob> {
  const pdf = new jsPDF({ orientation: 'landscape', unit: 'pt', format: 'a4' });
  pdf.setProperties({ title: pdfText(doc.title), creator: 'Mirante' });
  const W = pdf.internal.pageSize.getWidth();
  const H = pdf.internal.pageSize.getHeight();
  const M = 36;
  let y = M;

  const text = (s: string, size: number, bold = false, color: [number, number, number] = [15, 23, 42]) => {
    pdf.setFont('helvetica', bold ? 'bold' : 'normal');
    pdf.setFontSize(size);
    pdf.setTextColor(...color);
    const lines = pdf.splitTextToSize(pdfText(s), W - 2 * M) as string[];
    for (const l of lines) {
      if (y + size > H - M) {
        pdf.addPage();
        y = M;
      }
      pdf.text(l, M, y + size);
      y += size * 1.3;
    }
  };

  // A single chart needs no cover block: its own title and lines say it all.
  const cover = doc.panels.length !== 1 || doc.lines.length > 0;
  if (cover) {
    text(doc.title, 20, true);
    y += 4;
    for (const [k, v] of doc.lines) text(`${k}: ${v}`, 10, false, [51, 65, 85]);
  }

  doc.panels.forEach((p, i) => {
    if (i > 0 || y > H / 3) {
      pdf.addPage();
      y = M;
    } else if (cover) y += 12;
    text(p.export.meta.title, 15, true);
    for (const [k, v] of p.export.meta.lines) text(`${k}: ${v}`, 9, false, [51, 65, 85]);
    if (p.note) text(p.note, 9, false, [154, 52, 18]);
    y += 6;
    if (p.png) {
      const maxW = W - 2 * M;
      const maxH = H - y - M - (p.table ? 80 : 0);
      const ratio = 720 / 1200;
      let w = maxW;
      let h = w * ratio;
      if (h > maxH) {
        h = Math.max(120, maxH);
        w = h / ratio;
      }
      pdf.addImage(p.png, 'PNG', M, y, w, h, undefined, 'FAST');
      y += h + 10;
    }
    if (p.table && p.table.rows.length) {
      const cols = p.table.header.length;
      const colW = (W - 2 * M) / cols;
      const rowH = 13;
      const rows = p.table.rows.slice(0, MAX_TABLE_ROWS);
      pdf.setFontSize(8);
      const cell = (s: string, x: number, bold: boolean) => {
        pdf.setFont('helvetica', bold ? 'bold' : 'normal');
        const clipped = pdf.splitTextToSize(pdfText(s), colW - 4)[0] ?? '';
        pdf.text(clipped, x + 2, y + 9);
      };
      const header = () => {
        pdf.setFontSize(8);
        pdf.setTextColor(15, 23, 42);
        p.table!.header.forEach((h, c) => cell(h, M + c * colW, true));
        y += rowH;
        pdf.setDrawColor(148, 163, 184);
        pdf.line(M, y, W - M, y);
      };
      if (y + rowH * 3 > H - M) {
        pdf.addPage();
        y = M;
      }
      header();
      for (const r of rows) {
        if (y + rowH > H - M - 10) {
          pdf.addPage();
          y = M;
          header();
        }
        pdf.setFontSize(8);
        r.forEach((v, c) => cell(v, M + c * colW, false));
        y += rowH;
      }
      if (rows.length < p.table.rows.length) text(doc.labels.rowsShown(rows.length, p.table.rows.length), 8, false, [71, 85, 105]);
    }
  });

  const pages = pdf.getNumberOfPages();
  for (let n = 1; n <= pages; n++) {
    pdf.setPage(n);
    pdf.setFont('helvetica', 'normal');
    pdf.setFontSize(8);
    pdf.setTextColor(71, 85, 105);
    pdf.text(pdfText(`Mirante · ${doc.labels.page(n, pages)}`), W - M, H - 16, { align: 'right' });
  }
  return pdf.output('blob');
}
