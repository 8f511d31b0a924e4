// Notifications (提醒, issue 19): the police duty desk has its 提醒 page open; a teacher, on a
// phone, files a report of a missing child in the station's area. Without a reload, the
// desk's page shows the notification (a toast, a new row, the nav's count) and, the report
// being critical, sounds the alarm. Opening it marks it read and leads to the report.

import { describe, test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEMO_VILLAGE,
  VIEWPORTS,
  chinaLocal,
  expectNoHorizontalScroll,
  expectPath,
  expectText,
  expectVisible,
  field,
  launchBrowser,
  newContext,
  screenshot,
  signIn,
  slug,
} from '../lib/harness.mjs';

const TEST_TIMEOUT_MS = 120_000;
const desktop = VIEWPORTS.find((v) => v.name === 'desktop');
const phone = VIEWPORTS.find((v) => v.name === 'phone');

describe('notifications reach an open page', () => {
  let browser;
  let deskContext;
  let desk;
  let teacherContext;
  let teacher;
  const mark = `提醒${Date.now().toString(36)}`;

  before(async () => {
    browser = await launchBrowser();
    deskContext = await newContext(browser, phone);
    desk = await deskContext.newPage();
    teacherContext = await newContext(browser, desktop);
    teacher = await teacherContext.newPage();
  });

  after(async () => {
    await deskContext?.close();
    await teacherContext?.close();
    await browser?.close();
  });

  afterEach(async (t) => {
    if (!t.passed) {
      await screenshot(desk, `notify-desk-FAILED-${slug(t.name)}`);
      await screenshot(teacher, `notify-teacher-FAILED-${slug(t.name)}`);
    }
  });

  test('a critical report reaches the duty desk without reloading, with the alarm', { timeout: TEST_TIMEOUT_MS }, async () => {
    await signIn(desk, 'police');
    await desk.goto('/notifications');
    await expectPath(desk, /^\/notifications$/);
    // app.js marks the page once the stream has said hello.
    await desk.locator('body[data-notify-state="open"]').waitFor({ state: 'attached' });
    await desk.evaluate(() => {
      window.shouhuNotReloaded = true;
    });
    const before = await desk.locator('#notifications li').count();
    await expectNoHorizontalScroll(desk, phone, 'notifications page');

    await signIn(teacher, 'teacher');
    await teacher.click('#nav-new-report');
    await expectPath(teacher, /^\/reports\/new$/);
    await teacher.check('input[name="situations"][value="missing"]');
    await teacher.fill(field('discovered_at'), chinaLocal(30));
    await teacher.fill(field('child_description'), `男孩，约9岁，${mark}`);
    await teacher.fill(field('village_code'), DEMO_VILLAGE);
    await teacher.fill(field('description'), '孩子放学后没有回家，家里联系不上');
    await teacher.fill(field('contact_phone'), '13912345678');
    await Promise.all([teacher.waitForURL(/\/reports\/receipt\?/), teacher.click('#submit-report')]);

    const toast = desk.locator('#notify-toasts .toast.critical');
    await expectVisible(toast, 'the toast of the new notification');
    await expectText(toast, '紧急', 'the critical flag in the text');
    const text = await toast.textContent();
    assert.ok(!text.includes(mark), 'the notification names no child');
    await desk.waitForFunction((n) => document.querySelectorAll('#notifications li').length === n + 1, before);
    await expectVisible(desk.locator('#nav-notifications [data-notify-count]'), 'the count in the nav');
    await desk.waitForFunction(() => Boolean(document.body.dataset.lastAlarm), null);
    assert.equal(await desk.evaluate(() => window.shouhuNotReloaded), true, "the desk's page was not reloaded");
    await screenshot(desk, 'notify-desk-arrived');

    // The link leads to the report; after a reload the row is there, and opening marks it read.
    await Promise.all([desk.waitForURL(/\/reports\/\d+$/), toast.locator('a').click()]);
    await expectText(desk.locator('#report-child'), mark, 'the report the notification is about');
    await desk.goto('/notifications');
    const row = desk.locator('#notifications li.unread.critical').first();
    await expectVisible(row, 'the unread notification after a reload');
    await Promise.all([desk.waitForURL(/\/reports\/\d+$/), row.locator('button.link').click()]);
    await desk.goto('/notifications');
    assert.equal(await desk.locator('#notifications li.unread.critical').count(), 0, 'read once opened');
  });
});
