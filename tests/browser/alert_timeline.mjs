// What fired after a deploy, on the release's page: an ops user signs in at phone size, opens a
// release that monitoring's alerts are linked to, and reads them in time order after its deploy,
// with where each fired and how sure the link is; the critical alert's rollback page names the
// live release and offers the rollback. Run by tests/integration/browser.sh.
//
// Environment: BEAVER_URL, BEAVER_USER and BEAVER_PASSWORD, RELEASE_ID, SERVICE, ENV,
// BEAVER_SCREENSHOT_DIR, CHROMIUM (default /usr/bin/chromium).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { checks, launch, need, openSignedIn } from './harness.mjs';

const url = need('BEAVER_URL');
const user = need('BEAVER_USER');
const password = need('BEAVER_PASSWORD');
const id = need('RELEASE_ID');
const service = need('SERVICE');
const env = need('ENV');
const shots = need('BEAVER_SCREENSHOT_DIR');
mkdirSync(shots, { recursive: true });

const { check, failures } = checks();
const browser = await launch();
try {
  const { page, errors: pageErrors } =
    await openSignedIn(browser, url, `/releases/${id}`, user, password);
  await page.getByRole('heading', { name: 'Alerts after its deploy' }).waitFor();
  const table = page.locator('table', { has: page.locator('caption', { hasText: 'Alerts after its deploy' }) });
  const rows = await table.locator('tbody tr').allInnerTexts();
  check(rows.length === 3, `the deploy's end, an alert firing and its resolution: ${rows.length} rows`);
  check(rows[0] && rows[0].includes('ended deployed'), `first the deploy ended: '${rows[0]}'`);
  check(rows[1] && rows[1].includes('critical: HighLatency fired') && rows[1].includes('matched by host'),
        `then the alert fired, matched by host: '${rows[1]}'`);
  check(rows[2] && rows[2].includes('HighLatency resolved'), `then it resolved: '${rows[2]}'`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  check(width <= 390, `the release page fits a 390px screen (scroll width ${width})`);
  await page.screenshot({ path: join(shots, 'alert-timeline.png'), fullPage: true });

  await page.goto(`${url}/rollback?service=${service}&env=${env}`);
  await page.getByRole('heading', { name: `Roll back ${service} on ${env}` }).waitFor();
  const live = await page.locator('#app p').first().innerText();
  check(live.includes(`(#${id})`), `the rollback page names the live release: '${live}'`);
  check(await page.getByRole('button', { name: `Roll back ${service} on ${env}` }).count() === 1,
        'and offers the rollback');
  check(pageErrors.length === 0, `no script error on the pages: ${pageErrors.join(' | ')}`);
} finally {
  await browser.close();
}
if (failures() > 0) process.exit(1);
