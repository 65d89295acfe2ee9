// A broken glass signed on the web pages: lee, the leader whose approval an emergency deployed by
// break glass still owes, signs in on a phone-sized screen, reads on the release's page who broke
// the glass, why and since when the approval is overdue, finds Approve and no Reject, approves
// after the confirmation, and the page then says the approval was given, late. Run by
// tests/integration/browser.sh, which then checks the ledger.
//
// Environment: BEAVER_URL, BEAVER_USER and BEAVER_PASSWORD (the leader's), BROKEN_BY (who broke
// the glass), RELEASE_ID, BEAVER_SCREENSHOT_DIR, CHROMIUM (default /usr/bin/chromium).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { checks, launch, need, openSignedIn } from './harness.mjs';

const url = need('BEAVER_URL');
const user = need('BEAVER_USER');
const password = need('BEAVER_PASSWORD');
const brokenBy = need('BROKEN_BY');
const id = need('RELEASE_ID');
const shots = need('BEAVER_SCREENSHOT_DIR');
mkdirSync(shots, { recursive: true });

const { check, failures } = checks();
const browser = await launch();
try {
  const { page, errors: pageErrors } =
    await openSignedIn(browser, url, `/releases/${id}`, user, password);
  const note = page.locator('p.break-glass');
  await note.waitFor();
  const noteText = await note.innerText();
  check(noteText.startsWith(`Deployed by break glass: ${brokenBy}, `),
        `the page says who broke the glass: '${noteText}'`);
  check(noteText.includes('Its approvals are overdue since'),
        `and that its approval is overdue: '${noteText}'`);
  check(await page.locator('p.break-glass.message.error').count() === 1,
        'an overdue signature shows as an error');
  check(await page.locator('.badge.break-glass').count() === 1, 'a "break glass" badge');
  check(await page.getByRole('button', { name: `Reject release ${id}`, exact: false }).count() === 0,
        'an owed approval is given, never rejected: no Reject button');

  await page.getByRole('button', { name: `Approve release ${id}`, exact: false }).click();
  const confirm = page.locator('form.approve-form');
  await confirm.waitFor();
  const asked = await confirm.locator('p.confirm').innerText();
  check(asked.includes('emergency release') && asked.includes(`#${id}`),
        `the confirmation repeats the type and the release: '${asked}'`);
  await confirm.locator('textarea').fill('signed after the incident call');
  await confirm.getByRole('button', { name: 'Confirm approval' }).click();
  await page.locator('#message').filter({ hasText: 'now deployed' }).waitFor();

  await page.goto(`${url}/releases/${id}`);
  const signed = page.locator('p.break-glass');
  await signed.filter({ hasText: 'Its approvals were given' }).waitFor();
  const signedText = await signed.innerText();
  check(signedText.includes(', late (due by '), `the page says it was signed late: '${signedText}'`);
  check(await page.getByRole('button', { name: `Approve release ${id}`, exact: false }).count() === 0,
        'nothing is owed any more: no Approve button');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  check(width <= 390, `the release page fits a 390px screen (scroll width ${width})`);
  await page.screenshot({ path: join(shots, 'break-glass.png'), fullPage: true });
  check(pageErrors.length === 0, `no script error on the pages: ${pageErrors.join(' | ')}`);
} finally {
  await browser.close();
}
if (failures() > 0) process.exit(1);
