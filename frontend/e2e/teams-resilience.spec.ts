// Resilience in a real browser: the first chart on a fresh Vite cache, a lost
// connection (banner, then data once back), a lazily loaded screen whose
// chunk fails (error boundary with Recarregar), and a 429 retried by itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page, Response } from 'playwright-core';
import { ANA, BASE_URL, DORA, axe, launch, newContext, poll, signIn } from './helpers';

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

/** Console errors and 504 answers of page, gathered from now on. */
function watchFailures(page: Page) {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('response', (r: Response) => {
    if (r.status() === 504) errors.push(`504 ${r.url()}`);
  });
  return errors;
}

describe('first run', () => {
  // The e2e stack empties its Vite cache before starting (frontend/scripts/e2e-stack.sh),
  // so this is the first chart the dependency optimiser serves.
  it('draws the first chart on a fresh Vite cache without a failed module', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const failures = watchFailures(page);
    await signIn(page, ANA);
    const f = encodeURIComponent(JSON.stringify([['flow', 'in', ['export']]]));
    await page.goto(`${BASE_URL}/o/porto-sul/explore?lang=pt-BR&ds=comex_monthly&m=vl_fob_usd&g=month&chart=line&f=${f}`);
    await page.locator('.result-panel .chart canvas').first().waitFor({ state: 'visible', timeout: 90_000 });
    expect(failures.filter((e) => /dynamically imported module|504|Outdated Optimize Dep/i.test(e))).toEqual([]);
    await ctx.close();
  });
});

describe('a lost connection', () => {
  it('shows a banner while offline, then loads the data once back', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, DORA);
    const switcher = page.getByLabel('Organização', { exact: true });
    await poll(() => switcher.isVisible()).toBe(true);
    const from = new URL(page.url()).pathname.split('/')[2];
    const to = from === 'porto-sul' ? 'agro-nordeste' : 'porto-sul';
    const banner = page.getByText('Sem conexão — tentando reconectar.');
    expect(await banner.count()).toBe(0);

    await ctx.setOffline(true);
    await banner.waitFor({ state: 'visible' });
    const a11y = await axe(page, 'offline banner');
    expect(a11y.serious, JSON.stringify(a11y.serious, null, 2)).toEqual([]);

    // The other org's datasets were never loaded: their query waits, paused, for the network.
    let datasetCalls = 0;
    page.on('request', (r) => {
      if (r.url().includes(`/v1/orgs/${to}/datasets`)) datasetCalls++;
    });
    await switcher.selectOption(to);
    await poll(() => new URL(page.url()).pathname).toBe(`/o/${to}/explore`);
    expect(await page.getByRole('alert').filter({ hasText: /Sem conexão com o servidor/ }).count()).toBe(0);

    const loaded = page.waitForResponse((r) => r.url().includes(`/v1/orgs/${to}/datasets`) && r.status() === 200);
    await ctx.setOffline(false);
    await banner.waitFor({ state: 'hidden' });
    await loaded;
    await page.getByLabel('Conjunto de dados', { exact: true }).waitFor({ state: 'visible' });
    expect(datasetCalls).toBeGreaterThan(0);
    await ctx.close();
  });
});

describe('a chunk that fails to load', () => {
  it('shows the error boundary with Recarregar, and reloading recovers', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, ANA);
    // The saved-views screen is loaded on demand: its module request fails, as after a deploy.
    const chunk = /\/src\/pages\/Views\.tsx(\?|$)/;
    await page.route(chunk, (r) => r.abort('failed'));
    await page.getByRole('link', { name: 'Visões salvas' }).click();
    await page.getByRole('heading', { level: 1, name: 'Não foi possível carregar esta parte do aplicativo.' }).waitFor();
    const reload = page.getByRole('button', { name: 'Recarregar' });
    expect(await reload.isVisible()).toBe(true);
    // The header and navigation stay usable around the failed part.
    expect(await page.getByRole('link', { name: 'Explorar' }).isVisible()).toBe(true);
    const a11y = await axe(page, 'error boundary');
    expect(a11y.serious, JSON.stringify(a11y.serious, null, 2)).toEqual([]);

    await page.unroute(chunk);
    await reload.click();
    await page.getByRole('heading', { level: 1, name: 'Visões salvas' }).waitFor();
    expect(await page.getByText('Não foi possível carregar esta parte do aplicativo.').count()).toBe(0);
    await ctx.close();
  });
});

describe('429 Too Many Requests', () => {
  it('is retried by itself after Retry-After, saying so meanwhile', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    let calls = 0;
    await page.route('**/v1/me', async (r) => {
      calls++;
      if (calls === 1) {
        await r.fulfill({
          status: 429,
          headers: { 'Retry-After': '1', 'Content-Type': 'application/problem+json' },
          body: JSON.stringify({ type: 'urn:mirante:problem:rate-limited', title: 'Too Many Requests', status: 429, detail: 'too many queries', bucket: 'queries', retry_after_s: 1 }),
        });
        return;
      }
      await r.continue();
    });
    const notice = page.getByText(/tentando de novo em \d+ s/).waitFor({ state: 'visible' });
    await signIn(page, ANA);
    await notice;
    await page.getByRole('heading', { level: 1, name: 'Explorar dados' }).waitFor();
    expect(calls).toBe(2);
    expect(await page.getByText(/Muitas requisições/).count()).toBe(0);
    await ctx.close();
  });
});
