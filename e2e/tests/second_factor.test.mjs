// Signing in with a second factor (issue 21, decision 83): the city's demo account gives its
// password, then the TOTP code of the secret the demo's sign-in page shows, computed here
// as an authenticator app would; before the code nothing but the code page is reachable.

import { describe, test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEMO_PASSWORD,
  DEMO_TOTP_SECRET,
  VIEWPORTS,
  enterTotp,
  expectNoHorizontalScroll,
  expectPath,
  expectVisible,
  launchBrowser,
  newContext,
  screenshot,
  slug,
} from '../lib/harness.mjs';

const TEST_TIMEOUT_MS = 120_000;

describe('signing in with a TOTP code', () => {
  let browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  for (const viewport of VIEWPORTS) {
    let page;
    afterEach(async (t) => {
      if (!t.passed) await screenshot(page, `totp-${viewport.name}-FAILED-${slug(t.name)}`);
    });

    test(`the city signs in with password and code (${viewport.name})`, { timeout: TEST_TIMEOUT_MS }, async () => {
      const context = await newContext(browser, viewport);
      try {
        page = await context.newPage();
        await page.goto('/login');
        const shown = (await page.locator('#demo-totp-secret').textContent()).replace(/\s/g, '');
        assert.equal(shown, DEMO_TOTP_SECRET, 'the demo shows the secret its accounts use');
        await expectNoHorizontalScroll(page, viewport, 'sign-in page with the demo QR code');
        await page.fill('#username', 'city');
        await page.fill('#password', DEMO_PASSWORD);
        await Promise.all([page.waitForURL((u) => u.pathname !== '/login'), page.click('#login-submit')]);
        await expectPath(page, /^\/login\/code$/);
        await expectNoHorizontalScroll(page, viewport, 'code page');

        // Half signed in: the ledger sends back to the sign-in page.
        const other = await context.newPage();
        await other.goto('/children');
        await expectPath(other, /^\/login$/);
        await other.close();

        // A wrong code is refused and says so.
        await page.fill('#code', '000000');
        await Promise.all([page.waitForEvent('load'), page.click('#code-submit')]);
        await expectVisible(page.locator('#code-error'), 'the wrong code message');

        await enterTotp(page);
        await expectPath(page, /^\/home$/);
        await page.click('#nav-second-factor');
        await expectVisible(page.locator('#second-factor-on'), 'the second factor is on');
        await screenshot(page, `totp-${viewport.name}-second-factor`);
      } finally {
        await context.close();
      }
    });
  }
});
