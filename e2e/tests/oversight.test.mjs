// The joint meeting (联席会议), issue 20: the city records a meeting on its form; a task
// without its person is refused with what was typed kept; with the township's officer named,
// the task is on that officer's to-do list, and the owner reports it done. The city's
// register of overdue work (问责台账) opens on a 360-px phone without horizontal scrolling.

import { describe, test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  VIEWPORTS,
  expectNoHorizontalScroll,
  expectPath,
  expectText,
  expectVisible,
  launchBrowser,
  newContext,
  screenshot,
  slug,
  signInTo,
} from '../lib/harness.mjs';

const TEST_TIMEOUT_MS = 120_000;
const desktop = VIEWPORTS.find((v) => v.name === 'desktop');
const phone = VIEWPORTS.find((v) => v.name === 'phone');

/** The value of the option of `select` whose text contains `text`. */
async function optionValue(page, select, text) {
  const v = await page.$$eval(`${select} option`, (opts, t) => {
    const o = opts.find((x) => x.textContent.includes(t));
    return o ? o.value : null;
  }, text);
  assert.ok(v, `an option with ${text} in ${select}`);
  return v;
}

describe('the joint meeting and its tasks', () => {
  let browser;
  let cityContext;
  let city;
  let ownerContext;
  let owner;
  const mark = `联席${Date.now().toString(36)}`;

  before(async () => {
    browser = await launchBrowser();
    cityContext = await newContext(browser, desktop);
    city = await cityContext.newPage();
    ownerContext = await newContext(browser, phone);
    owner = await ownerContext.newPage();
  });

  after(async () => {
    await cityContext?.close();
    await ownerContext?.close();
    await browser?.close();
  });

  afterEach(async (t) => {
    if (!t.passed) {
      await screenshot(city, `oversight-city-FAILED-${slug(t.name)}`);
      await screenshot(owner, `oversight-owner-FAILED-${slug(t.name)}`);
    }
  });

  test('the city records a meeting whose task reaches the named officer', { timeout: TEST_TIMEOUT_MS }, async () => {
    await signInTo(city, 'city');
    await city.click('#nav-meetings');
    await expectPath(city, /^\/meetings$/);
    await city.click('#new-meeting');
    await expectPath(city, /^\/meetings\/new$/);
    const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
    await city.fill('#f-held_on', today);
    await city.fill('#f-title', `第四季度联席会议${mark}`);
    const org = await optionValue(city, '#f-decisions-0-tasks-0-org_id', '梅厂镇人民政府');
    await city.selectOption('#f-attendee_org_ids', [org]);
    await city.fill('#f-decisions-0-text', '摸清辍学留守儿童底数');
    await city.fill('#f-decisions-0-tasks-0-title', `核查辍学名单${mark}`);
    await city.selectOption('#f-decisions-0-tasks-0-org_id', org);
    await city.fill('#f-decisions-0-tasks-0-due_on', '2099-12-31');
    // No person named: refused, what was typed kept.
    await city.click('#meeting-save');
    await expectVisible(city.locator('#form-errors'), 'the refusal');
    await expectVisible(city.locator('#e-owner-0-0'), "the owner's error");
    assert.equal(await city.inputValue('#f-decisions-0-tasks-0-title'), `核查辍学名单${mark}`);
    await screenshot(city, 'oversight-meeting-refused');

    const person = await optionValue(city, '#f-decisions-0-tasks-0-owner_user_id', '梅厂镇张干事');
    await city.selectOption('#f-decisions-0-tasks-0-owner_user_id', person);
    await city.click('#meeting-save');
    await expectPath(city, /^\/meetings\/\d+\?saved=1$/);
    await expectText(city.locator('main'), `核查辍学名单${mark}`, 'the task on the meeting page');

    await signInTo(owner, 'township');
    await owner.click('#nav-tasks');
    await expectPath(owner, /^\/tasks/);
    await expectText(owner.locator('main'), `核查辍学名单${mark}`, "the task on the owner's to-do list");
    await expectNoHorizontalScroll(owner, phone, "the owner's to-do list");
    await owner.click(`text=核查辍学名单${mark}`);
    await expectPath(owner, /^\/meeting-tasks\/\d+$/);
    await owner.fill('#f-note', '已全部核查');
    await owner.selectOption('#f-status', 'done');
    await owner.click('#progress-save');
    await expectText(owner.locator('#task-status'), '已完成', 'the task done');
    await screenshot(owner, 'oversight-task-done-phone');
  });

  test('the register opens on a phone', { timeout: TEST_TIMEOUT_MS }, async () => {
    const ctx = await newContext(browser, phone);
    const page = await ctx.newPage();
    try {
      await signInTo(page, 'district');
      await page.goto(new URL('/accountability', page.url()).toString());
      await expectPath(page, /^\/accountability$/);
      await expectNoHorizontalScroll(page, phone, 'the register');
      await screenshot(page, 'oversight-register-phone');
    } finally {
      await ctx.close();
    }
  });
});
