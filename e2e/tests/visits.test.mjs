// The village child director's day on a 360-px phone, and the township supervisor's review
// (issue 17): the director registers a 10-year-old the village says lives alone, finds the
// child on 今日走访 (weekly cadence, due within the week), opens the visit form (the child's
// warnings at the top), records that the child lives alone; the form refuses to save without
// a mandatory report and offers one filled in from the visit; the director files it, types
// its receipt, and the visit is saved in one tap. The supervisor (on a phone) then finds the
// visit to review, sends it back without a reason (refused), with a reason, and the visit
// shows the reason on the child's file.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  VIEWPORTS,
  expectNoHorizontalScroll,
  expectPath,
  expectText,
  expectVisible,
  field,
  screenshot,
  signedInAccounts,
  submitBy,
  chinaToday,
  uniqueName,
} from '../lib/harness.mjs';

const TEST_TIMEOUT_MS = 180_000;
const phone = VIEWPORTS.find((v) => v.name === 'phone');

/** A birth date `years` ago and a month, as the form takes it. */
function bornYearsAgo(years) {
  const d = new Date(Date.now() + 8 * 3600_000);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCMonth(d.getUTCMonth() - 1);
  return d.toISOString().slice(0, 10);
}

describe('the director visits a child living alone; the supervisor reviews', () => {
  const { open } = signedInAccounts('visits');
  const name = uniqueName();
  let childPath = null;
  let visitId = null;

  test('the director finds the child on 今日走访 and the visit asks for a report', { timeout: TEST_TIMEOUT_MS }, async () => {
    const page = await open('director', phone, 'director');
    // A file that says the child lives alone: weekly visits, due within the week.
    await page.click('#nav-new-child');
    await expectPath(page, /^\/children\/new$/);
    await page.fill(field('name'), name);
    await page.selectOption(field('sex'), 'female');
    await page.fill(field('birth_date'), bornYearsAgo(10));
    await page.fill(field('address'), '郭罗庄村三组12号');
    await page.check(field('father.away_for_work'));
    await page.check(field('mother.away_for_work'));
    await page.check(field('lives_alone'));
    await submitBy(page, page.locator('#save-child'));
    await expectPath(page, /^\/children\/\d+\?saved=1$/);
    childPath = new URL(page.url()).pathname;
    const childId = childPath.split('/').pop();

    // 今日走访: the child, due, with why.
    await page.click('#nav-visits');
    await expectPath(page, /^\/visits$/);
    const row = page.locator(`#due-${childId}`);
    await expectVisible(row, 'the child on the due list');
    await expectText(row.locator('.why'), '独居或无人照料', 'why the child is due');
    await expectNoHorizontalScroll(page, phone, 'due list');
    await screenshot(page, 'visits-due-list');

    // The visit form, the child's warnings at the top.
    await submitBy(page, row.locator('a.visit-open'));
    await expectPath(page, new RegExp(`^/children/${childId}/visits/new$`));
    await expectText(page.locator('#visit-warnings'), '未满十六周岁单独居住生活', 'the warning at the top');
    await page.selectOption(field('lives_with'), 'alone');
    await page.selectOption(field('carer_state'), 'absent');
    await page.fill(field('notes'), '孩子独自在家，冰箱里没有食物');
    await expectNoHorizontalScroll(page, phone, 'visit form');
    const refused = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.click('#save-visit');
    assert.equal((await refused).status(), 422, 'not saved without a report or a reason');
    await expectVisible(page.locator('#report-offer'), 'the offer to file a report');
    await expectText(page.locator('#e-report_receipt'), '强制报告', 'the error beside the receipt');
    assert.equal(await page.inputValue(field('notes')), '孩子独自在家，冰箱里没有食物', 'what was typed is kept');
    await screenshot(page, 'visits-report-offered');

    // The report form, filled in from the visit, in a new tab.
    const [report] = await Promise.all([page.context().waitForEvent('page'), page.click('#file-report')]);
    await report.waitForLoadState();
    await expectPath(report, /^\/reports\/new/);
    assert.ok(await report.isChecked('input[name="situations"][value="living_alone"]'), 'the situation is ticked');
    assert.match(await report.inputValue(field('description')), /独自居住/, 'the description says what the visit found');
    await Promise.all([report.waitForURL(/\/reports\/receipt\?/), report.click('#submit-report')]);
    const receipt = (await report.locator('#receipt').textContent()).trim();
    await report.close();

    // The receipt, and the visit is saved in one tap.
    await page.fill(field('report_receipt'), receipt);
    await submitBy(page, page.locator('#save-visit'));
    await expectPath(page, /^\/visits\?saved=1$/);
    await expectVisible(page.locator('#saved'), 'the saved banner');
    // Living alone: weekly, so due again in seven days, within the week the list shows.
    await expectText(page.locator(`#due-${childId}`), `上次走访：${chinaToday()}`, 'visited today');
    assert.equal(await page.locator(`#due-${childId} .tag`, { hasText: '已逾期' }).count(), 0, 'not overdue');

    // The file shows the visit and the report's status, not its content.
    await page.goto(childPath);
    const visit = page.locator('#child-visits li').first();
    await expectVisible(visit, 'the visit on the file');
    await expectText(page.locator('#case-status'), receipt, 'the report on the file');
    visitId = (await visit.getAttribute('id')).replace('child-visit-', '');
    await expectNoHorizontalScroll(page, phone, 'child file with visits');
  });

  test('the supervisor sends the visit back with a reason', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    if (!visitId) return t.skip('no visit was saved');
    const page = await open('supervisor', phone, 'supervisor');
    await page.click('#nav-supervision');
    await expectPath(page, /^\/supervision$/);
    const item = page.locator(`#review-${visitId}`);
    await expectVisible(item, 'the visit to review');
    await expectText(item, name, 'the child named');
    await expectNoHorizontalScroll(page, phone, 'supervision');
    await screenshot(page, 'visits-supervision');

    const refused = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.click(`#send-back-${visitId}`);
    assert.equal((await refused).status(), 422, 'no reason, not sent back');
    await expectVisible(page.locator(`#e-reason-${visitId}`), 'the error beside the reason');
    await page.fill(`#f-reason-${visitId}`, '请写明已联系父母的时间和结果');
    await submitBy(page, page.locator(`#send-back-${visitId}`));
    await expectPath(page, /^\/supervision\?saved=1$/);
    assert.equal(await page.locator(`#review-${visitId}`).count(), 0, 'reviewed');
    await expectVisible(page.locator('#coverage li').first(), 'coverage per village');

    await page.goto(`/visits/${visitId}`);
    await expectText(page.locator('#review-state'), '已退回', 'sent back');
    await expectText(page.locator('#review-reason'), '请写明已联系父母的时间和结果', 'with its reason');
    assert.equal(await page.locator('#correct-visit').count(), 0, 'a supervisor corrects nothing');
  });
});
