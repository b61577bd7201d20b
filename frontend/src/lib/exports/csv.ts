// CSV export: metadata lines (title, filters, watermark, source) marked with
// "#", a blank line, then the table. UTF-8 with a BOM so spreadsheets read the
// accents; numbers are written plainly (dot decimals) so tools can parse them.
export interface ExportMeta {
  title: string;
  /** [label, value] pairs: filters, period, watermark, source, generated at. */
  lines: [string, string][];
}

function cell(v: string | number | null): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r#;]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCSV(meta: ExportMeta, header: string[], rows: (string | number | null)[][]): string {
  const out: string[] = [];
  const comment = (s: string) => `# ${s.replace(/[\r\n]+/g, ' ')}`;
  out.push(comment(meta.title));
  for (const [k, v] of meta.lines) out.push(comment(`${k}: ${v}`));
  out.push('');
  out.push(header.map(cell).join(','));
  for (const r of rows) out.push(r.map(cell).join(','));
  return '\ufeff' + out.join('\r\n') + '\r\n';
}
