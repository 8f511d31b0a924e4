// What people saw on the report and casework pages (issue 16): the report form starts at
// "now"; a report's page says 案件类型 once and does not scroll sideways on a 360-px phone;
// the police have no 评估帮扶 menu but reach the case from the report; the assessment's
// physical and mental answers read differently; a revocation ground names its source text
// in Chinese, not by its tag ([S]).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEMO_VILLAGE,
  VIEWPORTS,
  expectNoHorizontalScroll,
  expectPath,
  expectText,
  expectVisible,
  field,
  chinaToday,
  screenshot,
  signedInAccounts,
  submitBy,
} from '../lib/harness.mjs';

const TEST_TIMEOUT_MS = 180_000;
const desktop = VIEWPORTS.find((v) => v.name === 'desktop');
const phone = VIEWPORTS.find((v) => v.name === 'phone');

const submit = submitBy;

/** How many headings, terms and labels of the page say exactly `text`. */
async function labelsSaying(page, text) {
  return page.evaluate(
    (t) => [...document.querySelectorAll('h1, h2, h3, dt, label, legend')].filter((e) => e.textContent.trim() === t).length,
    text,
  );
}

/** The texts of a select's options, without the "choose" placeholder. */
async function optionTexts(page, selector) {
  return page.locator(`${selector} option:not([value=""])`).allTextContents();
}

describe('report and casework pages as people saw them', () => {
  const { open, pages } = signedInAccounts('pages');
  const mark = `页面${Date.now().toString(36)}`;
  let receipt = null;
  let reportId = null;
  let handedOver = false;

  test('the report form starts with the time of discovery at now, in China', { timeout: TEST_TIMEOUT_MS }, async () => {
    const teacher = await open('teacher', phone, 'teacher');
    await teacher.goto('/reports/new');
    const value = await teacher.locator(field('discovered_at')).inputValue();
    assert.match(value, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, `a datetime-local value, not "${value}"`);
    const shown = Date.parse(`${value}:00+08:00`);
    assert.ok(Math.abs(shown - Date.now()) < 5 * 60_000, `${value} is now in China`);
    await teacher.check('input[name="situations"][value="guardian_not_performing"]');
    await teacher.fill(field('child_description'), `男孩，约10岁，${mark}`);
    await teacher.fill(field('village_code'), DEMO_VILLAGE);
    await teacher.fill(field('description'), '孩子常在村口徘徊，家中无人照看');
    await Promise.all([teacher.waitForURL(/\/reports\/receipt\?/), teacher.click('#submit-report')]);
    receipt = (await teacher.locator('#receipt').textContent()).trim();
  });

  test('a disposed report says 案件类型 once; the police reach the case from it', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    if (!receipt) return t.skip('no report was filed');
    const police = await open('police', desktop, 'police');
    assert.equal(await police.locator('#nav-assessments').count(), 0, 'no 评估帮扶 menu for the police');
    await police.goto('/reports');
    const row = police.locator('#report-rows li').filter({ hasText: receipt });
    await Promise.all([police.waitForURL(/\/reports\/\d+$/), row.locator('a.name').click()]);
    reportId = new URL(police.url()).pathname.split('/').pop();
    const next = police.locator('#next-step');
    for (let i = 0; i < 3; i++) await submit(police, next);
    for (const action of ['parents_contacted', 'parents_to_return_or_entrust']) {
      await police.selectOption('#f-action', action);
      await submit(police, police.locator('#record-action'));
    }
    await police.selectOption(field('case_kind'), 'guardian_incapable');
    await submit(police, next);
    await expectText(police.locator('#report-step'), '已处置', 'the step');
    await expectText(police.locator('#case-kind'), '监护人', 'the kind of case');
    assert.equal(await labelsSaying(police, '案件类型'), 1, '案件类型 once on the page');
    await submit(police, next);
    await expectText(police.locator('#report-step'), '已通报乡镇（街道）', 'handed over');
    await expectVisible(police.locator('#assessment-link'), 'the link to the case');
    handedOver = true;
  });

  test("the report's page fits a 360-px phone", { timeout: TEST_TIMEOUT_MS }, async (t) => {
    if (!reportId) return t.skip('no report');
    const teacher = pages.teacher;
    await teacher.goto(`/reports/${reportId}`);
    await expectVisible(teacher.locator('#f-file'), 'the file input');
    await expectNoHorizontalScroll(teacher, phone, 'report page with its upload form');
    assert.equal(await labelsSaying(teacher, '案件类型'), 1, '案件类型 once for the reporter too');
    await screenshot(teacher, 'phone-report-page-upload');
  });

  test('the assessment: distinct health answers and a source named in Chinese', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    if (!handedOver) return t.skip('not handed over');
    const township = await open('township', phone, 'township');
    await township.click('#nav-assessments');
    const row = township.locator(`#assessment-rows li[data-report-id="${reportId}"]`);
    await Promise.all([township.waitForURL(/\/assessments\/\d+$/), row.locator('a.name').click()]);
    const physical = await optionTexts(township, field('physical'));
    const mental = await optionTexts(township, field('mental'));
    assert.equal(physical.length, 3, `three physical answers: ${physical}`);
    for (const p of physical) assert.ok(!mental.includes(p), `"${p}" is offered for both 身体 and 心理`);
    assert.ok(physical.every((p) => p.includes('身体')) && mental.every((m) => m.includes('心理')), 'each says what it is about');

    await township.fill(field('guardian'), '父亲 王某');
    await township.selectOption(field('standing'), 'father');
    await township.fill(field('date'), chinaToday());
    await township.selectOption(field('conduct'), 'abuse');
    await township.check('#f-serious_harm');
    await township.fill(field('evidence'), `镇卫生院诊断证明 ${mark}`);
    await submit(township, township.locator('#add-conduct'));
    await expectPath(township, /^\/assessments\/\d+\?saved=conduct$/);
    const ground = township.locator('#ground-s3_violence_abuse_abandonment');
    await expectText(ground, '天津市实施意见 二(五)(3)', 'the source by its name');
    const grounds = await township.locator('#grounds').textContent();
    assert.ok(!grounds.includes('[S]'), `no source tag on the page: ${grounds}`);
    await expectNoHorizontalScroll(township, phone, 'assessment with grounds');
  });
});
