// Dashboards for teams, end to end against a running stack (E2E_BASE_URL):
// ana (admin of porto-sul) builds an org dashboard of two views in the
// browser; dora (viewer in porto-sul) opens it, sees the same panels read
// only, drills one panel down and back up along the catalog's rollup (região
// → UF), cross-filters the other panel with a click, clears the chip; axe
// finds no serious violation on the dashboard screen.
//
// Data-dependence: needs the demo comex_monthly rows (scripts/dev up seeds
// them) so that the region panel has categories to click.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { ANA, ARTIFACTS, BASE_URL, DORA, apiCall, axe, deleteViews, launch, newContext, poll, signIn, token, uniqueName } from './helpers';

const ORG = 'porto-sul';
const PREFIX = 'e2e dash';
let browser: Browser;
const views = { region: { id: '', name: '' }, sh2: { id: '', name: '' } };
let dashName = '';
let dashId = '';

async function deleteDashboards(email: string, prefix: string) {
  const tok = await token(email);
  const list = await apiCall<{ data: { id: string; name: string; version: number }[] }>(tok, `/v1/orgs/${ORG}/dashboards?limit=200`);
  for (const d of list.body?.data ?? []) {
    if (d.name.startsWith(prefix)) await apiCall(tok, `/v1/orgs/${ORG}/dashboards/${d.id}`, { method: 'DELETE', headers: { 'If-Match': `"${d.version}"` } });
  }
}

beforeAll(async () => {
  const health = await fetch(`${BASE_URL}/healthz`).catch((e: Error) => e);
  if (health instanceof Error || !health.ok) throw new Error(`the stack does not answer at ${BASE_URL}/healthz; start it and the dev server first (see frontend/README.md)`);
  await deleteDashboards(ANA, PREFIX);
  await deleteViews(ANA, ORG, PREFIX);
  const tok = await token(ANA);
  const base = { dataset: 'comex_monthly', measures: ['vl_fob_usd'], filters: [{ field: 'flow', op: 'eq', value: 'export' }], time: { from: '2024-01', to: '2024-12' } };
  for (const [k, dim] of [
    ['region', 'region'],
    ['sh2', 'sh2'],
  ] as const) {
    const name = uniqueName(`${PREFIX} ${k}`);
    const r = await apiCall<{ id: string }>(tok, `/v1/orgs/${ORG}/views`, { method: 'POST', body: JSON.stringify({ name, visibility: 'org', config: { ...base, dimensions: [dim] } }) });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    views[k] = { id: r.body.id, name };
  }
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await deleteDashboards(ANA, PREFIX).catch(() => undefined);
  await deleteViews(ANA, ORG, PREFIX).catch(() => undefined);
});

async function choose(page: Page, label: string, optionLabel: string) {
  const select = page.getByLabel(label, { exact: true });
  const value = await select.locator('option').filter({ hasText: optionLabel }).first().getAttribute('value');
  await select.selectOption(value!);
}

/** The panel whose heading is name. */
const panel = (page: Page, name: string): Locator => page.locator('.panel').filter({ has: page.getByRole('heading', { level: 3, name }) });

/** Waits for a panel's answer (its folded table, or the empty or error state) and fails on an error. */
async function answered(p: Locator) {
  await p.locator('.table-details, .alert-info, .alert-error').first().waitFor({ timeout: 60_000 });
  expect(await p.locator('.alert-error').count()).toBe(0);
}

/** The header cells of a panel's table (unfolding it). */
async function headers(p: Locator): Promise<string[]> {
  const d = p.locator('details.table-details');
  if (!(await d.evaluate((e: HTMLDetailsElement) => e.open))) await d.locator('summary').click();
  return p.locator('details.table-details thead th').evaluateAll((ths) => ths.map((th) => (th.querySelector('button')?.firstChild?.textContent ?? th.textContent ?? '').trim()));
}

describe('shared dashboards', () => {
  it('ana creates an org dashboard with two views in the browser', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, ANA);
    await page.goto(`${BASE_URL}/o/${ORG}/dashboards?lang=pt-BR`);
    await page.getByRole('button', { name: 'Novo painel' }).click();
    const dialog = page.getByRole('dialog', { name: 'Novo painel' });
    dashName = uniqueName(PREFIX);
    await dialog.getByLabel('Nome do painel', { exact: true }).fill(dashName);
    await dialog.getByLabel('Quem vê').selectOption('org');
    await dialog.getByRole('button', { name: 'Criar painel' }).click();
    await poll(() => new URL(page.url()).searchParams.get('id')).toBeTruthy();
    dashId = new URL(page.url()).searchParams.get('id')!;

    for (const v of [views.region, views.sh2]) {
      await choose(page, 'Adicionar visão ao painel', v.name);
      await page.getByRole('group', { name: 'Visões do painel' }).getByRole('button', { name: 'Adicionar', exact: true }).click();
    }
    await poll(() => page.locator('.panel .result-panel').count()).toBe(2);
    await page.getByRole('button', { name: 'Salvar painel' }).click();
    await poll(() => page.getByText(`Painel “${dashName}” salvo.`).isVisible()).toBe(true);

    const saved = await apiCall<{ name: string; visibility: string; panels: { view_id: string; x: number; y: number; w: number }[] }>(await token(ANA), `/v1/orgs/${ORG}/dashboards/${dashId}`);
    expect(saved.status).toBe(200);
    expect(saved.body.visibility).toBe('org');
    expect(saved.body.panels.map((p) => [p.view_id, p.x, p.y, p.w])).toEqual([
      [views.region.id, 0, 0, 6],
      [views.sh2.id, 6, 0, 6],
    ]);
    await ctx.close();
  });

  it('dora (viewer) opens it read only, drills down and back, cross-filters, and axe finds nothing serious', async () => {
    expect(dashId).not.toBe('');
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, DORA);
    await page.goto(`${BASE_URL}/o/${ORG}/dashboards?lang=pt-BR`);
    await page.getByRole('link', { name: dashName }).click();
    await poll(() => page.getByRole('heading', { level: 1, name: dashName }).isVisible()).toBe(true);
    // The same panels, and why she cannot edit.
    await poll(() => page.getByRole('heading', { level: 3 }).allTextContents()).toEqual([views.region.name, views.sh2.name]);
    expect(await page.getByText('Você é leitor nesta organização').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Editar painel' }).count()).toBe(0);

    const region = panel(page, views.region.name);
    const sh2 = panel(page, views.sh2.name);
    await answered(region);
    await answered(sh2);
    expect(await headers(region)).toContain('Região');
    const sh2Sub = sh2.locator('.result-sub');
    expect(await sh2Sub.textContent()).not.toContain('Região');

    const a = await axe(page, 'dashboard (viewer)');
    writeFileSync(join(ARTIFACTS, 'axe-teams-dashboards.json'), JSON.stringify(a, null, 2));
    expect(a.serious, JSON.stringify(a.serious, null, 2)).toEqual([]);

    // Drill-down by a click on the chart: the region panel goes to UF within the region clicked…
    const chart = region.locator('.chart');
    const box = (await chart.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const trail = region.getByRole('navigation', { name: 'Detalhamento' });
    await poll(() => trail.isVisible()).toBe(true);
    const clicked = ((await trail.locator('[aria-current]').textContent()) ?? '').replace(/^Região: /, '');
    expect(clicked).not.toBe('');
    await answered(region);
    await poll(() => headers(region)).toContain('UF');
    expect(await headers(region)).not.toContain('Região');
    expect(await region.locator('.result-sub').textContent()).toContain(`Região = ${clicked}`);

    // …and the other panel is cross-filtered by it, with a chip that says so.
    const chip = page.getByRole('list', { name: 'Filtro cruzado' }).getByRole('listitem');
    await poll(() => chip.textContent()).toContain(`Filtrado por Região = ${clicked}`);
    await poll(() => sh2Sub.textContent()).toContain(`Região = ${clicked}`);
    await answered(sh2);

    // The breadcrumb goes back up.
    await trail.getByRole('button', { name: 'Voltar a Região: todos' }).click();
    await poll(() => headers(region)).toContain('Região');
    expect(await trail.count()).toBe(0);

    // The chip clears the cross-filter with one click.
    await page.getByRole('button', { name: `Remover o filtro Região = ${clicked}` }).click();
    await poll(() => sh2Sub.textContent()).not.toContain('Região');
    expect(await chip.count()).toBe(0);

    // From the keyboard: the table's category button drills too.
    const first = region.locator('details.table-details tbody button').first();
    const name = ((await first.textContent()) ?? '').trim();
    await first.focus();
    await page.keyboard.press('Enter');
    await poll(() => trail.locator('[aria-current]').textContent()).toBe(`Região: ${name}`);

    // "Abrir no Explorar" carries the panel's effective spec.
    const href = await sh2.getByRole('link', { name: `Abrir ${views.sh2.name} no Explorar` }).getAttribute('href');
    const p = new URL(href!, BASE_URL).searchParams;
    expect(p.get('ds')).toBe('comex_monthly');
    expect(p.get('d')).toBe('sh2');
    expect(JSON.parse(p.get('f')!)).toContainEqual(['region', 'eq', name]);
    await ctx.close();
  });

  it('ana deletes a view the dashboard uses: told first, then the panel goes with it', async () => {
    expect(dashId).not.toBe('');
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, ANA);
    await page.goto(`${BASE_URL}/o/${ORG}/views?lang=pt-BR`);
    await page.getByRole('button', { name: `Excluir ${views.sh2.name}` }).click();
    await page.getByRole('dialog', { name: 'Excluir visão' }).getByRole('button', { name: 'Excluir', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Visão em uso' });
    await poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.textContent()).toContain('será removida de 1 painel');
    expect(await dialog.getByRole('listitem').allTextContents()).toContain(`Painel “${dashName}”`);
    // Nothing was deleted yet.
    const tok = await token(ANA);
    expect((await apiCall(tok, `/v1/orgs/${ORG}/views/${views.sh2.id}`)).status).toBe(200);
    await dialog.getByRole('button', { name: 'Excluir mesmo assim' }).click();
    await poll(() => page.getByText(`Visão “${views.sh2.name}” excluída.`).isVisible()).toBe(true);
    expect((await apiCall(tok, `/v1/orgs/${ORG}/views/${views.sh2.id}`)).status).toBe(404);
    const d = await apiCall<{ panels: { view_id: string }[] }>(tok, `/v1/orgs/${ORG}/dashboards/${dashId}`);
    expect(d.body.panels.map((p) => p.view_id)).toEqual([views.region.id]);
    await ctx.close();
  });
});
