// Dropout control (issue 18) in the browser, on a 360-px phone, with the demo accounts: the
// teacher of 梅厂镇中心小学 opens a case for a pupil (refused first, with what was typed kept),
// records the parents' notice and a failed round of persuasion and sends the written report;
// the district education bureau and the township find it in their inbox of written reports,
// the bureau reads the case without a way into the child's file, and the township records a
// measure.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  VIEWPORTS,
  chinaToday,
  expectNoHorizontalScroll,
  expectPath,
  expectText,
  expectVisible,
  field,
  signedInAccounts,
  submitBy,
} from '../lib/harness.mjs';

const TEST_TIMEOUT_MS = 120_000;
const phone = VIEWPORTS.find((v) => v.name === 'phone');

describe('a dropout from the school to the education bureau', () => {
  const { open } = signedInAccounts('dropout');
  let casePath = null;
  let child = null;
  let reportNo = null;

  test('a teacher opens a case, notifies, records a failed round and sends the report', { timeout: TEST_TIMEOUT_MS }, async () => {
    const teacher = await open('teacher', phone, 'teacher');
    await teacher.click('#nav-dropout');
    await expectPath(teacher, /^\/dropout$/);
    await expectNoHorizontalScroll(teacher, phone, 'the school\'s dropout cases');
    await Promise.all([teacher.waitForURL(/\/dropout\/new$/), teacher.click('#new-dropout')]);

    // Refused first: nothing chosen; the form names the fields and keeps what was typed.
    await teacher.fill(field('first_absent_on'), chinaToday());
    await submitBy(teacher, teacher.locator('#open-case'));
    await expectVisible(teacher.locator('#form-errors'), 'the refusal');
    await expectVisible(teacher.locator('#e-child_id'), 'the child\'s error');
    await expectVisible(teacher.locator('#e-reasons'), 'the reasons\' error');
    assert.equal(await teacher.inputValue(field('first_absent_on')), chinaToday(), 'the date is kept');

    const choice = teacher.locator('#f-child_id option').nth(1);
    child = (await choice.textContent()).replace(/（.*$/, '').trim();
    await teacher.selectOption('#f-child_id', await choice.getAttribute('value'));
    await teacher.check('input[name="reasons"][value="work"]');
    await Promise.all([teacher.waitForURL(/\/dropout\/\d+\?saved=opened$/), teacher.click('#open-case')]);
    casePath = new URL(teacher.url()).pathname;
    await expectText(teacher.locator('#case-child-name'), child, 'the case names the child');
    await expectNoHorizontalScroll(teacher, phone, 'a dropout case');
    assert.equal(await teacher.locator('#next-action').getAttribute('data-next'), 'notify');

    // The one next action: notify the parents.
    await teacher.selectOption('#f-channel-notified', 'phone');
    await teacher.check('#form-notified input[name="told"][value="father"]');
    await teacher.check('#form-notified input[name="told"][value="mother"]');
    await teacher.check('#form-notified input[name="told"][value="entrusted_carer"]');
    await submitBy(teacher, teacher.locator('#record-notified'));
    await expectVisible(teacher.locator('#saved'), 'saved');
    assert.equal(await teacher.locator('#next-action').getAttribute('data-next'), 'persuade');

    // A round without its outcome is refused, naming the field, the parties kept.
    await teacher.check('#form-persuasion input[name="parties"][value="school"]');
    await teacher.check('#form-persuasion input[name="parties"][value="family"]');
    await submitBy(teacher, teacher.locator('#record-persuasion'));
    await expectVisible(teacher.locator('#form-errors'), 'the refusal');
    assert.ok(await teacher.isChecked('#form-persuasion input[name="parties"][value="family"]'), 'kept');
    await teacher.selectOption('#f-outcome-persuasion', 'failed');
    await submitBy(teacher, teacher.locator('#record-persuasion'));
    await expectVisible(teacher.locator('#saved'), 'saved');
    assert.equal(await teacher.locator('#next-action').getAttribute('data-next'), 'report');

    await submitBy(teacher, teacher.locator('#record-reported'));
    await expectVisible(teacher.locator('#report-link'), 'the written report\'s number');
    reportNo = (await teacher.locator('#report-link').textContent()).trim();
    assert.match(reportNo, /^辍报〔\d{4}〕120114-\d{4}$/);
    assert.equal(await teacher.locator('#next-action').getAttribute('data-next'), 'measures');
    await expectNoHorizontalScroll(teacher, phone, 'a reported case');
    await Promise.all([teacher.waitForURL(/\/report$/), teacher.click('#report-link')]);
    await expectText(teacher.locator('#written-report'), child, 'the report names the child');
    await expectText(teacher.locator('#written-report'), '劝返无效', 'the report says persuasion failed');
    await expectNoHorizontalScroll(teacher, phone, 'the written report');
  });

  test('the education bureau and the township find it in their inbox', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    if (!casePath) return t.skip('no case was reported');
    const bureau = await open('education', phone, 'education', /^\/dropout$/);
    const row = bureau.locator('#case-rows li').filter({ hasText: reportNo });
    await expectVisible(row, `the report ${reportNo} in the bureau's inbox`);
    await expectText(row, child, 'the inbox names the child');
    await expectNoHorizontalScroll(bureau, phone, 'the bureau\'s inbox');
    assert.equal(await bureau.locator('#nav-ledger').count(), 0, 'the bureau has no ledger');
    await Promise.all([bureau.waitForURL(/\/dropout\/\d+$/), row.locator('a.name').click()]);
    await expectVisible(bureau.locator('#form-measure'), 'the measures form, the next action');
    const res = await bureau.goto(`/children`);
    assert.equal(res.status(), 403, 'no file for the bureau');

    const township = await open('township', phone, 'township');
    await township.click('#nav-dropout');
    const trow = township.locator('#case-rows li').filter({ hasText: reportNo });
    await expectVisible(trow, `the report ${reportNo} in the township's inbox`);
    await Promise.all([township.waitForURL(/\/dropout\/\d+$/), trow.locator('a.name').click()]);
    await township.selectOption('#f-measure-measure', 'financial_aid');
    await submitBy(township, township.locator('#record-measure'));
    await expectVisible(township.locator('#saved'), 'the measure saved');
    await expectText(township.locator('#timeline'), '给予资助', 'the measure on the timeline');
  });
});
