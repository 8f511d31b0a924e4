// The home page (工作台) and the to-do list (待办), issue 19: a teacher, on a phone, reports a
// child found alone; the police duty desk's home page counts it, the nav badge shows it, and
// its to-do list links to it; once the desk accepts it, it leaves the list. On a 360-px
// phone the home page is one column with no horizontal scroll.

import { describe, test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import {
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
  signInTo,
  chinaLocal,
} from '../lib/harness.mjs';

const TEST_TIMEOUT_MS = 120_000;
const desktop = VIEWPORTS.find((v) => v.name === 'desktop');
const phone = VIEWPORTS.find((v) => v.name === 'phone');

/** The number in the nav badge (0 when hidden). */
async function badge(page) {
  const b = page.locator('[data-task-badge]');
  if (await b.isHidden()) return 0;
  return Number((await b.textContent()).trim());
}

/** Waits until the nav badge shows `n`: live, or filled once the page is shown. */
async function badgeShows(page, n) {
  await page.waitForFunction(
    (want) => {
      const b = document.querySelector('[data-task-badge]');
      return b !== null && !b.hidden && Number(b.textContent.trim()) === want;
    },
    n,
    { timeout: 10_000 },
  );
}

describe('the home page and the to-do list', () => {
  let browser;
  let deskContext;
  let desk;
  let teacherContext;
  let teacher;
  let reportId = null;
  let before_ = 0;
  const mark = `待办${Date.now().toString(36)}`;

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
      await screenshot(desk, `tasks-desk-FAILED-${slug(t.name)}`);
      await screenshot(teacher, `tasks-teacher-FAILED-${slug(t.name)}`);
    }
  });

  test('a report a teacher files is on the duty desk\'s home page and badge without reloading', { timeout: TEST_TIMEOUT_MS }, async () => {
    await signInTo(desk, 'police');
    await expectPath(desk, /^\/home$/);
    await expectVisible(desk.locator('[data-live-tasks="/home/tasks"]'), 'the task counts');
    before_ = await badge(desk);

    await signInTo(teacher, 'teacher');
    await expectPath(teacher, /^\/home$/);
    await expectNoHorizontalScroll(teacher, phone, "the teacher's home page");
    await teacher.click('#nav-new-report');
    await expectPath(teacher, /^\/reports\/new$/);
    await teacher.check('input[name="situations"][value="living_alone"]');
    await teacher.fill(field('discovered_at'), chinaLocal(20));
    await teacher.fill(field('child_description'), `男孩，约8岁，${mark}`);
    await teacher.fill(field('village_code'), DEMO_VILLAGE);
    await teacher.fill(field('description'), '放学后发现孩子连续三天一个人在家，家中没有大人');
    await teacher.fill(field('contact_phone'), '13912345678');
    await Promise.all([teacher.waitForURL(/\/reports\/receipt\?/), teacher.click('#submit-report')]);
    const receipt = (await teacher.locator('#receipt').textContent()).trim();

    // Live: the desk's home page, left open, counts the new report without reloading (the
    // notification's stream refetches the badge and the counts' section).
    await badgeShows(desk, before_ + 1);
    await expectVisible(desk.locator('#home-kind-report_to_accept'), 'the reports to accept, without reloading');
    assert.equal(new URL(desk.url()).pathname, '/home', 'still the same page');

    // The desk finds the report's page from its queue, to know which task is this one.
    await desk.goto('/reports');
    // Pages other than the home page fill the badge once shown.
    await badgeShows(desk, before_ + 1);
    const row = desk.locator('#report-rows li').filter({ hasText: receipt });
    await expectVisible(row, `the report ${receipt} in the queue`);
    const href = await row.locator('a.name').getAttribute('href');
    reportId = Number(href.match(/\/reports\/(\d+)/)[1]);

    // After a reload of the home page: counted, and the badge says one more.
    await desk.goto('/home');
    assert.equal(await badge(desk), before_ + 1, 'the badge counts the new report');
    await expectVisible(desk.locator('#home-kind-report_to_accept'), 'the reports to accept');
    await screenshot(desk, 'tasks-desk-home');
    // The fragment a script refetches is the same section alone.
    const fragment = await desk.evaluate(async () => (await fetch('/home/tasks')).text());
    assert.match(fragment, /id="home-kind-report_to_accept"/);
    assert.doesNotMatch(fragment, /<html/);

    await Promise.all([desk.waitForURL(/\/tasks\?kind=report_to_accept$/), desk.click('#home-kind-report_to_accept')]);
    const task = desk.locator(`#task-report_to_accept-${reportId}`);
    await expectVisible(task, 'the report on the to-do list');
    await expectText(task, '郭罗庄村', 'the village');
    await expectText(task, '待受理的强制报告', 'what is to do');
  });

  test('accepted, it leaves the list', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    if (!reportId) return t.skip('no report was filed');
    await Promise.all([
      desk.waitForURL(new RegExp(`/reports/${reportId}$`)),
      desk.locator(`#task-report_to_accept-${reportId} a.name`).click(),
    ]);
    const button = desk.locator('#next-step');
    assert.equal((await button.textContent()).trim(), '受理', 'the one next step');
    await Promise.all([desk.waitForURL(/\/reports\/\d+\?saved=1$/), button.click()]);
    await desk.goto('/tasks?kind=report_to_accept');
    assert.equal(await desk.locator(`#task-report_to_accept-${reportId}`).count(), 0, 'no longer to accept');
    await desk.goto('/tasks?kind=report_to_dispose');
    await expectVisible(desk.locator(`#task-report_to_dispose-${reportId}`), 'now to dispose of');
  });

  test('on a 360-px phone the home page and the list are one column without horizontal scroll', { timeout: TEST_TIMEOUT_MS }, async () => {
    const context = await newContext(browser, phone);
    const page = await context.newPage();
    try {
      await signInTo(page, 'director');
      await expectPath(page, /^\/home$/);
      await expectNoHorizontalScroll(page, phone, "the director's home page");
      const rows = page.locator('.home-count');
      assert.ok((await rows.count()) >= 4, 'the counts are rows');
      for (const box of await rows.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()))) {
        assert.ok(box.height >= 44, `a row is tappable (${box.height}px)`);
      }
      await screenshot(page, 'phone-home');
      await page.click('#home-open');
      await expectPath(page, /^\/tasks$/);
      await expectNoHorizontalScroll(page, phone, "the director's to-do list");
      await screenshot(page, 'phone-tasks');
    } finally {
      await context.close();
    }
  });
});
