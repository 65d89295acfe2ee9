// A leader signs in on a phone-sized screen, finds the pending emergency in the inbox and
// approves it with a click. Run by tests/integration/browser.sh, which starts `beaver serve` and
// then checks the ledger. Exits non-zero with one line per failed check.
//
// Environment: BEAVER_URL (the server), BEAVER_TOKEN (the leader's token), RELEASE_ID,
// RELEASE_REASON, RELEASE_SUBMITTER, BEAVER_SCREENSHOT_DIR, CHROMIUM (default /usr/bin/chromium).
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const need = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const url = need('BEAVER_URL');
const token = need('BEAVER_TOKEN');
const id = need('RELEASE_ID');
const reason = need('RELEASE_REASON');
const submitter = need('RELEASE_SUBMITTER');
const shots = need('BEAVER_SCREENSHOT_DIR');
mkdirSync(shots, { recursive: true });

let failures = 0;
const check = (ok, what) => {
  if (!ok) {
    failures += 1;
    console.error(`FAIL: ${what}`);
  }
};
const timeout = 15000;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(timeout);
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // A refused request logs "Failed to load resource"; the wrong token below makes one on purpose.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('Failed to load resource'))
      pageErrors.push(m.text());
  });

  // A wrong token: the sign-in page says so and stays.
  await page.goto(`${url}/signin`);
  await page.getByLabel('API token').fill('bvr_1_' + '0'.repeat(64));
  await page.getByRole('button', { name: 'Sign in' }).click();
  const message = page.locator('#message');
  await message.filter({ hasText: 'Sign-in failed' }).waitFor();
  check(new URL(page.url()).pathname === '/signin', 'a wrong token stays on the sign-in page');
  await page.screenshot({ path: join(shots, 'signin-error.png') });

  // The leader's token: straight to the inbox.
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/inbox');
  const card = page.locator(`article[data-release="${id}"]`);
  await card.waitFor();
  const text = await card.innerText();
  check(text.includes(reason), `the inbox card shows the reason '${reason}'`);
  check(text.includes(submitter), `the inbox card shows the submitter '${submitter}'`);
  check(/emergency/i.test(await card.locator('.badge.type-emergency').innerText()),
        'the emergency has its badge');
  check(await card.evaluate((n) => n.classList.contains('emergency')),
        'the emergency card stands out');
  const approve = card.getByRole('button', { name: /^Approve release/ });
  const box = await approve.boundingBox();
  check(box && box.height >= 44, `the Approve button is at least 44px tall (${box && box.height})`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  check(width <= 390, `the inbox fits a 390px screen (scroll width ${width})`);
  await page.screenshot({ path: join(shots, 'inbox.png'), fullPage: true });

  await approve.click();
  await message.filter({ hasText: 'now approved' }).waitFor();

  // The release page shows the approval.
  await page.goto(`${url}/releases/${id}`);
  await page.locator('.badge.status-approved').waitFor();
  const approvals = await page.locator('table.list').first().innerText();
  check(approvals.includes('lee'), 'the release page lists lee\'s approval');
  await page.screenshot({ path: join(shots, 'release.png'), fullPage: true });

  // The release list, filtered to emergencies, shows it as a card on this narrow screen.
  await page.goto(`${url}/releases`);
  await page.getByLabel('Type').selectOption('emergency');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL('**/releases?type=emergency');
  const rows = page.locator('table.list tbody tr');
  await rows.first().waitFor();
  check(await rows.count() === 1, 'the list filtered to emergencies holds one release');
  check((await rows.first().innerText()).includes('approved'), 'the list shows it approved');
  await page.screenshot({ path: join(shots, 'releases.png'), fullPage: true });

  // The dashboard draws the report's five charts.
  await page.goto(`${url}/dashboard`);
  await page.locator('figure.chart svg').nth(3).waitFor();
  check(await page.locator('figure.chart svg').count() === 5, 'the dashboard shows five charts');
  await page.screenshot({ path: join(shots, 'dashboard.png'), fullPage: true });

  check(pageErrors.length === 0, `no script error on the pages: ${pageErrors.join(' | ')}`);
} catch (e) {
  failures += 1;
  console.error(`FAIL: ${e.message}`);
} finally {
  await browser.close();
}
if (failures > 0) {
  console.error(`${failures} browser check(s) failed`);
  process.exit(1);
}
console.log('browser checks passed');
