import { describe, expect, it } from 'vitest';
import { strFromU8, unzipSync } from 'fflate';
import { columnDecimals, toAboutCSV, toCSV } from '../src/lib/exports/csv';
import { toXLSX } from '../src/lib/exports/xlsx';
import { pdfText } from '../src/lib/exports/pdf';
import { fileName } from '../src/lib/download';
import { exportLines, describeFilters, describePeriod } from '../src/lib/describe';
import { ptBR } from '../src/i18n/pt-BR';
import i18next from 'i18next';
import { comex } from './fixtures';

const meta = { title: 'Exportações por UF', lines: [['Filtros', 'UF em SP, RS; Fluxo = export'], ['Atualização', 'Dados completos até set. de 2025'], ['Fonte', 'Comex Stat (SECEX/MDIC)']] as [string, string][] };

describe('CSV', () => {
  const header = ['UF', 'Valor; em US$', 'Empregos', 'Razão'];
  const rows = [
    ['SP', 1234.5, 10, 0.25],
    ['R"S', null, 7, 1 / 3],
    ['SC', 1000, 3, 0.1 + 0.2],
  ];
  const units = [undefined, 'USD', 'jobs', 'ratio'];

  it('in pt-BR: BOM, ";" between cells, decimal comma, quoted where needed, only the table', () => {
    const csv = toCSV(header, rows, { locale: 'pt-BR', units });
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toBe('\ufeffUF;"Valor; em US$";Empregos;Razão\r\nSP;1234,50;10;0,250000\r\n"R""S";;7;0,333333\r\nSC;1000,00;3;0,300000\r\n');
    expect(csv.split('\r\n').some((l) => l.replace('\ufeff', '').startsWith('#'))).toBe(false);
    expect(csv).not.toContain('Exportações por UF');
  });

  it('in en: "," between cells and decimal point', () => {
    const csv = toCSV(['UF', 'Value, US$'], [['SP', 1234.5], ['RS', 2]], { locale: 'en', units: [undefined, 'USD'] });
    expect(csv).toBe('\ufeffUF,"Value, US$"\r\nSP,1234.50\r\nRS,2.00\r\n');
  });

  it('gives each measure column one number format', () => {
    const csv = toCSV(['x', 'v'], [['a', 1], ['b', 2.5], ['c', 3.125]], { locale: 'pt-BR' });
    expect(csv.split('\r\n').slice(1, 4)).toEqual(['a;1,000', 'b;2,500', 'c;3,125']);
    expect(columnDecimals([[1], [2]], 1, ['BRL'])).toEqual([2]);
    expect(columnDecimals([['a'], ['b']], 1)).toEqual([undefined]);
  });

  it('puts the metadata in the companion about file, in the same dialect', () => {
    const about = toAboutCSV(meta, 'pt-BR');
    expect(about).toBe('\ufeffExportações por UF\r\nFiltros;"UF em SP, RS; Fluxo = export"\r\nAtualização;Dados completos até set. de 2025\r\nFonte;Comex Stat (SECEX/MDIC)\r\n');
    expect(toAboutCSV(meta, 'en')).toContain('Filtros,"UF em SP, RS; Fluxo = export"\r\n');
  });
});

describe('XLSX', () => {
  it('is a valid package with a typed data sheet and an about sheet', () => {
    const bytes = toXLSX(meta, ['UF', 'Valor'], [['SP', 1234.5], ['<RS & SC>', null], ['PR', 2]], { data: 'Dados', about: 'Sobre' }, [undefined, 'USD']);
    expect(bytes[0]).toBe(0x50); // PK
    expect(bytes[1]).toBe(0x4b);
    const files = unzipSync(bytes);
    expect(Object.keys(files).sort()).toEqual(['[Content_Types].xml', '_rels/.rels', 'docProps/core.xml', 'xl/_rels/workbook.xml.rels', 'xl/styles.xml', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml', 'xl/worksheets/sheet2.xml']);
    const sheet1 = strFromU8(files['xl/worksheets/sheet1.xml']);
    // One number format for the column: two decimals (the unit's), rows 2 and 4 alike.
    expect(sheet1).toContain('<c r="B2" s="4"><v>1234.5</v></c>');
    expect(sheet1).toContain('<c r="B4" s="4"><v>2</v></c>');
    expect(strFromU8(files['xl/styles.xml'])).toContain('<numFmt numFmtId="166" formatCode="#,##0.00"/>');
    expect(sheet1).toContain('&lt;RS &amp; SC&gt;');
    expect(strFromU8(files['xl/workbook.xml'])).toContain('name="Dados"');
    const sheet2 = strFromU8(files['xl/worksheets/sheet2.xml']);
    expect(sheet2).toContain('Exportações por UF');
    expect(sheet2).toContain('Comex Stat (SECEX/MDIC)');
  });
});

describe('export helpers', () => {
  it('file names are ascii with the date', () => {
    expect(fileName('Exportações por UF — 2023', 'png', new Date('2026-11-28T12:00:00Z'))).toBe('exportacoes-por-uf-2023-2026-11-28.png');
    expect(fileName('***', 'csv', new Date('2026-11-28T12:00:00Z'))).toBe('mirante-2026-11-28.csv');
  });

  it('PDF text keeps Latin-1 and replaces the rest', () => {
    expect(pdfText('Região: São Paulo — R$\u00a01.234,56 ≥ 2')).toBe('Região: São Paulo — R$ 1.234,56 ? 2');
  });

  it('describes filters, period and the export lines', async () => {
    const i18n = i18next.createInstance();
    await i18n.init({ resources: { 'pt-BR': { translation: ptBR } }, lng: 'pt-BR', interpolation: { escapeValue: false }, showSupportNotice: false });
    const t = i18n.t.bind(i18n) as unknown as (k: string, o?: Record<string, unknown>) => string;
    const spec = { dataset: 'comex_monthly', measures: ['vl_fob_usd'], filters: [{ field: 'uf', op: 'in' as const, value: ['SP', 'RS'] }, { field: 'month', op: 'between' as const, value: ['2023-01', '2023-06'] }], time: { from: '2023-01', to: '2023-12', grain: 'month' as const } };
    expect(describeFilters(spec.filters, comex, 'pt-BR', t)).toBe('UF em SP, RS; Mês entre jan. de 2023 e jun. de 2023');
    expect(describePeriod(spec, 'pt-BR', t)).toBe('de jan. de 2023 a dez. de 2023 (Mensal)');
    const lines = exportLines(spec, comex, '2025-09', 'pt-BR', t, { org: 'Porto Sul', now: new Date('2026-11-28T12:00:00Z') });
    expect(lines.map((l) => l[0])).toEqual(['Filtros', 'Período', 'Valores', 'Atualização', 'Fonte', 'Organização', 'Gerado em']);
    expect(lines[3][1]).toBe('Dados completos até set. de 2025');
    expect(lines[4][1]).toBe('Comex Stat (SECEX/MDIC) — Comércio exterior mensal (Comex Stat), versão 2026.1');
  });
});
