// Entrusted care and the parents' contacts on a phone (issue 17, [UPL] 22–23): the village
// director finds a file whose entrusted care is incomplete, records the written notices and
// the signed confirmation, and a contact of the parents; the checklist turns complete.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  VIEWPORTS,
  chinaToday,
  expectNoHorizontalScroll,
  expectPath,
  field,
  screenshot,
  signedInAccounts,
  submitBy,
} from '../lib/harness.mjs';

const TEST_TIMEOUT_MS = 120_000;
const TAP_PX = 44;
const phone = VIEWPORTS.find((v) => v.name === 'phone');

/** Visible controls shorter than a tap target (checkboxes are tapped through their label). */
async function smallTapTargets(page) {
  return page.evaluate((min) => {
    const small = [];
    for (const el of document.querySelectorAll('main a[href], main button, main select, main input:not([type=hidden]), main label.check')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (el.matches('input[type=checkbox]')) continue;
      // Links inside running text (back links, the ledger's names) are not the form's targets.
      if (el.matches('p > a, .muted a')) continue;
      if (r.height < min - 0.5) small.push(`${el.tagName.toLowerCase()}#${el.id} ${r.height.toFixed(0)}px`);
    }
    return small;
  }, TAP_PX);
}

describe('entrusted care at 360 px', { timeout: TEST_TIMEOUT_MS }, () => {
  const accounts = signedInAccounts('entrusted');

  test('a director records the confirmation, the notices and a contact; the checklist turns complete', async () => {
    const page = await accounts.open('director', phone, 'director');
    // The ledger's filter: files whose entrusted care is incomplete.
    await page.goto('/children?warning=entrusted_care_incomplete');
    const first = page.locator('#ledger-rows > li a.name').first();
    await first.waitFor({ state: 'visible' });
    await submitBy(page, first);
    await expectPath(page, /^\/children\/\d+$/);
    const childName = (await page.locator('#child-name').textContent()).trim();
    assert.equal(await page.locator('#care-status').textContent(), '手续不全');
    assert.match(await page.locator('#derived-warnings').textContent(), /委托监护手续不全/);
    await expectNoHorizontalScroll(page, phone, 'file with checklist');
    assert.deepEqual(await smallTapTargets(page), []);

    await submitBy(page, page.locator('#record-entrusted-care'));
    await expectPath(page, /^\/children\/\d+\/entrusted-care$/);
    assert.equal((await page.locator('#care-child-name').textContent()).trim(), childName);
    await expectNoHorizontalScroll(page, phone, 'entrusted-care form');
    assert.deepEqual(await smallTapTargets(page), []);

    // A notice dated without who received it: refused by its field, what was typed kept.
    const today = chinaToday();
    await page.fill(field('confirmed_on'), today);
    await page.check(field('signed_by_parents'));
    await page.check(field('signed_by_carer'));
    await page.fill(field('school_notice_on'), today);
    await page.fill(field('school_notice_received_by'), '');
    await page.fill(field('village_notice_on'), today);
    await page.fill(field('village_notice_received_by'), '村委会文书');
    await submitBy(page, page.locator('#save-entrusted-care'));
    assert.match(await page.locator('#e-school_notice_received_by').textContent(), /接收人/);
    assert.equal(await page.inputValue(field('village_notice_received_by')), '村委会文书');
    assert.equal(await page.isChecked(field('signed_by_carer')), true);

    await page.fill(field('school_notice_received_by'), '班主任 刘老师');
    await submitBy(page, page.locator('#save-entrusted-care'));
    await expectPath(page, /^\/children\/\d+\?saved=1/);
    assert.equal(await page.locator('#care-status').textContent(), '手续齐全');
    assert.equal(await page.locator('#care-confirmation').getAttribute('data-present'), 'true');
    assert.doesNotMatch(await page.locator('#derived-warnings').textContent(), /委托监护手续不全/);

    // A contact of the parents today: the log shows it, and no lapse.
    await page.fill(field('contact_on'), today);
    await page.selectOption(field('channel'), 'video');
    await page.selectOption(field('who'), 'both');
    await submitBy(page, page.locator('#record-contact'));
    assert.equal((await page.locator('#last-contact').textContent()).trim(), today);
    assert.match(await page.locator('#contact-log').textContent(), /视频/);
    assert.equal(await page.locator('#contact-lapsed').count(), 0);
    assert.doesNotMatch(await page.locator('#derived-warnings').textContent(), /父母超过七日未联系/);
    await expectNoHorizontalScroll(page, phone, 'file after the contact');
    await screenshot(page, 'entrusted-phone-complete');
  });
});
