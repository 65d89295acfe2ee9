// What the browser scenarios share: their settings from the environment, checks that count
// their failures, and Debian's chromium launched headless.
import { chromium } from 'playwright-core';

// The environment variable `name`; throws when it is not set.
export function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}

// check(ok, what) prints "FAIL: what" when ok is false; failures() says how many did.
export function checks() {
  let failed = 0;
  return {
    check: (ok, what) => {
      if (!ok) {
        failed += 1;
        console.error(`FAIL: ${what}`);
      }
    },
    failures: () => failed,
  };
}

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}

// The script errors of `page`: uncaught exceptions, and errors logged to the console. Asking who
// is signed in before signing in logs "Failed to load resource" (a 401), which counts only after
// signedIn() is called. errors is the list.
export function watchErrors(page) {
  const errors = [];
  let signed = false;
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && (signed || !m.text().includes('Failed to load resource')))
      errors.push(m.text());
  });
  return { errors, signedIn: () => { signed = true; } };
}

// Fills in the sign-in page `page` shows now, and signs in.
export async function signIn(page, user, password) {
  await page.getByLabel('User').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

// A phone-sized page (390×844, touch) that opened `path` signed out, was sent to sign in, signed
// in as `user` and came back to `path`; its script errors are watched (`errors`).
export async function openSignedIn(browser, url, path, user, password) {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const { errors, signedIn } = watchErrors(page);
  await page.goto(`${url}${path}`);
  await page.waitForURL('**/signin?next=*');
  await signIn(page, user, password);
  await page.waitForURL(`**${path}`);
  signedIn();
  return { page, errors };
}
