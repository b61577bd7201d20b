// The product, end to end, against a running stack (E2E_BASE_URL):
// ana builds, saves, reloads, finds and exports; bruno (another org) never
// sees ana's view; the language switch changes the strings; dora switches org;
// the builder works from the keyboard.
//
// Data-dependence: the query assertions accept any non-error answer (rows or
// the empty state), so they pass on an empty warehouse; the PNG is drawn
// either way (with the "no data" note when there are no rows).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ANA, ARTIFACTS, BASE_URL, BRUNO, DORA, apiCall, deleteViews, launch, newContext, signIn, token, uniqueName, waitForAnswer, poll } from './helpers';

const PREFIX = 'e2e ana';
let browser: Browser;
let viewName = '';
let viewId = '';

beforeAll(async () => {
  const health = await fetch(`${BASE_URL}/healthz`).catch((e: Error) => e);
  if (health instanceof Error || !health.ok) throw new Error(`the stack does not answer at ${BASE_URL}/healthz; start it and the dev server first (see frontend/README.md)`);
  await deleteViews(ANA, 'porto-sul', PREFIX);
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

async function choose(page: Page, label: string, optionLabel: string | RegExp) {
  const select = page.getByLabel(label, { exact: true });
  const value = await select.locator('option').filter({ hasText: optionLabel }).first().getAttribute('value');
  await select.selectOption(value!);
}

describe('ana (porto-sul, admin)', () => {
  it('signs in, builds a query, saves a view, reloads and finds it, exports a PNG', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, ANA);
    await poll(() => page.getByRole('heading', { level: 1, name: 'Explorar dados' }).isVisible()).toBe(true);

    // Build: Comex, FOB value, by UF, exports only, bar chart.
    await choose(page, 'Conjunto de dados', 'Comércio exterior mensal');
    await poll(() => new URL(page.url()).searchParams.get('ds')).toBe('comex_monthly');
    await choose(page, 'Adicionar dimensão', 'UF');
    await page.getByRole('group', { name: 'Dimensões' }).getByRole('button', { name: 'Adicionar' }).click();
    // Flow is asked up front, pre-filled with exports: exports and imports are never added together.
    const flow = page.getByRole('combobox', { name: 'Valores de Fluxo' });
    await poll(() => flow.isVisible()).toBe(true);
    await page.getByRole('radio', { name: 'Barras', exact: true }).check();

    await poll(() => Object.fromEntries(new URL(page.url()).searchParams)).toMatchObject({ ds: 'comex_monthly', d: 'uf', chart: 'bar', f: JSON.stringify([['flow', 'in', ['export']]]) });
    const answer = await waitForAnswer(page);
    expect(answer).not.toBe('error');

    // The link reproduces the view: a fresh page at the same URL shows the same state.
    const link = page.url();
    const other = await ctx.newPage();
    await other.goto(link);
    await poll(() => other.getByRole('combobox', { name: 'Valores de Fluxo' }).isVisible()).toBe(true);
    expect(await other.getByLabel('Conjunto de dados', { exact: true }).inputValue()).toBe('comex_monthly');
    expect(await other.getByRole('radio', { name: 'Barras', exact: true }).isChecked()).toBe(true);
    await other.close();

    // Save.
    viewName = uniqueName(PREFIX);
    await page.getByRole('button', { name: 'Salvar visão' }).click();
    const dialog = page.getByRole('dialog', { name: 'Salvar visão' });
    await dialog.getByLabel('Nome', { exact: true }).fill(viewName);
    await dialog.getByLabel('Visibilidade').selectOption('org');
    await dialog.getByRole('button', { name: 'Salvar', exact: true }).click();
    await poll(() => new URL(page.url()).searchParams.get('view')).toBeTruthy();
    viewId = new URL(page.url()).searchParams.get('view')!;

    // Reload, then find it among the saved views.
    await page.reload();
    await poll(() => page.getByRole('heading', { level: 2, name: viewName }).isVisible(), { timeout: 30_000 }).toBe(true);
    await page.getByRole('link', { name: 'Visões salvas' }).click();
    await poll(() => page.getByRole('link', { name: viewName }).isVisible(), { timeout: 30_000 }).toBe(true);

    // Open it and export the chart as PNG.
    await page.getByRole('link', { name: viewName }).click();
    expect(await waitForAnswer(page)).not.toBe('error');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Exportar o gráfico em PNG' }).click();
    const file = await download;
    const path = join(ARTIFACTS, 'ana-chart.png');
    await file.saveAs(path);
    const png = readFileSync(path);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.length).toBeGreaterThan(10_000);
    expect(file.suggestedFilename()).toMatch(/\.png$/);
    await ctx.close();
  });

  it('renames the view with If-Match, and the old name is gone', async () => {
    expect(viewId).not.toBe('');
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, ANA);
    await page.goto(`${BASE_URL}/o/porto-sul/views?lang=pt-BR`);
    // A name another view holds: the API's field error shows beside the name, translated, once.
    const tok0 = await token(ANA);
    const mine = await apiCall<{ config: unknown }>(tok0, `/v1/orgs/porto-sul/views/${viewId}`);
    const taken = `${viewName} (outra)`;
    const other = await apiCall<{ id: string }>(tok0, '/v1/orgs/porto-sul/views', { method: 'POST', body: JSON.stringify({ name: taken, config: mine.body.config }) });
    expect(other.status).toBe(201);
    await page.getByRole('button', { name: `Renomear ${viewName}`, exact: true }).click();
    const renamed = `${viewName} (renomeada)`;
    const dialog = page.getByRole('dialog', { name: 'Renomear visão' });
    await dialog.getByLabel('Nome', { exact: true }).fill(taken);
    await dialog.getByRole('button', { name: 'Salvar', exact: true }).click();
    const nameBox = dialog.getByLabel('Nome', { exact: true });
    await poll(() => nameBox.getAttribute('aria-invalid')).toBe('true');
    const described = (await nameBox.getAttribute('aria-describedby')) ?? '';
    const errorIds = described.split(' ').filter(Boolean);
    const texts = await Promise.all(errorIds.map((id) => dialog.locator(`[id="${id}"]`).textContent()));
    expect(texts.join(' ')).toContain('already taken');
    expect(await dialog.getByText('already taken').count()).toBe(1);
    await apiCall(tok0, `/v1/orgs/porto-sul/views/${other.body.id}`, { method: 'DELETE' });
    await dialog.getByLabel('Nome', { exact: true }).fill(renamed);
    await dialog.getByRole('button', { name: 'Salvar', exact: true }).click();
    await poll(() => page.getByRole('link', { name: renamed }).isVisible()).toBe(true);
    viewName = renamed;
    const tok = await token(ANA);
    const v = await apiCall<{ name: string; version: number }>(tok, `/v1/orgs/porto-sul/views/${viewId}`);
    expect(v.body.name).toBe(renamed);
    expect(v.body.version).toBeGreaterThan(1);
    await ctx.close();
  });
});

describe('admin: the source catalog', () => {
  it('ana sees every source of GET /v1/sources with its freshness, in both languages', async () => {
    const tok = await token(ANA);
    const api = await apiCall<{ data: { id: string; status: string; sla: string; frequency: string }[] }>(tok, '/v1/sources');
    expect(api.status).toBe(200);
    const comex = api.body.data.find((s) => s.id === 'comex');
    expect(comex).toBeDefined();
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, ANA);
    await page.goto(`${BASE_URL}/o/porto-sul/admin/sources?lang=pt-BR`);
    const table = page.getByRole('table', { name: 'Catálogo de fontes' });
    await poll(() => table.locator('tbody tr').count()).toBe(api.body.data.length);
    const status: Record<string, [string, string]> = { ok: ['em dia', 'up to date'], stale: ['atrasada', 'stale'], failed: ['falhou', 'failed'], empty: ['sem dados', 'no data'] };
    const row = table.getByRole('row').filter({ hasText: 'Comex Stat' });
    expect(comex!.sla).toBe('45 days');
    await poll(() => row.textContent()).toContain('45 dias');
    expect(await row.textContent()).toContain('mensal');
    expect(await row.textContent()).toContain(status[comex!.status][0]);
    await page.getByLabel('Idioma').selectOption('en');
    const en = page.getByRole('table', { name: 'Source catalog' });
    const enRow = en.getByRole('row').filter({ hasText: 'Comex Stat' });
    await poll(() => enRow.textContent()).toContain('45 days');
    expect(await enRow.textContent()).toContain('monthly');
    expect(await enRow.textContent()).toContain(status[comex!.status][1]);
    await ctx.close();
  });
});

describe('dashboards', () => {
  it('ana puts her view on a dashboard with a shared filter, keeps it, and exports it as PDF', async () => {
    expect(viewId).not.toBe('');
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, ANA);
    // Dashboards left by an earlier run go first.
    const tok = await token(ANA);
    const old = await apiCall<{ data: { id: string; name: string; version: number }[] }>(tok, '/v1/orgs/porto-sul/dashboards?mine=true&limit=200');
    for (const d of old.body?.data ?? []) if (d.name.startsWith('e2e painel sul')) await apiCall(tok, `/v1/orgs/porto-sul/dashboards/${d.id}`, { method: 'DELETE', headers: { 'If-Match': `"${d.version}"` } });
    await page.getByRole('link', { name: 'Painéis' }).click();
    await page.getByRole('button', { name: 'Novo painel' }).click();
    const dialog = page.getByRole('dialog', { name: 'Novo painel' });
    await dialog.getByLabel('Nome do painel', { exact: true }).fill('e2e painel sul');
    await dialog.getByLabel('Quem vê').selectOption('private');
    await dialog.getByRole('button', { name: 'Criar painel' }).click();
    await poll(() => new URL(page.url()).searchParams.get('id')).toBeTruthy();
    const dashId = new URL(page.url()).searchParams.get('id')!;
    await choose(page, 'Adicionar visão ao painel', viewName);
    await page.getByRole('group', { name: 'Visões do painel' }).getByRole('button', { name: 'Adicionar', exact: true }).click();
    await poll(() => page.locator('.panel .result-panel').count()).toBe(1);
    await choose(page, 'Adicionar filtro em', 'UF');
    await page.getByRole('group', { name: 'Filtros compartilhados' }).getByRole('button', { name: 'Adicionar', exact: true }).click();
    const uf = page.getByRole('combobox', { name: 'Valores de UF' });
    await uf.fill('RS');
    await uf.press('Enter');
    await uf.press('Escape');
    await page.getByRole('button', { name: 'Salvar painel' }).click();
    await poll(() => page.getByText('Painel “e2e painel sul” salvo.').isVisible()).toBe(true);
    const saved = await apiCall<{ panels: { view_id: string }[]; filters: unknown[] }>(tok, `/v1/orgs/porto-sul/dashboards/${dashId}`);
    expect(saved.body.panels.map((p) => p.view_id)).toEqual([viewId]);
    expect(saved.body.filters).toEqual([{ field: 'uf', op: 'in', value: ['RS'] }]);
    // The panel answers with the shared filter applied (any non-error answer).
    // On a dashboard the table sits folded under the chart (a <details>), so wait for that.
    const panel = page.locator('.panel').first();
    await panel.locator('.table-details, .alert-info, .alert-error').first().waitFor({ timeout: 60_000 });
    expect(await panel.locator('.alert-error').count()).toBe(0);
    expect(await panel.getByText('UF em RS').count()).toBeGreaterThan(0);
    if (await panel.locator('.table-details').count()) {
      // Unfolded, the table holds RS only.
      await panel.locator('.table-details summary').click();
      const table = panel.locator('.table-details table');
      await poll(() => table.isVisible()).toBe(true);
      const ufs = await table.evaluate((t: HTMLTableElement) => {
        const col = [...t.tHead!.rows[0].cells].findIndex((c) => c.textContent?.trim() === 'UF');
        return [...t.tBodies[0].rows].map((r) => r.cells[col]?.textContent?.trim());
      });
      expect(ufs.length).toBeGreaterThan(0);
      expect(new Set(ufs)).toEqual(new Set(['RS']));
    }

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Exportar painel em PDF' }).click();
    const file = await download;
    const path = join(ARTIFACTS, 'dashboard.pdf');
    await file.saveAs(path);
    const pdf = readFileSync(path);
    expect(pdf.subarray(0, 4).toString('latin1')).toBe('%PDF');
    expect(pdf.length).toBeGreaterThan(5_000);
    const left = await apiCall<{ version: number }>(tok, `/v1/orgs/porto-sul/dashboards/${dashId}`);
    await apiCall(tok, `/v1/orgs/porto-sul/dashboards/${dashId}`, { method: 'DELETE', headers: { 'If-Match': `"${left.body.version}"` } });
    await ctx.close();
  });
});

describe('bruno (agro-nordeste, analyst)', () => {
  it("signs in and does not see ana's view", async () => {
    expect(viewName).not.toBe('');
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, BRUNO);
    expect(new URL(page.url()).pathname).toBe('/o/agro-nordeste/explore');
    await page.getByRole('link', { name: 'Visões salvas' }).click();
    await page.getByRole('table').first().waitFor();
    expect(await page.getByText(viewName).count()).toBe(0);
    expect(await page.getByText(PREFIX).count()).toBe(0);

    // Nor by its id, in his org or in ana's.
    await page.goto(`${BASE_URL}/o/agro-nordeste/explore?view=${viewId}&lang=pt-BR`);
    await poll(() => page.getByText('Esta visão não está disponível').isVisible(), { timeout: 30_000 }).toBe(true);
    await page.goto(`${BASE_URL}/o/porto-sul/views?lang=pt-BR`);
    await poll(() => page.getByText('Organização não encontrada').isVisible()).toBe(true);
    expect(await page.getByText(viewName).count()).toBe(0);
    // The API agrees.
    const tok = await token(BRUNO);
    expect((await apiCall(tok, `/v1/orgs/agro-nordeste/views/${viewId}`)).status).toBe(404);
    expect((await apiCall(tok, `/v1/orgs/porto-sul/views`)).status).toBe(404);
    await ctx.close();
  });

  it('does not see the admin area', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, BRUNO);
    expect(await page.getByRole('link', { name: 'Administração' }).count()).toBe(0);
    await page.goto(`${BASE_URL}/o/agro-nordeste/admin/members?lang=pt-BR`);
    await poll(() => page.getByText('Só administradores e proprietários').isVisible()).toBe(true);
    await ctx.close();
  });
});

describe('language', () => {
  it('the switch changes the strings, the URL and survives a reload', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, ANA);
    await poll(() => page.getByRole('heading', { level: 1, name: 'Explorar dados' }).isVisible()).toBe(true);
    await page.getByLabel('Idioma').selectOption('en');
    await poll(() => page.getByRole('heading', { level: 1, name: 'Explore data' }).isVisible()).toBe(true);
    await poll(() => page.getByRole('link', { name: 'Saved views' }).isVisible()).toBe(true);
    await poll(() => page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    await poll(() => page.getByLabel('Dataset', { exact: true }).isVisible()).toBe(true);
    await poll(() => new URL(page.url()).searchParams.get('lang')).toBe('en');
    await poll(() => page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page.reload();
    await poll(() => page.getByRole('heading', { level: 1, name: 'Explore data' }).isVisible()).toBe(true);
    // Links keep the language.
    await page.getByRole('link', { name: 'Saved views' }).click();
    await poll(() => page.getByRole('heading', { level: 1, name: 'Saved views' }).isVisible()).toBe(true);
    await page.getByLabel('Language').selectOption('pt-BR');
    await poll(() => page.getByRole('heading', { level: 1, name: 'Visões salvas' }).isVisible()).toBe(true);

    // Signing out, the form speaks the chosen language too.
    await page.getByLabel('Idioma').selectOption('en');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await poll(() => page.getByRole('button', { name: 'Sign in', exact: true }).isVisible()).toBe(true);
    await poll(() => page.getByLabel('Password', { exact: true }).isVisible()).toBe(true);
    await ctx.close();
  });

  it('signs in with the English form and shows errors accessibly', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await page.goto(`${BASE_URL}/signin?lang=en`);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await poll(() => page.getByText('Enter your e-mail.').isVisible()).toBe(true);
    expect(await page.getByLabel('E-mail', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('E-mail', { exact: true }).fill(ANA);
    await page.getByLabel('Password', { exact: true }).fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await poll(() => page.getByRole('alert').filter({ hasText: 'Wrong e-mail or password.' }).isVisible()).toBe(true);
    await ctx.close();
  });
});

describe('dora (two orgs)', () => {
  it('switches between her orgs', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, DORA);
    const switcher = page.getByLabel('Organização', { exact: true });
    await poll(() => switcher.isVisible()).toBe(true);
    const options = await switcher.locator('option').allTextContents();
    expect(options.some((o) => o.startsWith('Porto Sul'))).toBe(true);
    expect(options.some((o) => o.startsWith('Agro Nordeste'))).toBe(true);
    const before = new URL(page.url()).pathname;
    const target = before.includes('porto-sul') ? 'agro-nordeste' : 'porto-sul';
    await switcher.selectOption(target);
    await poll(() => new URL(page.url()).pathname).toBe(`/o/${target}/explore`);
    // Admin in agro-nordeste only.
    await page.goto(`${BASE_URL}/o/agro-nordeste/explore?lang=pt-BR`);
    await poll(() => page.getByRole('link', { name: 'Administração' }).isVisible()).toBe(true);
    await page.goto(`${BASE_URL}/o/porto-sul/explore?lang=pt-BR`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await page.getByRole('link', { name: 'Administração' }).count()).toBe(0);
    // Viewers cannot save views, and are told why and what they can do instead.
    expect(await page.getByRole('button', { name: 'Salvar visão' }).count()).toBe(0);
    await poll(() => page.getByText('Como leitor, você não salva visões').isVisible()).toBe(true);
    await ctx.close();
  });
});

describe('keyboard', () => {
  it('builds a filter with the keyboard alone', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, ANA);
    await page.goto(`${BASE_URL}/o/porto-sul/explore?lang=pt-BR&ds=comex_monthly&m=vl_fob_usd&g=month&chart=line`);
    await page.getByLabel('Conjunto de dados', { exact: true }).waitFor();
    // The skip link is the first stop and jumps to the main content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Pular para o conteúdo');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    // Add a UF filter: the select and the button, then the combobox, by keys only.
    const addFilter = page.getByLabel('Adicionar filtro em', { exact: true });
    await addFilter.focus();
    await addFilter.selectOption('uf');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const uf = page.getByRole('combobox', { name: 'Valores de UF' });
    await poll(() => uf.isVisible()).toBe(true);
    await uf.focus();
    await page.keyboard.type('SP');
    await page.keyboard.press('Enter');
    await page.keyboard.type('RS');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    // The link had no flow: the builder asked for it first, pre-filled with exports.
    await poll(() => new URL(page.url()).searchParams.get('f')).toBe(JSON.stringify([['flow', 'in', ['export']], ['uf', 'in', ['SP', 'RS']]]));
    // Chips can be removed by keyboard too.
    await page.getByRole('button', { name: 'Remover SP' }).focus();
    await page.keyboard.press('Enter');
    await poll(() => new URL(page.url()).searchParams.get('f')).toBe(JSON.stringify([['flow', 'in', ['export']], ['uf', 'in', ['RS']]]));
    expect(await waitForAnswer(page)).not.toBe('error');
    await ctx.close();
  });
});
