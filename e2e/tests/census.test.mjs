// A township worker uploads a census sheet with a mistake in it: nothing is imported, the
// page says which row and column are wrong and offers the marked-up sheet; then the good
// rows are imported on request. The page follows the import without the user reloading.

import { describe, test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEMO_PASSWORD,
  VIEWPORTS,
  expectNoHorizontalScroll,
  expectVisible,
  idNumber,
  launchBrowser,
  newContext,
  screenshot,
  slug,
  uniqueName,
} from '../lib/harness.mjs';

const TEST_TIMEOUT_MS = 120_000;
const IMPORT_WAIT_MS = 60_000;

const HEADER = '姓名,性别,出生日期,身份证号码,现居住地址,所在村（居）,父亲外出务工,母亲外出务工,监护类型';

function row(name, id, village = '120114101204') {
  return `${name},男,2016-05-04,${id},一组,${village},是,是,监护情况较好`;
}

for (const vp of VIEWPORTS) {
  const { width, height } = vp.options.viewport;
  describe(`census import ${vp.name} ${width}x${height}`, () => {
    let browser;
    let context;
    let page;
    const good = uniqueName();

    before(async () => {
      browser = await launchBrowser();
      context = await newContext(browser, vp);
      page = await context.newPage();
      await page.goto('/login');
      await page.fill('#username', 'township');
      await page.fill('#password', DEMO_PASSWORD);
      // Every role lands on its home page (工作台, issue 19).
      await Promise.all([page.waitForURL(/\/home$/), page.click("#login-submit")]);
    });

    after(async () => {
      await context?.close();
      await browser?.close();
    });

    afterEach(async (t) => {
      if (!t.passed) await screenshot(page, `${vp.name}-FAILED-${slug(t.name)}`);
    });

    async function upload(csv, onlyGood) {
      await page.goto('/imports');
      await page.setInputFiles('#import-file', {
        name: '梅厂镇摸底排查.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from('\uFEFF' + csv, 'utf8'),
      });
      if (onlyGood) await page.check('input[name="only_good_rows"]');
      await Promise.all([page.waitForURL(/\/imports\/\d+$/), page.click('#start-import')]);
    }

    test(`a sheet with a wrong row imports nothing and names the row and column (${vp.name})`, { timeout: TEST_TIMEOUT_MS }, async () => {
      const bad = idNumber('2016-05-04', 'male').slice(0, 17) + 'Y';
      await upload(`${HEADER}\n${row(good, idNumber('2016-05-04', 'male'))}\n${row(uniqueName(), bad)}\n`, false);
      // The page refreshes itself while the import runs.
      await page.locator('#import-refused').waitFor({ state: 'visible', timeout: IMPORT_WAIT_MS });
      const errors = await page.locator('#import-errors').textContent();
      assert.match(errors, /第3行/);
      assert.match(errors, /第D列「身份证号码」/);
      await expectVisible(page.locator('#download-report'), 'the marked-up sheet');
      await screenshot(page, `${vp.name}-import-refused`);
      await expectNoHorizontalScroll(page, vp, 'import-refused');
    });

    test(`the good rows are imported when asked and can be found (${vp.name})`, { timeout: TEST_TIMEOUT_MS }, async () => {
      const bad = idNumber('2016-05-04', 'male').slice(0, 17) + 'Y';
      await upload(`${HEADER}\n${row(good, idNumber('2016-05-04', 'male'))}\n${row(uniqueName(), bad)}\n`, true);
      await page.locator('#import-done').waitFor({ state: 'visible', timeout: IMPORT_WAIT_MS });
      assert.match(await page.locator('#import-done').textContent(), /新建 1/);
      await page.goto(`/children?q=${encodeURIComponent(good)}`);
      await expectVisible(page.locator('#ledger-rows', { hasText: good }), 'the imported child');
    });
  });
}
