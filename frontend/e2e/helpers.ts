// Shared set-up for the end-to-end tests: Debian's Chromium driven by
// playwright-core (no browser download), the stack's base URL, sign-in, axe.
import { expect } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const BASE_URL = (process.env.E2E_BASE_URL ?? 'http://127.0.0.1:5173').replace(/\/$/, '');
export const EMULATOR = process.env.FIREBASE_AUTH_EMULATOR_HOST ?? '127.0.0.1:9099';
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const PASSWORD = 'mirante-demo';
export const ARTIFACTS = join(process.cwd(), 'e2e', '.artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

export const ANA = 'ana@porto-sul.demo';
export const BRUNO = 'bruno@agro-nordeste.demo';
export const DORA = 'dora@multi.demo';

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

export async function newContext(browser: Browser): Promise<BrowserContext> {
  const ctx = await browser.newContext({ acceptDownloads: true, viewport: { width: 1366, height: 900 }, locale: 'pt-BR', timezoneId: 'America/Sao_Paulo' });
  ctx.setDefaultTimeout(30_000);
  return ctx;
}

/** Signs in through the form, in the language given (default pt-BR). */
export async function signIn(page: Page, email: string, lang: 'pt-BR' | 'en' = 'pt-BR'): Promise<void> {
  await page.goto(`${BASE_URL}/signin?lang=${lang}`);
  const labels = lang === 'en' ? { email: 'E-mail', password: 'Password', submit: 'Sign in' } : { email: 'E-mail', password: 'Senha', submit: 'Entrar' };
  await page.getByLabel(labels.email, { exact: true }).fill(email);
  await page.getByLabel(labels.password, { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: labels.submit, exact: true }).click();
  await page.waitForURL(/\/o\/[^/]+\/explore/, { timeout: 30_000 });
}

export interface AxeSummary {
  screen: string;
  serious: { id: string; impact: string; help: string; nodes: string[] }[];
  /** Every violation, moderate and minor too, for the record. */
  all: { id: string; impact: string; count: number }[];
  passes: number;
}

/** Runs axe (WCAG 2.0/2.1 A and AA) and returns the serious and critical violations. */
export async function axe(page: Page, screen: string): Promise<AxeSummary> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact ?? '', help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  const all = results.violations.map((v) => ({ id: v.id, impact: v.impact ?? '', count: v.nodes.length }));
  return { screen, serious, all, passes: results.passes.length };
}

/** An ID token from the emulator, for set-up and clean-up through the API. */
export async function token(email: string): Promise<string> {
  const r = await fetch(`http://${EMULATOR}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=demo-key`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD, returnSecureToken: true }),
  });
  if (!r.ok) throw new Error(`emulator sign-in for ${email}: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { idToken: string }).idToken;
}

export async function apiCall<T = unknown>(tok: string, path: string, init: RequestInit = {}): Promise<{ status: number; body: T; headers: Headers }> {
  const r = await fetch(`${BASE_URL}${path}`, { ...init, headers: { Authorization: `Bearer ${tok}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : undefined) as T, headers: r.headers };
}

/** Deletes the views whose names start with prefix (left by earlier runs). */
export async function deleteViews(email: string, org: string, prefix: string): Promise<void> {
  const tok = await token(email);
  const list = await apiCall<{ data: { id: string; name: string; version: number }[] }>(tok, `/v1/orgs/${org}/views?limit=500`);
  for (const v of list.body?.data ?? []) {
    if (v.name.startsWith(prefix)) await apiCall(tok, `/v1/orgs/${org}/views/${v.id}`, { method: 'DELETE', headers: { 'If-Match': `"${v.version}"` } });
  }
}

/** Deletes the schedules whose names start with prefix (left by earlier runs). */
export async function deleteSchedules(email: string, org: string, prefix: string): Promise<void> {
  const tok = await token(email);
  const list = await apiCall<{ data: { id: string; name: string }[] }>(tok, `/v1/orgs/${org}/schedules?limit=500`);
  for (const s of list.body?.data ?? []) {
    if (s.name.startsWith(prefix)) await apiCall(tok, `/v1/orgs/${org}/schedules/${s.id}`, { method: 'DELETE' });
  }
}

/** Waits for the builder's answer: a chart or table, the empty state, or an error. */
export async function waitForAnswer(page: Page): Promise<'rows' | 'empty' | 'error'> {
  const rows = page.locator('.result-panel table.table');
  const empty = page.locator('.result-panel .alert-info');
  const error = page.locator('.result-panel .alert-error');
  await rows.or(empty).or(error).first().waitFor({ state: 'visible', timeout: 60_000 });
  if (await error.count()) return 'error';
  if (await rows.count()) return 'rows';
  return 'empty';
}

export function uniqueName(prefix: string): string {
  return `${prefix} ${new Date().toISOString().replace(/[:.]/g, '-')}`;
}

/** expect.poll with a timeout that suits a dev server (20 s rather than 1 s). */
export const poll = <T>(fn: () => T | Promise<T>, opts: { timeout?: number; interval?: number } = {}) => expect.poll(fn, { timeout: 20_000, interval: 150, ...opts });
