// Exports, loaded on demand: chart PNG and SVG (ECharts), table CSV and XLSX,
// and PDF (jsPDF) — each with the title, filters, watermark and source.
import { echarts } from '../../charts/echarts';
import { buildOption } from '../../charts/option';
import type { Locale } from '../../api/types';
import type { ChartModel } from '../results';
import type { ChartType } from '../spec';
import { toAboutCSV, toCSV, type Cell, type ExportMeta } from './csv';
import { toXLSX } from './xlsx';
import { downloadBlob, fileName } from '../download';

export interface ChartExport {
  meta: ExportMeta;
  model: ChartModel;
  chart: ChartType;
  locale: Locale;
  emptyText?: string;
}

const WIDTH = 1200;
const HEIGHT = 720;

function exportOption(x: ChartExport) {
  const get = (k: number) => x.meta.lines[k]?.[1] ?? '';
  // lines: filters, period, values, watermark, source, …
  const subtitle = `${x.meta.lines[0]?.[0]}: ${get(0)} · ${x.meta.lines[1]?.[0]}: ${get(1)} · ${get(2)}`;
  const footer = [get(3), get(4) ? `${x.meta.lines[4]?.[0]}: ${get(4)}` : ''].filter(Boolean);
  return buildOption(x.model, x.chart === 'table' ? 'bar' : x.chart, { locale: x.locale, title: x.meta.title, subtitle, footer, animation: false, emptyText: x.emptyText });
}

/** A PNG data URL of the chart drawn off screen at export size. */
export function chartPNG(x: ChartExport): string {
  const div = document.createElement('div');
  div.style.cssText = `position:fixed;left:-20000px;top:0;width:${WIDTH}px;height:${HEIGHT}px;`;
  div.setAttribute('aria-hidden', 'true');
  document.body.appendChild(div);
  const c = echarts.init(div, undefined, { renderer: 'canvas', width: WIDTH, height: HEIGHT });
  try {
    c.setOption(exportOption(x) as echarts.EChartsCoreOption);
    return c.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#ffffff' });
  } finally {
    c.dispose();
    div.remove();
  }
}

export function chartSVG(x: ChartExport): string {
  const c = echarts.init(null, undefined, { renderer: 'svg', ssr: true, width: WIDTH, height: HEIGHT });
  try {
    c.setOption(exportOption(x) as echarts.EChartsCoreOption);
    return c.renderToSVGString();
  } finally {
    c.dispose();
  }
}

function dataURLToBlob(url: string): Blob {
  const [head, b64] = url.split(',');
  const mime = /data:([^;]+)/.exec(head)?.[1] ?? 'application/octet-stream';
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Blob([bytes], { type: mime });
}

export function exportPNG(x: ChartExport): string {
  const name = fileName(x.meta.title, 'png');
  downloadBlob(dataURLToBlob(chartPNG(x)), name);
  return name;
}

export function exportSVG(x: ChartExport): string {
  const name = fileName(x.meta.title, 'svg');
  downloadBlob(new Blob([chartSVG(x)], { type: 'image/svg+xml' }), name);
  return name;
}

/** The table alone, in the locale's CSV dialect (see csv.ts). */
export function exportCSV(meta: ExportMeta, header: string[], rows: Cell[][], opts: { locale: Locale; units?: (string | undefined)[]; codes?: boolean[] }): string {
  const name = fileName(meta.title, 'csv');
  downloadBlob(new Blob([toCSV(header, rows, opts)], { type: 'text/csv;charset=utf-8' }), name);
  return name;
}

/** The CSV's companion: title, filters, period, watermark, source, generated at. */
export function exportAboutCSV(meta: ExportMeta, locale: Locale, suffix: string): string {
  const name = fileName(`${meta.title} ${suffix}`, 'csv');
  downloadBlob(new Blob([toAboutCSV(meta, locale)], { type: 'text/csv;charset=utf-8' }), name);
  return name;
}

/** The table as XLSX; locale words the quarters ("1º tri. 2024" / "Q1 2024"). */
export function exportXLSX(meta: ExportMeta, header: string[], rows: Cell[][], sheets: { data: string; about: string }, units?: (string | undefined)[], codes?: boolean[], locale: Locale = 'pt-BR'): string {
  const name = fileName(meta.title, 'xlsx');
  const bytes = toXLSX(meta, header, rows, sheets, units, codes, locale);
  downloadBlob(new Blob([bytes as BlobPart], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }), name);
  return name;
}

export interface PdfPanel {
  export: ChartExport;
  table?: { header: string[]; rows: string[][] };
  note?: string;
}

/** A dashboard (or one chart) as a PDF: a cover block with the shared filters, then one page per panel. */
export async function exportPDF(doc: { title: string; lines: [string, string][]; panels: PdfPanel[]; labels: { page: (n: number, of: number) => string; rowsShown: (n: number, of: number) => string } }): Promise<string> {
  const { buildPDF } = await import('./pdf');
  const panels = doc.panels.map((p) => ({ ...p, png: p.export.chart === 'table' ? null : chartPNG(p.export) }));
  const blob = await buildPDF({ ...doc, panels });
  const name = fileName(doc.title, 'pdf');
  downloadBlob(blob, name);
  return name;
}
