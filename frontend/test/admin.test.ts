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
import type { DatasetInfo, SourceInfo, Usage } from '../src/api/types';
import { UsageFigures } from '../src/pages/admin/Usage';
import { activitySentence, addDays, bytesOfPlan, personName, rowProblems, shareOf } from '../src/pages/admin/figures';
import { apiFilter, filterFromURL } from '../src/pages/admin/Audit';
import { RowProblems } from '../src/pages/admin/Uploads';
import { publicDatasetIds } from '../src/pages/admin/Entitlements';
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
    const usage = renderToStaticMarkup(createElement(UsageStatus, { query: { isPending: false, isError: false, error: null, data: usageFixture } }));
    expect(usage).toContain('<progress');
    expect(text(usage)).toContain('1.2 GB of 10 GB');
    const sources = renderToStaticMarkup(createElement(SourcesStatus, { query: { isPending: false, isError: false, error: null, data: sourceCatalog } }));
    expect(text(sources)).toContain('IBGE — Municipal GDP');
    expect(sources).not.toContain('role="alert"');
  });
});

const usageFixture: Usage = {
  day: '2026-12-07',
  plan: 'team',
  queries: { used: 42 },
  bytes_processed: { used: 1_234_000_000, limit: 10_000_000_000 },
  reports: { used: 2, limit: 50 },
  uploads: { used: 1, limit: 20 },
  resets_at: '2026-12-08T00:00:00Z',
  history: {
    from: '2026-12-05',
    to: '2026-12-07',
    days: [
      { day: '2026-12-05', queries: 3, bytes_processed: 0, reports: 0, uploads: 0 },
      { day: '2026-12-06', queries: 9, bytes_processed: 2_500_000_000, reports: 1, uploads: 0 },
      { day: '2026-12-07', queries: 42, bytes_processed: 1_234_000_000, reports: 2, uploads: 1 },
    ],
    users: [{ user_id: 'u1', email: 'ana@porto-sul.demo', queries: 40, reports: 2, uploads: 1, actions: 90 }],
  },
};

describe('usage as human figures', () => {
  afterAll(async () => {
    await i18n.changeLanguage('pt-BR');
  });

  it('says the bytes of the plan in each language', async () => {
    await i18n.changeLanguage('pt-BR');
    expect(bytesOfPlan(i18n.t.bind(i18n), 1_234_000_000, 10_000_000_000, 'pt-BR')).toBe('1,2 GB de 10 GB');
    expect(bytesOfPlan(i18n.t.bind(i18n), 0, 10_000_000_000, 'pt-BR')).toBe('0 B de 10 GB');
    expect(bytesOfPlan(i18n.t.bind(i18n), 987_654, undefined, 'pt-BR')).toBe('987,7 kB');
    await i18n.changeLanguage('en');
    expect(bytesOfPlan(i18n.t.bind(i18n), 1_234_000_000, 10_000_000_000, 'en')).toBe('1.2 GB of 10 GB');
  });

  it('bounds the share of a limit', () => {
    expect(shareOf(5, 10)).toBe(0.5);
    expect(shareOf(15, 10)).toBe(1);
    expect(shareOf(5, undefined)).toBe(0);
  });

  it('draws one bar per day and names the busiest day', async () => {
    await i18n.changeLanguage('pt-BR');
    const html = renderToStaticMarkup(createElement(UsageFigures, { usage: usageFixture }));
    expect(html.match(/<rect /g)?.length).toBe(3);
    expect(html).toContain('role="img"');
    expect(text(html)).toContain('o maior dia foi 06/12/2026, com 2,5 GB');
    expect(text(html)).toContain('1,2 GB de 10 GB');
    expect(text(html)).toContain('Ana (ana@porto-sul.demo)');
  });
});

describe('audit entries as sentences', () => {
  afterAll(async () => {
    await i18n.changeLanguage('pt-BR');
  });
  const t = (...a: Parameters<typeof i18n.t>) => i18n.t(...a) as string;

  it('quotes what the summary names', async () => {
    await i18n.changeLanguage('pt-BR');
    expect(activitySentence(t, { action: 'views.create', status: 201, summary: { name: 'Exportações RS', visibility: 'org' } }, 'ana@porto-sul.demo')).toBe('Ana salvou a visão “Exportações RS”');
    expect(activitySentence(t, { action: 'query.run', status: 200, summary: { dataset: 'comex_monthly' } }, 'bruno.lima@agro-nordeste.demo')).toBe('Bruno Lima consultou comex_monthly');
    expect(activitySentence(t, { action: 'members.add', status: 201, summary: { email: 'eva@x.demo', role: 'analyst' } }, 'ana@porto-sul.demo')).toBe('Ana adicionou eva@x.demo como analista');
    expect(activitySentence(t, { action: 'uploads.create', status: 202, summary: { file_name: 'metas.csv', bytes: 10 } }, 'ana@porto-sul.demo')).toBe('Ana enviou o arquivo metas.csv');
  });

  it('falls back when the summary lacks the name, the action is new or the person unknown', async () => {
    await i18n.changeLanguage('pt-BR');
    expect(activitySentence(t, { action: 'views.update', status: 200, summary: { visibility: 'org' } }, 'ana@porto-sul.demo')).toBe('Ana alterou uma visão');
    expect(activitySentence(t, { action: 'dashboards.create', status: 201, summary: null }, undefined)).toBe('Alguém fez dashboards.create');
    await i18n.changeLanguage('en');
    expect(activitySentence(t, { action: 'views.delete', status: 403, summary: null }, 'carla@banco-regional.demo')).toBe('Carla deleted a view (refused, 403)');
  });

  it('names people from their e-mail', () => {
    expect(personName('ana@porto-sul.demo')).toBe('Ana');
    expect(personName('maria_clara.souza@x')).toBe('Maria Clara Souza');
    expect(personName(undefined)).toBeUndefined();
  });

  it('keeps the filters in URL form and sends the API an action prefix and an exclusive end', () => {
    const f = filterFromURL(new URLSearchParams('user=u1&action=views&from=2026-12-01&to=2026-12-06&lang=en'));
    expect(f).toEqual({ user: 'u1', action: 'views', from: '2026-12-01', to: '2026-12-06' });
    expect(apiFilter(f)).toEqual({ user: 'u1', action: 'views.', from: '2026-12-01', to: '2026-12-07' });
    expect(apiFilter({ action: 'views.create' }).action).toBe('views.create');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});

describe('upload contract errors', () => {
  it('reads the line and column the API names', () => {
    expect(
      rowProblems([
        { field: 'line 3: value', reason: 'not a number' },
        { field: 'line 12: row', reason: '3 fields, the header has 4' },
        { field: 'header', reason: 'missing column "value"' },
      ]),
    ).toEqual([
      { line: 3, column: 'value', reason: 'not a number' },
      { line: 12, column: 'row', reason: '3 fields, the header has 4' },
      { line: null, column: 'header', reason: 'missing column "value"' },
    ]);
  });

  it('renders them as a table of line, column and problem', async () => {
    await i18n.changeLanguage('pt-BR');
    const html = renderToStaticMarkup(createElement(RowProblems, { problems: rowProblems([{ field: 'line 3: value', reason: 'not a number' }]) }));
    expect(text(html)).toContain('LinhaColunaProblema');
    expect(text(html)).toContain('3valuenot a number');
  });
});

describe('entitlements', () => {
  it("lists what the API offers, what the org reads and what it holds, once each", () => {
    const available = [{ id: 'ipca_monthly' }, { id: 'comex_monthly' }];
    const reads = [{ id: 'pib_municipal', scope: 'public' }, { id: 'tenant_metrics', scope: 'tenant' }] as DatasetInfo[];
    expect(publicDatasetIds(available, reads, ['novo_mart', 'ipca_monthly'])).toEqual(['comex_monthly', 'ipca_monthly', 'novo_mart', 'pib_municipal']);
    expect(publicDatasetIds(undefined, undefined, undefined)).toEqual([]);
  });
});
