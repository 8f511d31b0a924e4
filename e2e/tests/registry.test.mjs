// What people saw on the registry's, the administrator's and the census pages (issue 16):
// names where raw values were (a school, a history's source and its creation, the audit
// log's actions, the city), labelled grandparents, the administrator's landing page, tap
// targets of at least 44 px with whole ledger cards to tap, an icon, and a refused import
// that does not say 已完成.

import { describe, test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  signInTo,
  signedInAccounts,
  VIEWPORTS,
  chinaToday,
  expectNoHorizontalScroll,
  expectPath,
  expectVisible,
  field,
  houseNumber,
  idNumber,
  launchBrowser,
  newContext,
  screenshot,
  slug,
  uniqueName,
} from '../lib/harness.mjs';

const TEST_TIMEOUT_MS = 120_000;
const IMPORT_WAIT_MS = 60_000;
/** The smallest height of a tap target (WCAG 2.5.5; Apple's and Android's guidelines). */
const TAP_PX = 44;

let browserPromise;
function browser() {
  browserPromise ??= launchBrowser();
  return browserPromise;
}

after(async () => {
  if (browserPromise) await (await browserPromise).close();
});

/** Signs in and waits for the account's home (the administrator's is not the ledger). */
const signIn = signInTo;

/** Clicks a submit button and waits for the page it leads to. */
async function submit(page, selector) {
  await Promise.all([page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() }), page.click(selector)]);
  await page.waitForLoadState('domcontentloaded');
}

/** The text of the <dd> after the <dt> whose text is exactly `label`, or null. */
async function definition(page, label) {
  return page.evaluate((label) => {
    for (const dt of document.querySelectorAll('dt')) {
      if (dt.textContent.trim() === label) return dt.nextElementSibling?.textContent.trim() ?? null;
    }
    return null;
  }, label);
}

/** Visible links, buttons and disclosure summaries shorter than TAP_PX, except the name
 * links of ledger cards (the card is their target: checked apart). */
async function smallTapTargets(page) {
  return page.evaluate((min) => {
    const small = [];
    for (const el of document.querySelectorAll('a[href], button, summary, select, input:not([type=hidden])')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (el.closest('.row.tappable') && el.matches('a.name')) continue;
      // A checkbox or radio is tapped through its label.
      if (el.matches('input[type=checkbox], input[type=radio]')) continue;
      if (r.height < min - 0.5) {
        small.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${el.textContent.trim().slice(0, 12)}" ${r.height.toFixed(0)}px`);
      }
    }
    return small;
  }, TAP_PX);
}

/** Whether a tap near each corner of every ledger card lands on the card's link. */
async function cardsTappableEverywhere(page) {
  return page.evaluate(() => {
    const misses = [];
    for (const card of document.querySelectorAll('#ledger-rows > li')) {
      card.scrollIntoView({ block: 'center' });
      const r = card.getBoundingClientRect();
      const href = card.querySelector('a.name')?.getAttribute('href');
      for (const [x, y] of [
        [r.right - 6, r.bottom - 6],
        [r.left + 6, r.bottom - 6],
        [r.right - 6, r.top + 6],
      ]) {
        const hit = document.elementFromPoint(x, y)?.closest('a');
        if (!hit || hit.getAttribute('href') !== href) misses.push(`${href} at ${x.toFixed(0)},${y.toFixed(0)}`);
      }
    }
    return misses;
  });
}

for (const vp of VIEWPORTS) {
  const { width, height } = vp.options.viewport;
  describe(`registry pages ${vp.name} ${width}x${height}`, () => {
    let context;
    let page;
    /** The path of the file registered here, and the school chosen for it. */
    let file = null;
    let school = null;

    before(async () => {
      context = await newContext(await browser(), vp);
      page = await context.newPage();
      await signIn(page, 'director');
    });

    after(async () => {
      await context?.close();
    });

    afterEach(async (t) => {
      if (!t.passed) await screenshot(page, `${vp.name}-FAILED-${slug(t.name)}`);
    });

    test(`the form labels each grandparent; the file names the school and the grandparents (${vp.name})`, { timeout: TEST_TIMEOUT_MS }, async () => {
      await page.goto('/children/new');
      for (const [path, label] of [
        ['paternal_grandfather.name', '祖父 姓名'],
        ['paternal_grandmother.birth_date', '祖母 出生日期'],
        ['maternal_grandfather.name', '外祖父 姓名'],
        ['maternal_grandmother.birth_date', '外祖母 出生日期'],
      ]) {
        const text = (await page.locator(`label[for="f-${path}"]`).textContent()).trim();
        assert.equal(text, label, `the label of ${path}`);
      }
      const name = uniqueName();
      await page.fill(field('name'), name);
      await page.selectOption(field('sex'), 'male');
      await page.fill(field('birth_date'), '2016-05-04');
      await page.fill(field('id_number'), idNumber('2016-05-04', 'male'));
      await page.fill(field('address'), `郭罗庄村${houseNumber()}号`);
      await page.check(field('father.away_for_work'));
      await page.check(field('mother.away_for_work'));
      await page.selectOption(field('schooling'), 'primary');
      const options = await page.locator(`${field('school_org_id')} option`).evaluateAll((os) =>
        os.filter((o) => o.value).map((o) => ({ value: o.value, label: o.textContent.trim() })),
      );
      assert.ok(options.length > 0, 'the director may choose a school');
      school = options[0];
      await page.selectOption(field('school_org_id'), school.value);
      await page.fill(field('paternal_grandfather.name'), '测试祖父');
      await page.fill(field('maternal_grandmother.name'), '测试外祖母');
      await submit(page, '#save-child');
      await expectVisible(page.locator('#saved'), 'the saved banner');
      file = new URL(page.url()).pathname;

      assert.equal(await definition(page, '就读学校（系统内单位）'), school.label, 'the school by its name');
      assert.equal(await definition(page, '祖父 姓名'), '测试祖父');
      assert.equal(await definition(page, '外祖母 姓名'), '测试外祖母');
    });

    test(`the history says where a change came from, in words, and shows the creation plainly (${vp.name})`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
      if (!file) return t.skip('no file registered');
      // A change of the school and of a grandparent, to read in the history.
      await page.goto(`${file}/edit`);
      await page.selectOption(field('school_org_id'), '');
      await page.fill(field('paternal_grandfather.name'), '测试祖父乙');
      await submit(page, '#save-child');
      await expectVisible(page.locator('#saved'), 'the saved banner');
      await page.goto(`${file}/history`);
      const rows = await page.locator('#history-rows > li').allTextContents();
      assert.ok(rows.length > 0);
      const all = rows.join('\n');
      assert.doesNotMatch(all, /· (web|api|demo|import:)/, 'the source in Chinese');
      assert.doesNotMatch(all, /· v\d|v第/, 'no raw version');
      assert.match(all, /网页/);
      const created = rows.find((r) => r.includes('建档'));
      assert.ok(created, 'a row for the creation');
      assert.doesNotMatch(created, /→/, 'the creation has no empty arrow');
      assert.doesNotMatch(created, /档案：/, 'no empty field label');
      assert.match(all, new RegExp(`就读学校（系统内单位）：.*${school.label}`), 'the school by its name');
      assert.match(all, /祖父 姓名：\s*测试祖父\s*→\s*测试祖父乙/);
      assert.doesNotMatch(all, /就读学校（系统内单位）：\s*(→\s*)?\d+\s*$/m);
    });

    test(`tap targets are at least ${TAP_PX} px tall and ledger cards are tappable all over (${vp.name})`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
      const pages = ['/children', '/children?status=all', '/children/new'];
      if (file) pages.push(file, `${file}/history`);
      for (const path of pages) {
        await page.goto(path);
        const small = await smallTapTargets(page);
        assert.deepEqual(small, [], `small tap targets on ${path}`);
      }
      await page.goto('/children');
      assert.ok((await page.locator('#ledger-rows > li').count()) > 0, 'the ledger has cards');
      assert.deepEqual(await cardsTappableEverywhere(page), [], 'taps on a card that miss its link');
    });

    test(`the site has an icon (${vp.name})`, { timeout: TEST_TIMEOUT_MS }, async () => {
      const res = await page.request.get('/favicon.ico');
      assert.equal(res.status(), 200);
      assert.match(res.headers()['content-type'], /^image\//);
      const icon = await page.locator('link[rel="icon"]').getAttribute('href');
      assert.equal((await page.request.get(icon)).status(), 200);
    });
  });
}

describe('administrator desktop', () => {
  const vp = VIEWPORTS[0];
  let context;
  let page;

  before(async () => {
    context = await newContext(await browser(), vp);
    page = await context.newPage();
  });

  after(async () => {
    await context?.close();
  });

  afterEach(async (t) => {
    if (!t.passed) await screenshot(page, `admin-FAILED-${slug(t.name)}`);
  });

  test('the administrator lands on administration, with no link to the ledger', { timeout: TEST_TIMEOUT_MS }, async () => {
    await signIn(page, 'admin');
    await expectPath(page, /^\/admin\/users$/);
    assert.equal(await page.locator('a[href="/children"], a[href^="/export"]').count(), 0);
    await page.goto('/');
    await expectPath(page, /^\/admin\/users$/);
  });

  test('the audit log says what was done in Chinese', { timeout: TEST_TIMEOUT_MS }, async () => {
    await page.goto('/admin/audit');
    const actions = await page.locator('#audit-rows .action').allTextContents();
    assert.ok(actions.length > 0);
    for (const a of actions) assert.doesNotMatch(a, /[a-z_]{3,}/, `an action in English: ${a}`);
    assert.ok(actions.includes('登录'), `${actions}`);
  });

  test('the city is named, and an organisation is placed by a region name', { timeout: TEST_TIMEOUT_MS }, async () => {
    await page.goto('/admin/orgs');
    const city = await page.locator('#org-rows tr', { hasText: '天津市民政局' }).first().textContent();
    assert.match(city, /天津市$/);
    assert.doesNotMatch(await page.locator('#org-rows').textContent(), /（\d+）/);
    const name = `${uniqueName()}小学`;
    await page.fill('input[name="name"]', name);
    await page.selectOption('select[name="org_type"]', 'school');
    await page.fill('#org-region', '武清区梅厂镇');
    await submit(page, 'form[action="/admin/orgs"] button[type="submit"]');
    const row = await page.locator('#org-rows tr', { hasText: name }).first().textContent();
    assert.match(row, /武清区 \/ 梅厂镇/);
  });
});

describe('administrator phone', () => {
  const vp = VIEWPORTS[1];
  const { open } = signedInAccounts('admin-phone');

  test('the audit log is filtered by action and day on a 360-px phone', { timeout: TEST_TIMEOUT_MS }, async () => {
    const page = await open('admin', vp, 'admin', /^\/admin\//);
    await page.goto('/admin/audit');
    await page.click('details.filters summary');
    const options = await page.locator('#audit-action option').allTextContents();
    assert.ok(options.includes('登录') && options.includes('查看档案'), `${options}`);
    for (const o of options) assert.doesNotMatch(o, /[a-z_]{3,}/, `an action in English: ${o}`);
    await page.selectOption('#audit-action', { label: '登录' });
    await page.fill('#audit-from', chinaToday());
    await page.fill('#audit-to', chinaToday());
    await submit(page, '#audit-filters button[type="submit"]');
    const actions = await page.locator('#audit-rows .action').allTextContents();
    assert.ok(actions.length > 0, 'this sign-in is there');
    for (const a of actions) assert.equal(a, '登录');
    await expectNoHorizontalScroll(page, vp, 'audit log, filtered');
    for (const sel of ['#audit-user', '#audit-child', '#audit-action', '#audit-from', '#audit-to', '#audit-filters button']) {
      const box = await page.locator(sel).boundingBox();
      assert.ok(box && box.height >= TAP_PX, `${sel} is ${box?.height} px tall`);
    }
  });
});

describe('census page', () => {
  const vp = VIEWPORTS[1];
  const { open } = signedInAccounts('census');

  test('a refused import does not say 已完成 in the list of imports', { timeout: TEST_TIMEOUT_MS }, async () => {
    const page = await open('township', vp, 'township');
    const head = '姓名,性别,出生日期,身份证号码,现居住地址,所在村（居）,父亲外出务工,母亲外出务工';
    const csv = `${head}\n${uniqueName()},男孩,2016-05-04,${idNumber('2016-05-04', 'male')},一组,郭罗庄村,是,是\n`;
    await page.goto('/imports');
    await page.setInputFiles('#import-file', { name: '退回.csv', mimeType: 'text/csv', buffer: Buffer.from('\uFEFF' + csv, 'utf8') });
    await Promise.all([page.waitForURL(/\/imports\/\d+$/), page.click('#start-import')]);
    await page.locator('#import-refused').waitFor({ state: 'visible', timeout: IMPORT_WAIT_MS });
    const errors = await page.locator('#import-errors').textContent();
    assert.match(errors, /可选：男、女/, 'the choices are named');
    assert.doesNotMatch(errors, /所在村/, 'the village is taken by its name');
    const job = new URL(page.url()).pathname;
    await page.goto('/imports');
    const state = await page.locator(`#import-jobs li:has(a[href="${job}"])`).textContent();
    assert.doesNotMatch(state, /已完成/);
    assert.match(state, /未导入/);
  });
});
