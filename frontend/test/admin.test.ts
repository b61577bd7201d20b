// The admin page's source catalog (GET /v1/sources): each source's rows
// published, landed and skipped by its contract, and the reference data it
// depends on, in both languages.
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import i18n from '../src/i18n';
import { SourceCatalog, SourcesStatus, UsageStatus } from '../src/pages/admin/Admin';
import { ApiError } from '../src/api/client';
import { fetchSources, fetchUsage } from '../src/api/hooks';
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

// GET /v1/orgs/{org}/usage and GET /v1/sources exist: a failure from them is an
// error shown as one, never a "coming soon" notice.
describe('usage and sources when the endpoint fails', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });
  afterAll(async () => {
    await i18n.changeLanguage('pt-BR');
  });

  const failed = (status: number, body: Record<string, unknown> = {}) => ({ isPending: false, isError: true, error: new ApiError(status, body), data: undefined });
  const problem = (status: number, body: Record<string, unknown>) =>
    vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/problem+json' } }));

  it('a 404 rejects instead of meaning "not built yet"', async () => {
    vi.stubGlobal('fetch', problem(404, { title: 'Not Found' }));
    await expect(fetchUsage('porto-sul')).rejects.toMatchObject({ status: 404 });
    await expect(fetchSources()).rejects.toMatchObject({ status: 404 });
  });

  it('a 403 no_membership from /v1/sources rejects', async () => {
    vi.stubGlobal('fetch', problem(403, { title: 'Forbidden', reason: 'no_membership' }));
    await expect(fetchSources()).rejects.toMatchObject({ status: 403, reason: 'no_membership' });
  });

  it('renders the failure as an error alert, in both languages', async () => {
    for (const lang of ['pt-BR', 'en'] as const) {
      await i18n.changeLanguage(lang);
      const usage = renderToStaticMarkup(createElement(UsageStatus, { query: failed(404) }));
      const sources = renderToStaticMarkup(createElement(SourcesStatus, { query: failed(404) }));
      const forbidden = renderToStaticMarkup(createElement(SourcesStatus, { query: failed(403, { reason: 'no_membership' }) }));
      for (const html of [usage, sources, forbidden]) {
        expect(html).toContain('role="alert"');
        expect(html).toContain('alert-error');
        expect(text(html)).not.toMatch(/em breve|coming soon/i);
      }
      expect(text(usage)).toContain(i18n.t('errors.notFound'));
      expect(text(sources)).toContain(i18n.t('errors.notFound'));
      expect(text(forbidden)).toContain(i18n.t('errors.forbidden'));
    }
  });

  it('renders what the endpoints answer', async () => {
    await i18n.changeLanguage('en');
    const usage = renderToStaticMarkup(createElement(UsageStatus, { query: { isPending: false, isError: false, error: null, data: { bytes_today: { used: 10, limit: 100 } } } }));
    expect(usage).toContain('<progress');
    const sources = renderToStaticMarkup(createElement(SourcesStatus, { query: { isPending: false, isError: false, error: null, data: sourceCatalog } }));
    expect(text(sources)).toContain('IBGE — Municipal GDP');
    expect(sources).not.toContain('role="alert"');
  });
});
