import { describe, expect, it } from 'vitest';
import { strFromU8, unzipSync } from 'fflate';
import { codesAsText, columnDecimals, safeText, toAboutCSV, toCSV } from '../src/lib/exports/csv';
import { toXLSX } from '../src/lib/exports/xlsx';
import { pdfText } from '../src/lib/exports/pdf';
import { fileName } from '../src/lib/download';
import { exportLines, describeFilters, describePeriod } from '../src/lib/describe';
import { ptBR } from '../src/i18n/pt-BR';
import i18next from 'i18next';
import { codeColumns, tableMatrix } from '../src/lib/results';
import { comex, siconfi } from './fixtures';

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

// OWASP's advice against CSV/formula injection: text a spreadsheet would read
// as a formula gets a leading "'"; numbers (negative ones too) stay numbers.
describe('formula injection', () => {
  const evil = ['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd'];

  it('prefixes a quote to text starting with = + - @ tab or CR, and leaves the rest', () => {
    expect(evil.map(safeText)).toEqual(evil.map((s) => `'${s}`));
    for (const s of ['SP', 'a=b', ' -x', '0201', "'=x"]) expect(safeText(s)).toBe(s);
  });

  it('guards CSV text cells, header and about file; negative numbers stay numbers', () => {
    const csv = toCSV(['=Título', 'Valor'], [['=1+1', -5.5], ['-2+3', -1], ['@x', 2], ['SP', -0.25]], { locale: 'pt-BR' });
    expect(csv).toBe("\ufeff'=Título;Valor\r\n'=1+1;-5,50\r\n'-2+3;-1,00\r\n'@x;2,00\r\nSP;-0,25\r\n");
    expect(toCSV(['x'], [['\tcmd'], ['\rcmd']], { locale: 'en' })).toBe('\ufeffx\r\n\'\tcmd\r\n"\'\rcmd"\r\n');
    const about = toAboutCSV({ title: '=cmd|calc', lines: [['Filtros', '+UF = SP'], ['Fonte', 'Comex']] }, 'pt-BR');
    expect(about).toBe("\ufeff'=cmd|calc\r\nFiltros;'+UF = SP\r\nFonte;Comex\r\n");
  });

  it('guards XLSX text cells in both sheets; negative numbers stay numeric cells', () => {
    const bytes = toXLSX({ title: '@evil', lines: [['Filtros', '-x']] }, ['UF', 'Valor'], [['=1+1', -5.5], ['SP', -1]], { data: 'Dados', about: 'Sobre' }, [undefined, 'USD']);
    const files = unzipSync(bytes);
    const sheet1 = strFromU8(files['xl/worksheets/sheet1.xml']);
    expect(sheet1).toContain('<c r="A2" t="inlineStr"><is><t xml:space="preserve">\'=1+1</t></is></c>');
    expect(sheet1).toContain('<c r="B2" s="4"><v>-5.5</v></c>');
    expect(sheet1).toContain('<c r="B3" s="4"><v>-1</v></c>');
    expect(sheet1).toContain('<t xml:space="preserve">SP</t>');
    const sheet2 = strFromU8(files['xl/worksheets/sheet2.xml']);
    expect(sheet2).toContain("<t xml:space=\"preserve\">'@evil</t>");
    expect(sheet2).toContain("<t xml:space=\"preserve\">'-x</t>");
  });
});

// Codes (NCM, SH4, IBGE municipality, country, CNAE) keep their leading zeros.
describe('code columns', () => {
  it('knows the code columns from the catalog (code and municipio types)', () => {
    const cols = [
      { name: 'ncm', kind: 'dimension' as const, type: 'string' },
      { name: 'ncm_name', kind: 'label' as const, type: 'string' },
      { name: 'uf', kind: 'dimension' as const, type: 'string' },
      { name: 'country', kind: 'dimension' as const, type: 'string' },
      { name: 'vl_fob_usd', kind: 'measure' as const, type: 'number', unit: 'USD' },
    ];
    expect(codeColumns(cols, comex)).toEqual([true, false, false, true, false]);
    expect(codeColumns([{ name: 'municipio', kind: 'dimension', type: 'string' }], siconfi)).toEqual([true]);
    expect(codeColumns(cols, undefined)).toEqual([false, false, false, false, false]);
  });

  it('writes "0201" and "04061090" as they are in the CSV, in both dialects', () => {
    const answer = {
      columns: [
        { name: 'sh4', kind: 'dimension' as const, type: 'string' },
        { name: 'ncm', kind: 'dimension' as const, type: 'string' },
        { name: 'vl_fob_usd', kind: 'measure' as const, type: 'number', unit: 'USD' },
      ],
      data: [{ sh4: '0201', ncm: '04061090', vl_fob_usd: 1500 }],
    };
    const m = tableMatrix(answer, comex, 'pt-BR', { transform: (x) => x, perCapita: '', real: () => '', name: '' });
    const codes = [true, true, false];
    expect(m.rows).toEqual([['0201', '04061090', 1500]]);
    expect(toCSV(['SH4', 'NCM', 'Valor'], m.rows, { locale: 'pt-BR', units: [undefined, undefined, 'USD'], codes }).split('\r\n')[1]).toBe('0201;04061090;1500,00');
    expect(toCSV(['SH4', 'NCM', 'Valor'], m.rows, { locale: 'en', units: [undefined, undefined, 'USD'], codes }).split('\r\n')[1]).toBe('0201,04061090,1500.00');
  });

  it('never formats a code as a number, even one that arrived as a number', () => {
    expect(codesAsText([[3550308, 2.5]], [true, false])).toEqual([['3550308', 2.5]]);
    const csv = toCSV(['Município', 'Razão'], [[3550308, 0.5], ['1100015', 0.25]], { locale: 'pt-BR', units: [undefined, 'ratio'], codes: [true, false] });
    expect(csv.split('\r\n').slice(1, 3)).toEqual(['3550308;0,50', '1100015;0,25']);
  });

  it('writes codes as text cells (inline string, "@" format) in the XLSX', () => {
    const bytes = toXLSX(meta, ['SH4', 'NCM', 'Município', 'Valor'], [['0201', '04061090', 3550308, 10]], { data: 'Dados', about: 'Sobre' }, [undefined, undefined, undefined, 'USD'], [true, true, true, false]);
    const files = unzipSync(bytes);
    const sheet1 = strFromU8(files['xl/worksheets/sheet1.xml']);
    expect(sheet1).toContain('<c r="A2" t="inlineStr" s="9"><is><t xml:space="preserve">0201</t></is></c>');
    expect(sheet1).toContain('<c r="B2" t="inlineStr" s="9"><is><t xml:space="preserve">04061090</t></is></c>');
    expect(sheet1).toContain('<c r="C2" t="inlineStr" s="9"><is><t xml:space="preserve">3550308</t></is></c>');
    expect(sheet1).toContain('<c r="D2" s="4"><v>10</v></c>');
    // The header row stays bold, and style 9 is the text format.
    expect(sheet1).toContain('<c r="A1" t="inlineStr" s="1">');
    const styles = strFromU8(files['xl/styles.xml']);
    expect(styles).toContain('<cellXfs count="11">');
    expect(styles).toMatch(/<cellXfs [^>]*>(?:<xf [^>]*\/>){9}<xf numFmtId="49"/);
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
    // Demo data and a failed last load travel with the file, after the source.
    const marked = exportLines(spec, comex, '2025-09', 'pt-BR', t, { provenance: { synthetic: true, source_status: { last_load_failed: true } } });
    expect(marked.slice(5, 7)).toEqual([
      ['Procedência', 'Dados sintéticos de demonstração'],
      ['Última carga', 'Última carga falhou — mostrando dados até set. de 2025'],
    ]);
    expect(exportLines(spec, comex, '2025-09', 'pt-BR', t, { provenance: { synthetic: false } }).map((l) => l[0])).not.toContain('Procedência');
  });
});
