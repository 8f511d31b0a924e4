// A police duty desk keeps its queue of reports open; a teacher, on a phone, reports a child
// found alone in a village of the station's area. The report appears on the desk's page
// without a reload (server-sent events), the desk opens it and accepts it (受理), and the
// teacher's own list follows.

import { describe, test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEMO_PASSWORD,
  DEMO_VILLAGE,
  VIEWPORTS,
  expectNoHorizontalScroll,
  expectPath,
  expectText,
  expectVisible,
  field,
  launchBrowser,
  newContext,
  screenshot,
  slug,
  signIn,
  chinaLocal,
} from '../lib/harness.mjs';

const TEST_TIMEOUT_MS = 120_000;
const desktop = VIEWPORTS.find((v) => v.name === 'desktop');
const phone = VIEWPORTS.find((v) => v.name === 'phone');

describe('mandatory report to the police duty desk', () => {
  let browser;
  let deskContext;
  let desk;
  let teacherContext;
  let teacher;
  let receipt = null;
  let accepted = false;
  // Unique per run, so the row is this run's report.
  const mark = `测试${Date.now().toString(36)}`;

  before(async () => {
    browser = await launchBrowser();
    deskContext = await newContext(browser, desktop);
    desk = await deskContext.newPage();
    teacherContext = await newContext(browser, phone);
    teacher = await teacherContext.newPage();
  });

  after(async () => {
    await deskContext?.close();
    await teacherContext?.close();
    await browser?.close();
  });

  afterEach(async (t) => {
    if (!t.passed) {
      await screenshot(desk, `report-desk-FAILED-${slug(t.name)}`);
      await screenshot(teacher, `report-teacher-FAILED-${slug(t.name)}`);
    }
  });

  test('a report filed on a phone appears on the desk without reloading', { timeout: TEST_TIMEOUT_MS }, async () => {
    await signIn(desk, 'police');
    await desk.click('#nav-reports');
    await expectPath(desk, /^\/reports$/);
    // app.js marks the list once the live stream is connected and the queue fetched.
    await desk.locator('#report-rows[data-live-state="open"]').waitFor({ state: 'attached' });
    // A reload would lose this.
    await desk.evaluate(() => {
      window.shouhuNotReloaded = true;
    });
    await screenshot(desk, 'report-desk-queue-before');

    await signIn(teacher, 'teacher');
    await teacher.click('#nav-new-report');
    await expectPath(teacher, /^\/reports\/new$/);
    await expectNoHorizontalScroll(teacher, phone, 'report form');
    await teacher.check('input[name="situations"][value="living_alone"]');
    await teacher.check('input[name="situations"][value="abandoned_unattended"]');
    await teacher.fill(field('discovered_at'), chinaLocal(20));
    await teacher.fill(field('child_description'), `男孩，约8岁，${mark}`);
    await teacher.fill(field('village_code'), DEMO_VILLAGE);
    await teacher.fill(field('description'), '放学后发现孩子连续三天一个人在家，家中没有大人');
    await teacher.fill(field('contact_phone'), '13912345678');
    await screenshot(teacher, 'phone-report-form');
    await Promise.all([teacher.waitForURL(/\/reports\/receipt\?/), teacher.click('#submit-report')]);
    await expectVisible(teacher.locator('#report-received'), 'the "sent to the police station" banner');
    receipt = (await teacher.locator('#receipt').textContent()).trim();
    assert.match(receipt, /^\d{8}-[0-9A-Z]{5}-[0-9A-Z]{5}$/, 'a receipt number');
    await screenshot(teacher, 'phone-report-receipt');
    await expectNoHorizontalScroll(teacher, phone, 'report receipt');

    // The desk's page draws the new row from the stream.
    const row = desk.locator('#report-rows li').filter({ hasText: receipt });
    await expectVisible(row, `the report ${receipt} in the desk's queue`);
    assert.equal(await desk.evaluate(() => window.shouhuNotReloaded), true, "the desk's page was not reloaded");
    await expectText(row, '郭罗庄村', 'the village in the row');
    await expectText(row, '较急', 'the urgency in the row');
    await expectText(row, '已报告', 'the step in the row');
    await expectText(row, '刚刚', 'the time since it was reported');
    await screenshot(desk, 'report-desk-queue-after');
  });

  test('the desk opens the report and accepts it', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    if (!receipt) return t.skip('no report was filed');
    const row = desk.locator('#report-rows li').filter({ hasText: receipt });
    await Promise.all([desk.waitForURL(/\/reports\/\d+$/), row.locator('a.name').click()]);
    await expectText(desk.locator('#report-step'), '已报告', 'the step');
    await expectText(desk.locator('#report-child'), mark, 'the description of the child');
    await expectText(desk.locator('#report-reporter'), '13912345678', 'the reporter, for the police');
    const button = desk.locator('#next-step');
    assert.equal((await button.textContent()).trim(), '受理', 'the one next step');
    await Promise.all([desk.waitForURL(/\/reports\/\d+\?saved=1$/), button.click()]);
    await expectVisible(desk.locator('#saved'), 'the "saved" banner');
    await expectText(desk.locator('#report-step'), '已受理', 'the new step');
    assert.equal((await desk.locator('#next-step').textContent()).trim(), '出警', 'then the dispatch');
    await expectText(desk.locator('#report-timeline li'), '已受理', 'the acceptance on the timeline');
    await screenshot(desk, 'report-desk-accepted');
    accepted = true;
  });

  test("the teacher's list shows the report accepted", { timeout: TEST_TIMEOUT_MS }, async (t) => {
    if (!accepted) return t.skip('the report was not accepted');
    await teacher.goto('/reports');
    const mine = teacher.locator('#report-rows li').filter({ hasText: receipt });
    await expectText(mine, '已受理', "the step in the teacher's list");
    await expectNoHorizontalScroll(teacher, phone, 'my reports');
    await mine.locator('a.name').click();
    await expectPath(teacher, /^\/reports\/\d+$/);
    assert.equal(await teacher.locator('#report-reporter').count(), 0, 'the reporter block is for the police');
    assert.equal(await teacher.locator('#next-step').count(), 0, 'no desk buttons for a teacher');
    await expectNoHorizontalScroll(teacher, phone, 'report page');
    await screenshot(teacher, 'phone-report-page');
  });
});
