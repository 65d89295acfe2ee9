// A leader opens a link to a release while signed out on a phone-sized screen, signs in with a
// password and lands on that release, finds the pending emergency in the inbox and approves it
// with a click, is still signed in in a second tab, and signs out, after which the session's
// cookie no longer works. Run by tests/integration/browser.sh, which starts `beaver serve` and
// then checks the ledger. Exits non-zero with one line per failed check.
//
// Environment: BEAVER_URL (the server), BEAVER_USER and BEAVER_PASSWORD (the leader's),
// RELEASE_ID, RELEASE_REASON, RELEASE_SUBMITTER, BEAVER_SCREENSHOT_DIR, CHROMIUM (default
// /usr/bin/chromium).
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
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
  // A refused request logs "Failed to load resource"; being signed out and the wrong password
  // below make some on purpose.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('Failed to load resource'))
      pageErrors.push(m.text());
  });

  // A link to the release, opened while signed out: the sign-in page, which remembers it.
  await page.goto(`${url}/releases/${id}`);
  await page.waitForURL(`**/signin?next=${encodeURIComponent(`/releases/${id}`)}`);
  // A wrong password: the sign-in page says so and stays.
  await page.getByLabel('User').fill(user);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const message = page.locator('#message');
  await message.filter({ hasText: 'Sign-in failed' }).waitFor();
  check(new URL(page.url()).pathname === '/signin', 'a wrong password stays on the sign-in page');
  check(!(await page.locator('#nav').isVisible()), 'the pages\' links wait until signed in');
  await page.screenshot({ path: join(shots, 'signin-error.png') });

  // The right password: to the release the link named.
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`**/releases/${id}`);
  await page.locator('.badge.status-submitted').waitFor();
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'beaver_session');
  check(session && session.httpOnly && session.sameSite === 'Lax',
        'the session cookie is HttpOnly and SameSite=Lax');
  check(await page.evaluate(() => !document.cookie.includes('beaver_session')),
        'no script on the page reads the session cookie');

  await page.goto(`${url}/inbox`);
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

  // One tap only asks: the confirmation repeats what is approved, and takes a comment.
  await approve.click();
  const confirm = card.locator('form.approve-form');
  await confirm.waitFor();
  const asked = await confirm.locator('p.confirm').innerText();
  check(asked.includes(`emergency release #${id}`) && asked.includes('pay-api 2.4.1 to prod'),
        `the confirmation repeats type, service, version and environment: '${asked}'`);
  check(await page.locator('.badge.status-submitted').count() >= 1, 'nothing is approved yet');
  await confirm.getByLabel('Comment (optional)').fill('checked the fix with the payments team');
  await page.screenshot({ path: join(shots, 'approve-confirm.png'), fullPage: true });
  await confirm.getByRole('button', { name: 'Confirm approval' }).click();
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

  // A second tab is signed in as well.
  const second = await context.newPage();
  second.setDefaultTimeout(timeout);
  await second.goto(`${url}/releases/${id}`);
  await second.locator('.badge.status-approved').waitFor();
  check(new URL(second.url()).pathname === `/releases/${id}`, 'a second tab is still signed in');
  await second.close();

  // Signing out: back to the sign-in page, and the old cookie no longer signs anyone in.
  await page.getByRole('link', { name: 'Sign out' }).click();
  await page.waitForURL('**/signin');
  await message.filter({ hasText: 'signed out' }).waitFor();
  const after = await fetch(`${url}/api/v1/whoami`,
                            { headers: { Cookie: `beaver_session=${session.value}` } });
  check(after.status === 401, `the signed-out cookie is refused (status ${after.status})`);

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
