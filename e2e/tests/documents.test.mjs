// Printable documents (issue 22): the township opens a child's file on a phone, downloads
// the census registration form as PDF, and checks its code on the public verification page.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { VIEWPORTS, expectNoHorizontalScroll, expectPath, signedInAccounts, submitBy } from '../lib/harness.mjs';

const TEST_TIMEOUT_MS = 120_000;
const phone = VIEWPORTS.find((v) => v.name === 'phone');

describe('printing a child file at 360 px', { timeout: TEST_TIMEOUT_MS }, () => {
  const accounts = signedInAccounts('documents');

  test('the census form downloads as a PDF and its code verifies', async () => {
    const page = await accounts.open('township', phone, 'township');
    const first = page.locator('#ledger-rows > li a.name').first();
    await first.waitFor({ state: 'visible' });
    await submitBy(page, first);
    await expectPath(page, /^\/children\/\d+$/);
    const link = page.locator('#print-census-form');
    const box = await link.boundingBox();
    assert.ok(box && box.height >= 44 - 0.5, `tap target ${box?.height}px`);
    await expectNoHorizontalScroll(page, phone, 'file with the print link');

    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    assert.match(download.suggestedFilename(), /农村留守儿童信息登记表\.pdf$/);
    const path = await download.path();
    const { readFile } = await import('node:fs/promises');
    const bytes = await readFile(path);
    assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.ok(bytes.length < 200 * 1024, `${bytes.length} bytes`);

    // The code printed on it (also sent as a header) verifies on the public page.
    const code = (await download.page().context().request.get(download.url(), { maxRedirects: 0 })).headers()['x-verification-code'];
    assert.match(code ?? '', /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await page.goto(`/verify/${code}`);
    assert.match(await page.locator('#verify-kind').textContent(), /农村留守儿童信息登记表/);
    assert.match(await page.locator('#verify-number').textContent(), /^留登〔\d{4}〕\d{6}-\d{4,}$/);
    await page.goto('/verify/0000-0000-0000');
    assert.match(await page.locator('#verify-not-found').textContent(), /没有找到/);
    await expectNoHorizontalScroll(page, phone, 'verification');
  });
});
