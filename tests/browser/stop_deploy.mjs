// Someone in ops follows a running deploy on its release page at phone size and stops it with a
// click; the page follows the deploy as it goes on and ends, without being reloaded. Run by
// tests/integration/browser.sh, which makes the deploy (run by a process on another machine, as
// its lease says) and then checks the ledger.
//
// Environment: BEAVER_URL, BEAVER_USER and BEAVER_PASSWORD (the ops user's), RELEASE_ID, DEPLOY_ID,
// STEP_SCRIPT and END_SCRIPT (what the deploying process records once asked to stop: a step,
// then its end; the first prints what its lease says, kept in ASKED_BY_FILE),
// BEAVER_SCREENSHOT_DIR, CHROMIUM (default /usr/bin/chromium).
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const need = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const url = need('BEAVER_URL');
const user = need('BEAVER_USER');
const password = need('BEAVER_PASSWORD');
const id = need('RELEASE_ID');
const deploy = need('DEPLOY_ID');
const stepScript = need('STEP_SCRIPT');
const endScript = need('END_SCRIPT');
const askedByFile = need('ASKED_BY_FILE');
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
  // Asking who is signed in before signing in logs "Failed to load resource" (a 401).
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('Failed to load resource'))
      pageErrors.push(m.text());
  });

  await page.goto(`${url}/releases/${id}`);
  await page.getByLabel('User').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`**/releases/${id}`);
  await page.getByRole('heading', { name: `Deploy #${deploy} by olga: running` }).waitFor();
  check((await page.locator('p.waiting').innerText()).includes(
    `Deploy #${deploy} by olga is running: 1 step so far, the last upload on ssh://app-1.internal`),
        'the top of the page says the deploy runs, and its last step');
  const stop = page.getByRole('button', { name: `Stop deploy #${deploy}` });
  const box = await stop.boundingBox();
  check(box && box.height >= 44, `the Stop button is at least 44px tall (${box && box.height})`);
  await page.screenshot({ path: join(shots, 'deploy-running.png'), fullPage: true });

  await stop.click();
  const asked = `Deploy #${deploy} is asked to stop`;
  await page.locator('#message').filter({ hasText: asked }).waitFor();
  await page.getByText('olga asked it to stop: it stops at its next step.').waitFor();
  check(await stop.count() === 0, 'no Stop button once the deploy is asked to stop');

  // The deploying process records a step, then ends: the open page shows both by itself.
  const loads = [];
  page.on('framenavigated', () => loads.push(page.url()));
  writeFileSync(askedByFile, execFileSync('bash', [stepScript]));
  // On a phone-sized screen the steps' table is laid out as cards: its cells are found by label.
  await page.locator('td[data-label="Step"]').filter({ hasText: /^switch$/ }).waitFor();
  execFileSync('bash', [endScript]);
  await page.getByRole('heading', { name: `Deploy #${deploy} by olga: interrupted` }).waitFor();
  check(await page.getByText('stopped by olga between steps').count() === 1,
        'the page says who stopped the deploy');
  check(loads.length === 0, `the page followed the deploy without reloading (${loads.join(', ')})`);
  await page.screenshot({ path: join(shots, 'deploy-stopped.png'), fullPage: true });

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
