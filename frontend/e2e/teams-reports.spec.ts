// Reports and schedules a team can manage, in a real browser as
// ana@porto-sul.demo: order a report from a view, follow it in the history
// (Meus / Todos kept in the URL), download it, delete it; create a weekly
// schedule from a preset, run it now, see the run in its history, pause it
// (no next run shown, next_run_at null in the API). Needs the reports
// backend and worker (pandoc + chromium), as e2e/reports.spec.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANA, apiCall, axe, deleteSchedules, deleteViews, launch, newContext, signIn, token, BASE_URL, poll } from './helpers';
import type { Browser, Page } from 'playwright-core';

/** axe finds no serious or critical violation on the screen as it is. */
async function accessible(page: Page, screen: string) {
  const r = await axe(page, screen);
  expect(r.serious, `${screen}: ${JSON.stringify(r.serious, null, 2)}`).toEqual([]);
}

let browser: Browser;
const VIEW = 'e2e teams exportações por UF';
const SCHEDULE = 'e2e teams semanal';

beforeAll(async () => {
  await deleteSchedules(ANA, 'porto-sul', SCHEDULE);
  await deleteViews(ANA, 'porto-sul', VIEW);
  const tok = await token(ANA);
  const v = await apiCall(tok, '/v1/orgs/porto-sul/views', {
    method: 'POST',
    body: JSON.stringify({
      name: VIEW,
      visibility: 'org',
      config: { dataset: 'comex_monthly', measures: ['vl_fob_usd'], dimensions: ['uf'], filters: [{ field: 'flow', op: 'eq', value: 'export' }], time: { grain: 'year', from: '2024-01', to: '2024-12' } },
    }),
  });
  expect(v.status).toBe(201);
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await deleteSchedules(ANA, 'porto-sul', SCHEDULE);
  await deleteViews(ANA, 'porto-sul', VIEW);
});

describe('teams manage reports and schedules', () => {
  it('ana orders a report, finds it in her history, downloads it and deletes it', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, ANA);
    await page.goto(`${BASE_URL}/o/porto-sul/reports?lang=pt-BR`);
    const form = page.getByRole('form', { name: 'Pedir relatório' });
    const view = form.getByLabel('Visão', { exact: true });
    await poll(async () => (await view.locator('option').allTextContents()).includes(VIEW)).toBe(true);
    await view.selectOption({ label: VIEW });
    await form.getByLabel('Formato', { exact: true }).selectOption('pdf');
    await form.getByRole('button', { name: 'Pedir relatório' }).click();

    // "Meus" keeps only hers, and the choice is in the address.
    await page.getByRole('button', { name: 'Meus', exact: true }).click();
    await poll(() => new URL(page.url()).searchParams.get('who')).toBe('mine');
    const row = page.getByRole('row').filter({ hasText: VIEW }).first();
    await row.waitFor({ timeout: 30_000 });
    expect(await row.textContent()).toContain(ANA);
    await poll(() => row.getByText('pronto').isVisible(), { timeout: 180_000, interval: 1000 }).toBe(true);
    expect(await row.textContent()).toMatch(/\d+(,\d)? kB/);

    // Download again from the history: a PDF named after org, view and period.
    const href = await row.getByRole('link', { name: /Baixar PDF/ }).getAttribute('href');
    const res = await page.request.get(href!);
    expect(res.status()).toBe(200);
    expect((await res.body()).subarray(0, 4).toString('latin1')).toBe('%PDF');

    // The reload keeps the filter.
    await page.reload();
    await poll(() => page.getByRole('button', { name: 'Meus', exact: true }).getAttribute('aria-pressed')).toBe('true');

    // Deleted, after confirming: gone from the list and from the API.
    const tok = await token(ANA);
    const list = await apiCall<{ data: { id: string; view_name?: string }[] }>(tok, '/v1/orgs/porto-sul/reports?mine=true&limit=50');
    const id = list.body.data.find((r) => r.view_name === VIEW)?.id;
    expect(id).toBeTruthy();
    await accessible(page, 'report history');
    await row.getByRole('button', { name: `Excluir o relatório ${VIEW}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Excluir relatório' });
    await dialog.waitFor();
    await accessible(page, 'delete report dialog');
    await dialog.getByRole('button', { name: 'Excluir', exact: true }).click();
    await poll(() => page.getByText(`Relatório “${VIEW}” excluído.`).isVisible()).toBe(true);
    await poll(() => page.getByRole('row').filter({ hasText: VIEW }).count()).toBe(0);
    expect((await apiCall(tok, `/v1/orgs/porto-sul/reports/${id}`)).status).toBe(404);
    await ctx.close();
  }, 240_000);

  it('ana schedules weekly from a preset, runs it now, sees the run, pauses it', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, ANA);
    await page.goto(`${BASE_URL}/o/porto-sul/reports?lang=pt-BR&tab=schedules`);
    const form = page.getByRole('form', { name: 'Novo agendamento' });
    const view = form.getByLabel('Visão', { exact: true });
    await poll(async () => (await view.locator('option').allTextContents()).includes(VIEW)).toBe(true);
    await form.getByLabel('Nome', { exact: true }).fill(SCHEDULE);
    await view.selectOption({ label: VIEW });
    await form.getByLabel('Frequência', { exact: true }).selectOption('weekly');
    await form.getByLabel('Dia da semana', { exact: true }).selectOption({ label: 'quarta-feira' });
    await form.getByLabel('Horário', { exact: true }).fill('09:30');
    // The cron is only a detail, built from the preset.
    expect(await form.getByLabel('Expressão cron', { exact: true }).inputValue()).toBe('30 9 * * 3');
    expect(await form.getByLabel('Expressão cron', { exact: true }).isDisabled()).toBe(true);
    await form.getByRole('button', { name: 'Criar agendamento' }).click();
    await poll(() => page.getByText(`Agendamento “${SCHEDULE}” criado.`).isVisible()).toBe(true);

    const row = page.getByRole('row').filter({ hasText: SCHEDULE }).first();
    await poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('Semanal, quarta-feira às 09:30');

    // Edited: the form takes the schedule, a monthly preset replaces the weekly one.
    await row.getByRole('button', { name: `Editar o agendamento ${SCHEDULE}` }).click();
    const edit = page.getByRole('form', { name: `Editar “${SCHEDULE}”` });
    expect(await edit.getByLabel('Dia da semana', { exact: true }).inputValue()).toBe('3');
    await edit.getByLabel('Frequência', { exact: true }).selectOption('monthly');
    await edit.getByLabel('Dia do mês', { exact: true }).selectOption('15');
    await edit.getByLabel('Horário', { exact: true }).fill('07:00');
    await edit.getByRole('button', { name: 'Salvar agendamento' }).click();
    await poll(() => page.getByText(`Agendamento “${SCHEDULE}” salvo.`).isVisible()).toBe(true);
    await poll(async () => (await row.textContent())?.includes('Mensal, dia 15 às 07:00')).toBe(true);
    expect(await row.textContent()).toContain('0 7 15 * *');

    // Run now: a report of the schedule, listed in its runs with its outcome.
    await row.getByRole('button', { name: `Executar agora o agendamento ${SCHEDULE}` }).click();
    await poll(() => page.getByText(`Execução de “${SCHEDULE}” pedida.`).isVisible()).toBe(true);
    const runs = page.getByRole('region', { name: `Execuções de “${SCHEDULE}”` });
    const run = runs.getByRole('row').filter({ hasText: VIEW }).first();
    await run.waitFor({ timeout: 30_000 });
    await poll(() => run.getByText('pronto').isVisible(), { timeout: 180_000, interval: 1000 }).toBe(true);
    await accessible(page, 'schedule runs');

    // Paused: no next run on screen, none in the API.
    await row.getByRole('button', { name: `Pausar o agendamento ${SCHEDULE}` }).click();
    await poll(() => page.getByText(`Agendamento “${SCHEDULE}” pausado.`).isVisible()).toBe(true);
    const tok = await token(ANA);
    const find = async () =>
      (await apiCall<{ data: { id: string; name: string; enabled: boolean; next_run_at: string | null }[] }>(tok, '/v1/orgs/porto-sul/schedules?limit=500')).body.data.find((s) => s.name === SCHEDULE);
    await poll(async () => (await find())?.enabled).toBe(false);
    expect((await find())?.next_run_at).toBeNull();
    const cells = row.getByRole('cell');
    await poll(async () => (await cells.allTextContents()).some((c) => c.includes('Mensal, dia 15')) && (await row.getByRole('button', { name: `Reativar o agendamento ${SCHEDULE}` }).isVisible())).toBe(true);
    const nextIndex = (await page.getByRole('region', { name: 'Relatórios agendados' }).getByRole('columnheader').allTextContents()).indexOf('Próxima execução');
    expect(nextIndex).toBeGreaterThan(0);
    expect((await row.locator('th, td').nth(nextIndex).textContent())?.trim()).toBe('—');

    // The run history comes from the API too.
    const sc = await find();
    const hist = await apiCall<{ data: { status: string; schedule_id: string }[] }>(tok, `/v1/orgs/porto-sul/reports?schedule_id=${sc!.id}`);
    expect(hist.body.data.length).toBe(1);
    expect(hist.body.data[0].status).toBe('succeeded');
    await ctx.close();
  }, 300_000);
});
