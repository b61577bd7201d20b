// Onboarding, end to end: the operator command creates an org and
// prints its first owner's invite link; the owner opens it, creates the
// account, verifies the address (the emulator's verification code, as the
// mailed link would apply it), accepts, and lands in the org. Each state of
// the invite page passes axe.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { BASE_URL, EMULATOR, axe, launch, newContext, poll } from './helpers';

let browser: Browser;
let ctx: BrowserContext;
let page: Page;

const stamp = Date.now().toString(36);
const slug = `e2e-${stamp}`;
const owner = `dona-${stamp}@e2e.example`;
const password = 'e2e-owner-password';

/** Runs the operator command against the stack under test (scripts/dev onboard, DATA_DIR from the environment). */
function onboard(): string {
  const out = execFileSync(join(process.cwd(), '..', 'scripts', 'dev'), ['onboard', '-slug', slug, '-name', `E2E ${stamp}`, '-plan', 'free', '-owner', owner, '-base-url', BASE_URL], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const m = out.match(/(https?:\/\/\S+\/invite\/[A-Za-z0-9_-]{43})\n/);
  if (!m) throw new Error(`no invite link in the command's output:\n${out}`);
  return m[1];
}

/** Applies the address's verification code, as following the mailed link does. */
async function verifyOwnerAddress() {
  const codes = (await (await fetch(`http://${EMULATOR}/emulator/v1/projects/demo-mirante/oobCodes`)).json()) as { oobCodes: { email: string; oobCode: string; requestType: string }[] };
  const code = codes.oobCodes.filter((c) => c.email === owner && c.requestType === 'VERIFY_EMAIL').pop();
  if (!code) throw new Error('the emulator holds no verification code for the owner');
  const r = await fetch(`http://${EMULATOR}/identitytoolkit.googleapis.com/v1/accounts:update?key=demo-key`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ oobCode: code.oobCode }),
  });
  expect(r.status).toBe(200);
}

async function noSeriousViolations(name: string) {
  await page.waitForFunction(() => !document.querySelector('.loading, [aria-busy="true"]'), undefined, { timeout: 30_000 });
  const r = await axe(page, name);
  expect(r.serious, `${name}: ${JSON.stringify(r.serious, null, 2)}`).toEqual([]);
}

beforeAll(async () => {
  browser = await launch();
  ctx = await newContext(browser);
  page = await ctx.newPage();
});

afterAll(async () => {
  await browser?.close();
});

describe('onboarding an organisation', () => {
  it('the invited owner creates the account, verifies it, accepts and lands in the org', async () => {
    const link = onboard();
    expect(link.startsWith(`${BASE_URL}/invite/`)).toBe(true);

    await page.goto(`${link}?lang=en`);
    await page.getByRole('heading', { name: 'You are invited to Mirante' }).waitFor();
    await noSeriousViolations('invite: signed out');
    await page.getByLabel('E-mail', { exact: true }).fill(owner);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByLabel('Repeat the password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Create account', exact: true }).click();

    await page.getByRole('heading', { name: 'Verify your e-mail address' }).waitFor();
    await noSeriousViolations('invite: unverified');
    // Claiming to have verified too early is answered, not trusted.
    await page.getByRole('button', { name: 'I have verified it' }).click();
    await poll(() => page.getByText('The address is not verified yet').isVisible()).toBe(true);

    await verifyOwnerAddress();
    await page.getByRole('button', { name: 'I have verified it' }).click();
    const accept = page.getByRole('button', { name: 'Accept the invitation' });
    await accept.waitFor();
    await noSeriousViolations('invite: ready');
    await accept.click();

    await page.waitForURL(new RegExp(`/o/${slug}/explore`), { timeout: 30_000 });

    // The same link, used again, is refused with what to do next.
    await page.goto(`${link}?lang=en`);
    await page.getByRole('button', { name: 'Accept the invitation' }).click();
    await poll(() => page.getByText('This invitation has already been used').isVisible()).toBe(true);
    await noSeriousViolations('invite: refused');
  });

  it('a malformed link is refused without asking anything', async () => {
    await page.goto(`${BASE_URL}/invite/not-a-token?lang=en`);
    await poll(() => page.getByText('This invitation link is not valid').isVisible()).toBe(true);
  });
});
