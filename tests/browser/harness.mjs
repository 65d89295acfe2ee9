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
