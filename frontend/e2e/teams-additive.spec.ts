// Additive measures and the top N per series, end to end, as ana
// (porto-sul): in the builder, Comex asks for a flow up front, so no query
// it sends ever sums exports and imports; the API refuses a raw spec that would, naming flow;
// and "Top N por série" keeps at most N categories in each month.
//
// Data-dependence: the top N assertion holds on any answer (an empty
// warehouse has no month with more than N categories either).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page, Request } from 'playwright-core';
import { ANA, BASE_URL, apiCall, launch, newContext, poll, signIn, token, waitForAnswer } from './helpers';

let browser: Browser;

beforeAll(async () => {
  const health = await fetch(`${BASE_URL}/healthz`).catch((e: Error) => e);
  if (health instanceof Error || !health.ok) throw new Error(`the stack does not answer at ${BASE_URL}/healthz; start it and the dev server first (see frontend/README.md)`);
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

interface SentSpec {
  dataset: string;
  dimensions?: string[];
  filters?: { field: string; op: string; value: string | string[] }[];
  time?: { grain?: string };
  top?: { field: string; n: number };
}

/** Whether a spec sent to POST /query sums comex's flow across its values. */
function sumsFlows(s: SentSpec): boolean {
  if (!s.dataset.startsWith('comex')) return false;
  if ((s.dimensions ?? []).includes('flow')) return false;
  const f = (s.filters ?? []).find((x) => x.field === 'flow');
  if (!f) return true;
  if (f.op === 'eq') return f.value === '';
  return !(f.op === 'in' && Array.isArray(f.value) && f.value.length === 1);
}

/** Every query the page sends, as parsed specs. */
function recordQueries(page: Page): SentSpec[] {
  const sent: SentSpec[] = [];
  page.on('request', (r: Request) => {
    if (r.method() === 'POST' && /\/v1\/orgs\/[^/]+\/query(\?|$)/.test(r.url())) sent.push(JSON.parse(r.postData() ?? '{}') as SentSpec);
  });
  return sent;
}

async function choose(page: Page, label: string, optionLabel: string | RegExp) {
  const select = page.getByLabel(label, { exact: true });
  const value = await select.locator('option').filter({ hasText: optionLabel }).first().getAttribute('value');
  await select.selectOption(value!);
}

describe('non-additive dimensions', () => {
  it('the builder asks for the flow up front and never sends a cross-flow sum', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const sent = recordQueries(page);
    await signIn(page, ANA);
    await poll(() => page.getByRole('heading', { level: 1, name: 'Explorar dados' }).isVisible()).toBe(true);
    await choose(page, 'Conjunto de dados', 'Comércio exterior mensal');
    await poll(() => new URL(page.url()).searchParams.get('ds')).toBe('comex_monthly');

    // The flow filter is there before anything else, pre-filled with exports, required and not removable.
    const flow = page.getByRole('combobox', { name: 'Valores de Fluxo' });
    await poll(() => flow.isVisible()).toBe(true);
    await poll(() => new URL(page.url()).searchParams.get('f')).toBe(JSON.stringify([['flow', 'in', ['export']]]));
    const group = page.getByRole('group', { name: /^Fluxo/ }).first();
    expect(await group.getByText('obrigatório').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Remover o filtro de Fluxo' }).count()).toBe(0);
    expect(await waitForAnswer(page)).not.toBe('error');
    // The local stack serves demo data: the answer says so beside its numbers.
    await poll(() => page.getByText('Dados sintéticos de demonstração').first().isVisible()).toBe(true);

    // Choosing imports replaces exports (one value at a time), it does not add them up.
    await flow.click();
    await page.getByRole('option', { name: 'Importação' }).click();
    await page.keyboard.press('Escape');
    await poll(() => new URL(page.url()).searchParams.get('f')).toBe(JSON.stringify([['flow', 'in', ['import']]]));
    expect(await waitForAnswer(page)).not.toBe('error');

    // "Agrupar por Fluxo" frees the filter: flows are then side by side, never summed.
    await page.getByRole('button', { name: 'Agrupar por Fluxo' }).click();
    await poll(() => new URL(page.url()).searchParams.get('d')).toBe('flow');
    await poll(() => page.getByRole('button', { name: 'Remover o filtro de Fluxo' }).count()).toBe(1);
    expect(await waitForAnswer(page)).not.toBe('error');

    // A link without the flow is completed before it runs.
    await page.goto(`${BASE_URL}/o/porto-sul/explore?lang=pt-BR&ds=comex_monthly&m=vl_fob_usd&d=uf&chart=bar`);
    await poll(() => new URL(page.url()).searchParams.get('f')).toBe(JSON.stringify([['flow', 'in', ['export']]]));
    expect(await waitForAnswer(page)).not.toBe('error');

    expect(sent.length).toBeGreaterThan(0);
    expect(sent.filter(sumsFlows)).toEqual([]);
    await ctx.close();
  });

  it('Siconfi takes one account and one column before it answers, or asks for them', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const sent = recordQueries(page);
    await signIn(page, ANA);
    const picked = (field: string) =>
      page.waitForResponse((r) => r.url().includes(`/datasets/siconfi_annual/values?`) && new URL(r.url()).searchParams.get('field') === field, { timeout: 60_000 });
    const accounts = picked('account');
    const columns = picked('coluna');
    await page.goto(`${BASE_URL}/o/porto-sul/explore?lang=pt-BR&ds=siconfi_annual&m=value_brl&d=uf&g=year&chart=bar`);
    const known = await Promise.all([accounts, columns].map(async (r) => ((await (await r).json()) as { data: unknown[] }).data.length > 0));
    const pinnedInURL = () => {
      const f = JSON.parse(new URL(page.url()).searchParams.get('f') ?? '[]') as [string, string, string[]][];
      return ['account', 'coluna'].every((field) => f.some((x) => x[0] === field && x[1] === 'in' && x[2].length === 1));
    };
    if (known.every(Boolean)) {
      // Each is filled with the picker's first value: there is no sum of accounts or columns to show.
      await poll(pinnedInURL).toBe(true);
      expect(await waitForAnswer(page)).not.toBe('error');
    } else {
      // Nothing loaded to choose from: the builder asks, and sends nothing.
      await poll(() => page.getByText(/Escolha um valor para o filtro de (account|coluna)/).first().isVisible()).toBe(true);
    }
    const pinned = (q: SentSpec, field: string) => (q.dimensions ?? []).includes(field) || (q.filters ?? []).some((f) => f.field === field && f.op === 'in' && f.value.length === 1);
    expect(sent.filter((q) => !pinned(q, 'account') || !pinned(q, 'coluna'))).toEqual([]);
    await ctx.close();
  });

  it('the API refuses a raw spec that sums flows, naming flow', async () => {
    const tok = await token(ANA);
    const r = await apiCall<{ status: number; errors: { field: string; reason: string }[]; non_additive: string }>(tok, '/v1/orgs/porto-sul/query', {
      method: 'POST',
      body: JSON.stringify({ dataset: 'comex_monthly', measures: ['vl_fob_usd'], dimensions: ['uf'] }),
    });
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body.non_additive).toBe('flow');
    expect(r.body.errors[0].field).toBe('dimensions');
    expect(r.body.errors[0].reason).toMatch(/^flow: .*group by flow or filter it to one value$/);
    // Saving it as a view is refused the same way, so no saved thing can sum flows.
    const v = await apiCall<{ errors: { field: string }[] }>(tok, '/v1/orgs/porto-sul/views', {
      method: 'POST',
      body: JSON.stringify({ name: 'e2e additive refused', config: { dataset: 'comex_monthly', measures: ['vl_fob_usd'] } }),
    });
    expect(v.status).toBe(400);
    expect(v.body.errors[0].field).toBe('config.dimensions');
  });
});

describe('top N per series', () => {
  it('keeps at most N categories in each month', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const sent = recordQueries(page);
    await signIn(page, ANA);
    await page.goto(`${BASE_URL}/o/porto-sul/explore?lang=pt-BR&ds=comex_monthly&m=vl_fob_usd&d=uf&g=month&chart=stacked`);
    await poll(() => new URL(page.url()).searchParams.get('f')).toBe(JSON.stringify([['flow', 'in', ['export']]]));
    expect(await waitForAnswer(page)).not.toBe('error');

    const isTop3 = (body: string) => body.includes('"top":{"field":"uf","n":3}');
    const answered = page.waitForResponse((r) => r.request().method() === 'POST' && /\/query(\?|$)/.test(r.url()) && isTop3(r.request().postData() ?? ''), { timeout: 60_000 });
    await choose(page, 'Top N por série', 'UF');
    await page.getByLabel('Quantas categorias (N)', { exact: true }).fill('3');
    await poll(() => new URL(page.url()).searchParams.get('top')).toBe('uf:3');
    const res = await answered;
    expect(res.status()).toBe(200);
    const body = (await res.json()) as { data: { month: string; uf: string }[]; meta: { truncated: boolean; synthetic: boolean } };
    const perMonth = new Map<string, Set<string>>();
    for (const row of body.data) perMonth.set(row.month, (perMonth.get(row.month) ?? new Set()).add(row.uf));
    for (const [month, ufs] of perMonth) expect(ufs.size, `UFs in ${month}`).toBeLessThanOrEqual(3);
    expect(typeof body.meta.truncated).toBe('boolean');
    expect(typeof body.meta.synthetic).toBe('boolean');
    expect(await waitForAnswer(page)).not.toBe('error');
    expect(sent.filter(sumsFlows)).toEqual([]);
    await ctx.close();
  });
});
