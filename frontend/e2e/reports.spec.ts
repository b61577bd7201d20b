// Ordering a report from a view, waiting for it, downloading it and reading
// it (pdftotext, from Debian's poppler-utils, which `scripts/dev deps`
// installs). Needs the reports backend: POST/GET /v1/orgs/{org}/reports and
// the worker, which the local runner runs in process (pandoc + chromium).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { ANA, ARTIFACTS, apiCall, deleteSchedules, deleteViews, launch, newContext, signIn, token, BASE_URL, poll } from './helpers';

let browser: Browser;
const NAME = 'e2e report view';
const SCHEDULE = 'e2e schedule';

beforeAll(async () => {
  await deleteSchedules(ANA, 'porto-sul', SCHEDULE);
  await deleteViews(ANA, 'porto-sul', NAME);
  const tok = await token(ANA);
  const v = await apiCall(tok, '/v1/orgs/porto-sul/views', {
    method: 'POST',
    body: JSON.stringify({ name: NAME, visibility: 'private', config: { dataset: 'comex_monthly', measures: ['vl_fob_usd'], dimensions: ['uf'], filters: [{ field: 'flow', op: 'eq', value: 'export' }], time: { grain: 'year' } } }),
  });
  expect(v.status).toBe(201);
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await deleteSchedules(ANA, 'porto-sul', SCHEDULE);
  await deleteViews(ANA, 'porto-sul', NAME);
});

describe('reports', () => {
  it('ana orders a PDF from a view, watches it succeed, and downloads it', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, ANA);
    await page.goto(`${BASE_URL}/o/porto-sul/reports?lang=pt-BR`);
    const form = page.getByRole('form', { name: 'Pedir relatório' });
    const view = form.getByLabel('Visão', { exact: true });
    await poll(async () => (await view.locator('option').allTextContents()).includes(NAME)).toBe(true);
    await view.selectOption({ label: NAME });
    await form.getByLabel('Formato', { exact: true }).selectOption('pdf');
    await form.getByRole('button', { name: 'Pedir relatório' }).click();

    // Either the order is accepted (a row appears) or the page says why not: fail fast with that.
    const row = page.getByRole('row').filter({ hasText: NAME }).first();
    const refused = page.getByRole('alert');
    await row.or(refused).first().waitFor({ timeout: 30_000 });
    if (!(await row.isVisible())) throw new Error(`the order was refused: ${(await refused.first().textContent())?.trim()}`);

    // The status updates on its own until the report is ready.
    await poll(() => row.getByText('pronto').isVisible(), { timeout: 180_000, interval: 1000 }).toBe(true);
    const link = row.getByRole('link', { name: /Baixar PDF/ });
    const href = await link.getAttribute('href');
    expect(href).toMatch(/^https?:\/\//);

    // Download it (the URL is signed: no token needed).
    const res = await page.request.get(href!);
    expect(res.status()).toBe(200);
    const body = await res.body();
    const path = join(ARTIFACTS, 'report.pdf');
    writeFileSync(path, body);
    expect(readFileSync(path).subarray(0, 4).toString('latin1')).toBe('%PDF');
    expect(body.length).toBeGreaterThan(1000);
    // Titled with the view's name (the title field was left empty), in Portuguese.
    const text = execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
    expect(text).toContain(NAME);
    expect(text).toContain('Filtros aplicados');
    await ctx.close();
  }, 240_000);

  it('ana schedules the view weekly, pauses the schedule and deletes it', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, ANA);
    await page.goto(`${BASE_URL}/o/porto-sul/reports?lang=pt-BR`);
    await page.getByRole('tab', { name: 'Agendamentos' }).click();
    const form = page.getByRole('form', { name: 'Novo agendamento' });
    const view = form.getByLabel('Visão', { exact: true });
    await poll(async () => (await view.locator('option').allTextContents()).includes(NAME)).toBe(true);
    await form.getByLabel('Nome', { exact: true }).fill(SCHEDULE);
    await view.selectOption({ label: NAME });
    await form.getByLabel('Frequência', { exact: true }).selectOption('weekly');
    expect(await form.getByLabel('Expressão cron', { exact: true }).inputValue()).toBe('0 8 * * 1');
    await form.getByLabel('Destinatários', { exact: true }).fill('ana@porto-sul.demo');
    await form.getByRole('button', { name: 'Criar agendamento' }).click();
    await poll(() => page.getByText(`Agendamento “${SCHEDULE}” criado.`).isVisible()).toBe(true);

    // Listed, with its next run; the API agrees.
    const row = page.getByRole('row').filter({ hasText: SCHEDULE });
    await poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('0 8 * * 1 (America/Sao_Paulo)');
    const tok = await token(ANA);
    const find = async () => (await apiCall<{ data: { id: string; name: string; enabled: boolean; view_id: string; recipients: string[]; next_run_at?: string }[] }>(tok, '/v1/orgs/porto-sul/schedules?limit=500')).body.data.find((s) => s.name === SCHEDULE);
    const created = await find();
    expect(created?.enabled).toBe(true);
    expect(created?.recipients).toEqual(['ana@porto-sul.demo']);
    expect(created?.next_run_at).toBeTruthy();

    // Paused.
    await row.getByRole('button', { name: `Pausar o agendamento ${SCHEDULE}` }).click();
    await poll(() => page.getByText(`Agendamento “${SCHEDULE}” pausado.`).isVisible()).toBe(true);
    await poll(async () => (await find())?.enabled).toBe(false);
    await poll(() => row.getByRole('button', { name: `Reativar o agendamento ${SCHEDULE}` }).isVisible()).toBe(true);

    // Deleted, after confirming.
    await row.getByRole('button', { name: `Excluir o agendamento ${SCHEDULE}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Excluir agendamento' });
    await dialog.getByRole('button', { name: 'Excluir', exact: true }).click();
    await poll(() => page.getByText(`Agendamento “${SCHEDULE}” excluído.`).isVisible()).toBe(true);
    await poll(() => row.count()).toBe(0);
    expect(await find()).toBeUndefined();
    await ctx.close();
  });
});
