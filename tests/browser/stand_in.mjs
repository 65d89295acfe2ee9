// A stand-in approves on the web pages: leo, standing in for lee who is away, signs in on a
// phone-sized screen, sees on the release's page that he may approve it for lee, approves it
// after the confirmation, and the page lists the approval as "leo for lee". Run by
// tests/integration/browser.sh, which then checks the ledger.
//
// Environment: BEAVER_URL, BEAVER_USER and BEAVER_PASSWORD (the stand-in's), ABSENT (whom he
// stands in for), RELEASE_ID, BEAVER_SCREENSHOT_DIR, CHROMIUM (default /usr/bin/chromium).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { checks, launch, need, openSignedIn } from './harness.mjs';

const url = need('BEAVER_URL');
const user = need('BEAVER_USER');
const password = need('BEAVER_PASSWORD');
const absent = need('ABSENT');
const id = need('RELEASE_ID');
const shots = need('BEAVER_SCREENSHOT_DIR');
mkdirSync(shots, { recursive: true });

const { check, failures } = checks();
const browser = await launch();
try {
  const { page, errors: pageErrors } =
    await openSignedIn(browser, url, `/releases/${id}`, user, password);
  const may = page.locator('p.may-approve');
  await may.waitFor();
  const mayText = await may.innerText();
  check(mayText.includes(`${user} for ${absent}`),
        `the page says ${user} may approve for ${absent}: '${mayText}'`);

  await page.getByRole('button', { name: `Approve release ${id}`, exact: false }).click();
  const confirm = page.locator('form.approve-form');
  await confirm.waitFor();
  await confirm.getByRole('button', { name: 'Confirm approval' }).click();
  await page.locator('#message').filter({ hasText: 'now approved' }).waitFor();

  await page.goto(`${url}/releases/${id}`);
  await page.locator('.badge.status-approved').waitFor();
  const approvals = await page.locator('table.list').first().innerText();
  check(approvals.includes(`${user} for ${absent}`),
        `the release page lists the approval as '${user} for ${absent}': '${approvals}'`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  check(width <= 390, `the release page fits a 390px screen (scroll width ${width})`);
  await page.screenshot({ path: join(shots, 'stand-in.png'), fullPage: true });
  check(pageErrors.length === 0, `no script error on the pages: ${pageErrors.join(' | ')}`);
} finally {
  await browser.close();
}
if (failures() > 0) process.exit(1);
