// axe-core (WCAG 2.0/2.1 A and AA rules) on every screen, in both languages
// where it matters: zero serious or critical violations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ANA, ARTIFACTS, BASE_URL, apiCall, axe, deleteSchedules, deleteViews, launch, newContext, signIn, token, waitForAnswer, type AxeSummary } from './helpers';

let browser: Browser;
let ctx: BrowserContext;
let page: Page;
let viewId = '';
const results: AxeSummary[] = [];

beforeAll(async () => {
  await deleteSchedules(ANA, 'porto-sul', 'e2e a11y');
  await deleteViews(ANA, 'porto-sul', 'e2e a11y');
  // A view to show on the dashboard and reports screens.
  const tok = await token(ANA);
  const v = await apiCall<{ id: string }>(tok, '/v1/orgs/porto-sul/views', {
    method: 'POST',
    body: JSON.stringify({ name: 'e2e a11y view', visibility: 'private', config: { dataset: 'comex_monthly', measures: ['vl_fob_usd'], dimensions: ['uf'], filters: [{ field: 'flow', op: 'eq', value: 'export' }], time: { grain: 'year' } } }),
  });
  expect(v.status).toBe(201);
  viewId = v.body.id;
  // And a schedule, so the schedules table has a row with its actions.
  const sc = await apiCall(tok, '/v1/orgs/porto-sul/schedules', {
    method: 'POST',
    body: JSON.stringify({ name: 'e2e a11y schedule', view_id: viewId, format: 'pdf', cron: '0 8 * * 1', timezone: 'America/Sao_Paulo', recipients: [], params: { locale: 'pt-BR' } }),
  });
  expect(sc.status).toBe(201);
  browser = await launch();
  ctx = await newContext(browser);
  page = await ctx.newPage();
});

afterAll(async () => {
  writeFileSync(join(ARTIFACTS, 'axe.json'), JSON.stringify(results, null, 2));
  await browser?.close();
  await deleteSchedules(ANA, 'porto-sul', 'e2e a11y');
  await deleteViews(ANA, 'porto-sul', 'e2e a11y');
});

/** Waits until the screen is still: its heading shown, no spinner, no busy button, fonts loaded. */
async function settle(p: Page) {
  await p.getByRole('heading', { level: 1 }).first().waitFor();
  await p.waitForFunction(() => !document.querySelector('.loading, [aria-busy="true"]'), undefined, { timeout: 30_000 });
  await p.evaluate(() => document.fonts.ready.then(() => undefined));
}

async function check(name: string) {
  await settle(page);
  const r = await axe(page, name);
  results.push(r);
  expect(r.serious, `${name}: ${JSON.stringify(r.serious, null, 2)}`).toEqual([]);
}

describe('axe: zero serious or critical violations', () => {
  it('sign-in (pt-BR and en, with errors shown)', async () => {
    await page.goto(`${BASE_URL}/signin?lang=pt-BR`);
    await check('signin pt-BR');
    await page.getByRole('button', { name: 'Entrar', exact: true }).click();
    await page.getByText('Informe o e-mail.').waitFor();
    await check('signin errors');
    await page.goto(`${BASE_URL}/signin?lang=en`);
    await check('signin en');
  });

  it('explore: the builder with a result, a filter and the save dialog', async () => {
    await signIn(page, ANA);
    await page.goto(`${BASE_URL}/o/porto-sul/explore?lang=pt-BR&ds=comex_monthly&m=vl_fob_usd,kg_liquido.share&d=uf&f=${encodeURIComponent(JSON.stringify([['flow', 'in', ['export']], ['month', 'between', ['2023-01', '2023-06']]]))}&g=month&chart=bar`);
    expect(await waitForAnswer(page)).not.toBe('error');
    await check('explore');
    await page.getByRole('combobox', { name: 'Valores de Fluxo' }).click();
    await check('explore, picker open');
    await page.keyboard.press('Escape');
    await page.goto(`${BASE_URL}/o/porto-sul/explore?lang=en&ds=siconfi_annual&m=value_brl&d=uf&g=year&real=2024-12&pc=1&chart=line&f=${encodeURIComponent(JSON.stringify([['account', 'in', ['Receita Corrente Líquida']], ['coluna', 'in', ['Até o 3º Quadrimestre']]]))}`);
    await waitForAnswer(page);
    await check('explore en, real and per capita');
    await page.getByRole('button', { name: 'Save view' }).click();
    await page.getByRole('dialog', { name: 'Save view' }).waitFor();
    await check('save dialog');
    await page.keyboard.press('Escape');
  });

  it('explore with rows: chart, table and exports (answer mocked, so it does not depend on demo data)', async () => {
    await page.route('**/v1/orgs/porto-sul/query**', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      const data = [];
      for (const month of ['2023-01', '2023-02', '2023-03', '2023-04']) for (const uf of ['SP', 'RS', 'SC']) data.push({ uf, month, vl_fob_usd: 1000 + data.length * 37.5 });
      await route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({
          data,
          columns: [
            { name: 'uf', kind: 'dimension', type: 'string' },
            { name: 'month', kind: 'dimension', type: 'month' },
            { name: 'vl_fob_usd', kind: 'measure', type: 'number', unit: 'USD' },
          ],
          next_cursor: null,
          meta: { dataset: 'comex_monthly', watermark: '2025-09', cache: 'miss', bytes_processed: 0, query_hash: 'mock', engine: 'duckdb', indicator_version: '2026.1', rows: data.length },
        }),
      });
    });
    for (const chart of ['line', 'stacked']) {
      await page.goto(`${BASE_URL}/o/porto-sul/explore?lang=pt-BR&ds=comex_monthly&m=vl_fob_usd&d=uf&g=month&from=2023-01&to=2023-04&chart=${chart}`);
      expect(await waitForAnswer(page)).toBe('rows');
      await page.locator('.chart canvas').first().waitFor();
      await check(`explore with rows (${chart})`);
    }
    expect(await page.getByRole('table').locator('tbody tr').count()).toBe(12);
    await page.unroute('**/v1/orgs/porto-sul/query**');
  });

  it('saved views', async () => {
    await page.goto(`${BASE_URL}/o/porto-sul/views?lang=pt-BR`);
    await page.getByRole('link', { name: 'e2e a11y view' }).waitFor();
    await check('views');
    await page.getByRole('button', { name: 'Renomear e2e a11y view' }).click();
    await check('rename dialog');
    await page.keyboard.press('Escape');
  });

  it('dashboards: list, editor and a dashboard with shared filters', async () => {
    await page.goto(`${BASE_URL}/o/porto-sul/dashboards?lang=pt-BR`);
    await check('dashboards');
    const f = encodeURIComponent(JSON.stringify([['uf', 'in', ['SP', 'RS']]]));
    await page.goto(`${BASE_URL}/o/porto-sul/dashboards?lang=pt-BR&name=Painel%20e2e&v=${viewId}&f=${f}`);
    await page.locator('.panel .result-panel').first().waitFor();
    await check('dashboard');
    await page.getByRole('button', { name: 'Editar painel' }).click();
    await check('dashboard editor');
  });

  it('reports and schedules', async () => {
    await page.goto(`${BASE_URL}/o/porto-sul/reports?lang=pt-BR`);
    await check('reports');
    await page.getByRole('tab', { name: 'Agendamentos' }).click();
    await page.getByRole('row').filter({ hasText: 'e2e a11y schedule' }).waitFor();
    await check('schedules');
    await page.getByRole('button', { name: 'Excluir o agendamento e2e a11y schedule' }).click();
    await page.getByRole('dialog', { name: 'Excluir agendamento' }).waitFor();
    await check('delete schedule dialog');
    await page.keyboard.press('Escape');
  });

  it('admin: members, audit, usage, sources', async () => {
    for (const s of ['members', 'audit', 'usage', 'sources']) {
      await page.goto(`${BASE_URL}/o/porto-sul/admin/${s}?lang=pt-BR`);
      await page.getByRole('heading', { level: 2 }).first().waitFor();
      await check(`admin ${s}`);
    }
    await page.goto(`${BASE_URL}/o/porto-sul/admin/members?lang=en`);
    await page.getByRole('button', { name: /^Remove / }).first().click();
    await check('remove member dialog');
    await page.keyboard.press('Escape');
  });

  it('not found', async () => {
    await page.goto(`${BASE_URL}/nowhere?lang=pt-BR`);
    await check('not found');
  });
});
