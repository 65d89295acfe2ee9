// A manager opens the dashboard, on a phone and on a desktop screen, and narrows it to one team:
// the figures change to that team's, each tile says what it counts and opens the releases behind
// it, the charts are there, and the page never scrolls sideways. Run by
// tests/integration/browser.sh, which starts `beaver serve` with two teams' releases.
//
// Environment: BEAVER_URL, BEAVER_USER and BEAVER_PASSWORD (a user's), TEAM (the team to pick), ALL_RELEASES
// and TEAM_RELEASES (the releases tile's value before and after), TEAM_EMERGENCIES,
// BEAVER_SCREENSHOT_DIR, CHROMIUM (default /usr/bin/chromium).
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checks, launch, need, signIn, watchErrors } from './harness.mjs';

const url = need('BEAVER_URL');
const user = need('BEAVER_USER');
const password = need('BEAVER_PASSWORD');
const team = need('TEAM');
const all = need('ALL_RELEASES');
const teamReleases = need('TEAM_RELEASES');
const teamEmergencies = need('TEAM_EMERGENCIES');
const shots = need('BEAVER_SCREENSHOT_DIR');
mkdirSync(shots, { recursive: true });

const { check, failures } = checks();

const browser = await launch();
try {
  for (const [name, viewport, mobile] of [['phone', { width: 390, height: 844 }, true],
                                          ['desktop', { width: 1280, height: 900 }, false]]) {
    const context = await browser.newContext({ viewport, isMobile: mobile, hasTouch: mobile });
    const page = await context.newPage();
    page.setDefaultTimeout(15000);
    const { errors: pageErrors, signedIn } = watchErrors(page);

    await page.goto(`${url}/signin`);
    await signIn(page, user, password);
    await page.waitForURL(/\/(inbox|releases)/);
    signedIn();
    await page.goto(`${url}/dashboard`);
    const releases = page.locator('.figure[data-figure="releases"] .value');
    await releases.waitFor();
    check(await releases.innerText() === all, `${name}: all teams' releases are ${all}`);
    const label = await page.locator('.figure[data-figure="outside_windows"] .name').innerText();
    check(label === 'Outside the release windows', `${name}: a plain label, not '${label}'`);

    await page.getByLabel('Team', { exact: true }).selectOption(team);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(new RegExp(`team=${team}`));
    await page.locator('.figure[data-figure="releases"] .value').filter({ hasText: teamReleases })
      .waitFor();
    const emergencies = await page.locator('.figure[data-figure="emergency"] .value').innerText();
    check(emergencies === teamEmergencies,
          `${name}: ${team}'s emergencies are ${teamEmergencies}, not ${emergencies}`);
    check(await page.getByLabel('Team', { exact: true }).inputValue() === team, `${name}: the filter stays picked`);
    check((await page.locator('p.hint').first().innerText()).includes(`${team}`),
          `${name}: the page says which team it shows`);
    const link = await page.locator('.figure[data-figure="emergency"] a').getAttribute('href');
    check(link && link.startsWith('/releases?') && link.includes('type=emergency'),
          `${name}: the emergency tile opens the emergency releases (${link})`);
    const definition = page.locator('.figure[data-figure="emergency_ratio"] details');
    await definition.locator('summary').click();
    check((await definition.innerText()).includes('divided by all releases'),
          `${name}: the share of emergencies says what it counts`);
    check(await page.locator('figure.chart svg').count() === 5, `${name}: five charts`);
    const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    check(widths[0] <= widths[1], `${name}: no horizontal scroll (${widths[0]} > ${widths[1]})`);
    await page.screenshot({ path: join(shots, `dashboard-${name}.png`), fullPage: true });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    const csv = readFileSync(await download.path(), 'utf8');
    check(csv.startsWith('\ufeff') && csv.trim().split('\n').length >= 2,
          `${name}: Download CSV saves the report, with a byte-order mark: '${csv.slice(0, 60)}'`);

    await page.locator('.figure[data-figure="emergency"] a').click();
    await page.waitForURL(/\/releases\?/);
    await page.locator('table.list tbody tr').first().waitFor();
    const rows = await page.locator('table.list tbody tr').count();
    check(rows === Number(teamEmergencies),
          `${name}: the tile opened ${team}'s emergencies (${rows} rows)`);
    const range = await page.locator('.paging .range').innerText();
    check(range === `1–${teamEmergencies} of ${teamEmergencies}`, `${name}: the list says '${range}'`);
    check(new URL(page.url()).searchParams.get('team') === team, `${name}: the list keeps the team`);
    check(pageErrors.length === 0, `${name}: no script errors: ${pageErrors.join('; ')}`);
    await context.close();
  }
} finally {
  await browser.close();
}
if (failures() > 0) process.exit(1);
console.log('dashboard: filtered by team at phone and desktop size, no horizontal scroll');
