// The admin page's source catalog (GET /v1/sources): each source's rows
// published, landed and skipped by its contract, and the reference data it
// depends on, in both languages.
import { afterAll, describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import i18n from '../src/i18n';
import { SourceCatalog } from '../src/pages/admin/Admin';
import type { SourceInfo } from '../src/api/types';
import { sourceCatalog } from './fixtures';

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, '')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The catalog's cells, by column header and row (the row header's text), as inner HTML. */
async function render(sources: SourceInfo[], lang: 'en' | 'pt-BR') {
  await i18n.changeLanguage(lang);
  const html = renderToStaticMarkup(createElement(SourceCatalog, { sources }));
  const headers = [...html.match(/<thead>(.*)<\/thead>/)![1].matchAll(/<th[^>]*>(.*?)<\/th>/g)].map((m) => text(m[1]));
  const body = html.match(/<tbody>(.*)<\/tbody>/)![1];
  const rows = new Map<string, Map<string, string>>();
  for (const tr of body.matchAll(/<tr>(.*?)<\/tr>/g)) {
    const cells = [...tr[1].matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((m) => m[1]);
    rows.set(text(cells[0]).trim(), new Map(headers.map((h, i) => [h, cells[i]])));
  }
  return { headers, row: (name: string) => rows.get(name) ?? expect.unreachable(`no row ${name} in ${[...rows.keys()].join(', ')}`) };
}

describe('SourceCatalog', () => {
  afterAll(async () => {
    await i18n.changeLanguage('pt-BR');
  });

  it('shows the published rows first, then what was landed and what the contract skipped', async () => {
    const { headers, row } = await render(sourceCatalog, 'en');
    expect(headers).toContain('Rows published in the last load');
    const rows = row('IBGE — Municipal GDP').get('Rows published in the last load')!;
    expect(rows.startsWith('122,466<')).toBe(true);
    expect(text(rows)).toContain('122,466 landed');
    expect(text(rows)).toContain("27 skipped by the source's contract");
    expect(text(row('IBGE — Territories').get('Rows published in the last load')!)).toContain("0 skipped by the source's contract");
  });

  it('shows — for a source with no load counts', async () => {
    const { row } = await render(sourceCatalog, 'en');
    expect(row('ANTAQ — Waterway statistics').get('Rows published in the last load')).toBe('—');
    expect(row('ANTAQ — Waterway statistics').get('Depends on')).toBe('—');
  });

  it('names the sources a source depends on, which are names only and which layouts need them', async () => {
    const { headers, row } = await render(sourceCatalog, 'en');
    expect(headers).toContain('Depends on');
    const pib = row('IBGE — Municipal GDP').get('Depends on')!;
    expect([...pib.matchAll(/<li[^>]*>(.*?)<\/li>/g)].map((m) => text(m[1]))).toEqual(['IBGE — Territories']);
    expect(pib).toContain('title="load ibge_territorio first: make ingest SOURCE=ibge_territorio');
    const comex = row('Comex Stat (SECEX/MDIC)').get('Depends on')!;
    expect([...comex.matchAll(/<li[^>]*>(.*?)<\/li>/g)].map((m) => text(m[1]))).toEqual(['IBGE — Territories (for mun files)', 'Comex Stat (SECEX/MDIC) (names only; for ncm, mun files)']);
    expect(row('IBGE — Territories').get('Depends on')).toBe('—');
  });

  it('names a required source the translations lack by its catalog title, else by its id', async () => {
    const sources: SourceInfo[] = [
      { id: 'novo', title: 'Fonte nova', requires: [{ source: 'ref_nova', load: 'x' }, { source: 'fora_do_catalogo', load: 'y' }] },
      { id: 'ref_nova', title: 'Referência nova' },
    ];
    const { row } = await render(sources, 'en');
    expect(text(row('Fonte nova').get('Depends on')!)).toBe('Referência novafora_do_catalogo');
  });

  it('speaks Portuguese, with its plural forms and number format', async () => {
    const { headers, row } = await render(sourceCatalog, 'pt-BR');
    expect(headers).toContain('Linhas publicadas na última carga');
    expect(headers).toContain('Depende de');
    const rows = row('IBGE — PIB dos Municípios').get('Linhas publicadas na última carga')!;
    expect(rows.startsWith('122.466<')).toBe(true);
    expect(text(rows)).toContain('122.466 recebidas');
    expect(text(rows)).toContain('27 ignoradas pelo contrato da fonte');
    expect(text(row('IBGE — Territórios').get('Linhas publicadas na última carga')!)).toContain('0 ignoradas pelo contrato da fonte');
    expect(text(row('Comex Stat (SECEX/MDIC)').get('Depende de')!)).toContain('(só nomes; para os arquivos ncm, mun)');
    const one = await render([{ id: 'ipca', rows_loaded: 1, rows_landed: 1, rows_skipped: 1 }], 'pt-BR');
    const ipca = one.row('IBGE — IPCA').get('Linhas publicadas na última carga')!;
    expect(ipca.startsWith('1<')).toBe(true);
    expect(text(ipca.slice(1))).toBe('1 recebida, · 1 ignorada pelo contrato da fonte');
  });
});
