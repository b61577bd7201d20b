// The admin screens for what the API has, as ana@porto-sul.demo
// (admin): entitlements listed; a CSV with a bad value refused with its line
// and column, then a good one loaded; a new invite in the pending list and
// revoked; usage in GB with a chart; the audit filtered by person and action
// type, the filter kept in the URL across a reload; and, as a viewer, why the
// rest is not theirs. axe finds nothing serious on any of these screens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ANA, ARTIFACTS, BASE_URL, DORA, axe, launch, newContext, signIn } from './helpers';

let browser: Browser;
let ctx: BrowserContext;
let page: Page;

const stamp = Date.now().toString(36);
const admin = `${BASE_URL}/o/porto-sul/admin`;

async function settled() {
  await page.waitForFunction(() => !document.querySelector('.loading, [aria-busy="true"], .spinner:not(.spinner-inline)'), undefined, { timeout: 30_000 });
}

async function noSeriousViolations(name: string) {
  await settled();
  const r = await axe(page, name);
  expect(r.serious, `${name}: ${JSON.stringify(r.serious, null, 2)}`).toEqual([]);
}

function csv(name: string, body: string): string {
  const p = join(ARTIFACTS, name);
  writeFileSync(p, body);
  return p;
}

beforeAll(async () => {
  browser = await launch();
  ctx = await newContext(browser);
  page = await ctx.newPage();
  await signIn(page, ANA);
});

afterAll(async () => {
  await browser?.close();
});

describe('admin screens as an admin (ana@porto-sul.demo)', () => {
  it('lists the public datasets the org may read, with titles and toggles', async () => {
    await page.goto(`${admin}/entitlements`);
    await page.getByRole('heading', { name: 'Liberações', level: 2 }).waitFor();
    const table = page.getByRole('table', { name: /conjuntos públicos liberados/ });
    await table.waitFor();
    expect(await table.getByRole('rowheader', { name: 'Comércio exterior mensal (Comex Stat)' }).count()).toBe(1);
    expect(await table.getByRole('rowheader', { name: 'IPCA mensal' }).count()).toBe(1);
    expect(await page.getByRole('checkbox', { name: 'Liberar IPCA mensal' }).isChecked()).toBe(true);
    await noSeriousViolations('admin/entitlements');
  });

  it('refuses a CSV with a bad value naming its line and column, then loads a good one', async () => {
    await page.goto(`${admin}/uploads`);
    const input = page.getByLabel('Arquivo CSV', { exact: true });
    await input.setInputFiles(csv(`bad-${stamp}.csv`, `month;municipio;metric;value\n2024-01;4314902;e2e_${stamp};10\n2024-02;4314902;e2e_${stamp};dez\n`));
    const problems = page.getByRole('table', { name: /problemas? no arquivo/ });
    await problems.waitFor();
    const headers = await problems.locator('thead th').allInnerTexts();
    expect(headers).toEqual(['Linha', 'Coluna', 'Problema']);
    const row = problems.locator('tbody tr').first();
    expect(await row.locator('th').innerText()).toBe('3');
    expect(await row.locator('td').first().innerText()).toBe('value');
    await noSeriousViolations('admin/uploads refused');

    await input.setInputFiles(csv(`good-${stamp}.csv`, `month;municipio;metric;value\n2024-01;4314902;e2e_${stamp};10\n2024-02;4314902;e2e_${stamp};12,5\n`));
    await page.getByText(`good-${stamp}.csv carregado`).waitFor({ timeout: 60_000 });
    expect(await page.getByText(/2 linhas, métricas e2e_/).count()).toBe(1);
    const list = page.getByRole('table', { name: /envios?$/ });
    const listed = list.locator('tbody tr', { hasText: `good-${stamp}.csv` });
    await expect.poll(() => listed.innerText(), { timeout: 30_000 }).toContain('carregado');
    await noSeriousViolations('admin/uploads loaded');
  });

  it('shows a new invite as pending with its expiry, and revoking removes it', async () => {
    await page.goto(`${admin}/invites`);
    const email = `convite-${stamp}@e2e.example`;
    await page.getByRole('form', { name: 'Convidar por e-mail' }).getByLabel('E-mail', { exact: true }).fill(email);
    await page.getByRole('button', { name: 'Criar convite' }).click();
    await page.getByText(`Convite para ${email} criado.`).waitFor();
    const row = page.locator('tbody tr', { hasText: email });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/pendente/);
    expect(await row.innerText()).toMatch(/em \d+ dias|em 7 dias|daqui a/);
    await noSeriousViolations('admin/invites');
    await page.getByRole('button', { name: `Cancelar o convite de ${email}` }).click();
    await page.getByText(`O convite de ${email} foi cancelado.`).waitFor();
    await expect.poll(() => row.count()).toBe(0);
  });

  it('shows usage in GB of the plan, with a trend chart and per-person figures', async () => {
    await page.goto(`${admin}/usage`);
    const today = page.locator('.usage-meters li').first();
    await today.waitFor();
    expect(await today.innerText()).toMatch(/Dados processados hoje[\s\S]*\d+(,\d)? (B|kB|MB|GB) de \d+(,\d)? GB/);
    const chart = page.getByRole('img', { name: /Dados processados por dia nos últimos 30 dias|Nenhum dado processado nos últimos 30 dias/ });
    expect(await chart.count()).toBe(1);
    expect(await chart.locator('rect').count()).toBe(30);
    const perPerson = page.getByRole('table', { name: /Uso por pessoa/ });
    expect(await perPerson.getByRole('rowheader', { name: /ana@porto-sul\.demo/ }).count()).toBe(1);
    await noSeriousViolations('admin/usage');
  });

  it('reads the audit as activity and keeps the person and action filters in the URL across a reload', async () => {
    await page.goto(`${admin}/audit`);
    const filters = page.getByRole('form', { name: 'Filtros da auditoria' });
    await filters.getByLabel('Pessoa').selectOption({ label: ANA });
    await filters.getByLabel('Tipo de ação').selectOption({ label: 'Envios de dados' });
    await filters.getByRole('button', { name: 'Aplicar filtros' }).click();
    await page.waitForURL(/[?&]action=uploads/);
    const url = new URL(page.url());
    expect(url.searchParams.get('user')).toMatch(/^[0-9a-f-]{36}$/);
    const activity = page.getByRole('table', { name: /atividades?$/ });
    await activity.getByRole('rowheader', { name: `Ana enviou o arquivo good-${stamp}.csv` }).waitFor();
    for (const s of await activity.getByRole('rowheader').allInnerTexts()) expect(s).toMatch(/^Ana /);
    await page.reload();
    await activity.getByRole('rowheader', { name: `Ana enviou o arquivo good-${stamp}.csv` }).waitFor();
    expect(new URL(page.url()).searchParams.get('action')).toBe('uploads');
    expect(await page.getByRole('form', { name: 'Filtros da auditoria' }).getByLabel('Tipo de ação').inputValue()).toBe('uploads');
    await noSeriousViolations('admin/audit');
  });
});

describe('admin as a viewer (dora@multi.demo in porto-sul)', () => {
  it('says why the admin screens are not theirs and shows the entitlements read-only', async () => {
    page = await (await newContext(browser)).newPage();
    await signIn(page, DORA);
    await page.goto(`${admin}/audit`);
    await page.getByText('Seu papel nesta organização é leitor.').waitFor();
    expect(await page.getByText('Só administradores e proprietários').count()).toBe(1);
    expect(await page.getByText(/ana@porto-sul\.demo/).count()).toBeGreaterThan(0);
    await noSeriousViolations('admin/audit as viewer');
    await page.goto(`${admin}/entitlements`);
    await page.getByRole('table', { name: /conjuntos públicos liberados/ }).waitFor();
    expect(await page.getByRole('checkbox').count()).toBe(0);
    expect(await page.getByText(/só administradores e proprietários podem mudá-las/).count()).toBe(1);
    await noSeriousViolations('admin/entitlements as viewer');
  });
});
