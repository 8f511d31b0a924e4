// A village child director's day, in a desktop browser and on a phone: sign in, register a
// child, correct the address, read the change in the history, make a typing mistake in an
// ID number and find nothing lost, search for the child; the phone never scrolls sideways.
//
// The tests of one viewport share a signed-in page and run in order; a test whose
// prerequisite failed is skipped (the failure itself is reported once, where it happened).

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
  houseNumber,
  idNumber,
  launchBrowser,
  newContext,
  recordLayout,
  screenshot,
  slug,
  uniqueName,
  withWrongCheckCharacter,
  writeLayoutLog,
} from '../lib/harness.mjs';

const TEST_TIMEOUT_MS = 120_000;

let browserPromise;
function browser() {
  browserPromise ??= launchBrowser();
  return browserPromise;
}

after(async () => {
  await writeLayoutLog();
  if (browserPromise) await (await browserPromise).close();
});

/** Clicks a submit button and waits for the page it leads to; returns the POST's response. */
async function submit(page, selector) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
    page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() }),
    page.click(selector),
  ]);
  await page.waitForLoadState('domcontentloaded');
  return response;
}

/** Fills the new-child form (the village is left as preselected for the director). */
async function fillChildForm(page, c) {
  await page.fill(field('name'), c.name);
  await page.selectOption(field('sex'), c.sex);
  await page.fill(field('birth_date'), c.birthDate);
  await page.fill(field('id_number'), c.id);
  await page.fill(field('address'), c.address);
  await page.fill(field('father.name'), c.fatherName);
  await page.check(field('father.away_for_work'));
  await page.fill(field('father.work_province'), '广东省');
  await page.fill(field('mother.name'), c.motherName);
  await page.check(field('mother.away_for_work'));
  await page.selectOption(field('guardianship_type'), c.guardianship);
}

function newChild(sex, birthDate) {
  return {
    name: uniqueName(),
    sex,
    birthDate,
    id: idNumber(birthDate, sex),
    address: `天津市武清区梅厂镇郭罗庄村${houseNumber()}号`,
    fatherName: '测试父亲',
    motherName: '测试母亲',
    guardianship: 'fair',
  };
}

async function text(locator) {
  await locator.first().waitFor({ state: 'visible' });
  return (await locator.first().textContent()).trim();
}

for (const vp of VIEWPORTS) {
  const { width, height } = vp.options.viewport;
  describe(`${vp.name} ${width}x${height}`, () => {
    let context;
    let page;
    let signedIn = false;
    /** The child created through the form: its values and the path of its file. */
    let child = null;
    /** The child whose save was refused (wrong check character): must not exist afterwards. */
    let refusedName = null;

    before(async () => {
      context = await newContext(await browser(), vp);
      page = await context.newPage();
    });

    after(async () => {
      await context?.close();
    });

    afterEach(async (t) => {
      if (!t.passed) {
        const file = await screenshot(page, `${vp.name}-FAILED-${slug(t.name.replace(` (${vp.name})`, ''))}`);
        if (file) console.error(`screenshot of the failure: ${file}`);
      }
    });

    test(`signs in as the village child director and sees the ledger (${vp.name})`, { timeout: TEST_TIMEOUT_MS }, async () => {
      await page.goto('/login');
      await expectVisible(page.locator('#username'), 'the user name field');
      await screenshot(page, `${vp.name}-login`);
      await recordLayout(page, vp, 'login');
      await page.fill('#username', 'director');
      await page.fill('#password', DEMO_PASSWORD);
      await page.click('#login-submit');
      await expectPath(page, /^\/home$/);
      await page.click('#nav-ledger');
      await expectPath(page, /^\/children$/);
      await expectVisible(page.locator('#result-count'), 'the number of files in the ledger');
      await expectText(page.locator('.who'), '郭罗庄村', 'the signed-in user in the header');
      await expectVisible(page.locator('#nav-new-child'), 'the link to register a child');
      await screenshot(page, `${vp.name}-ledger`);
      await recordLayout(page, vp, 'ledger');
      signedIn = true;
    });

    test(`registers a child through the form and shows the derived category (${vp.name})`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
      if (!signedIn) return t.skip('not signed in');
      const c = newChild(vp.name === 'phone' ? 'female' : 'male', '2016-05-04');
      await page.click('#nav-new-child');
      await expectPath(page, /^\/children\/new$/);
      await expectVisible(page.locator(field('name')), 'the name field');
      assert.equal(
        await page.inputValue(field('village_code')),
        DEMO_VILLAGE,
        'the director\'s village is preselected on the form',
      );
      await recordLayout(page, vp, 'new child form');
      await fillChildForm(page, c);
      let response = await submit(page, '#save-child');
      // A random sequence number may, rarely, be a demo child's: 409 with a link to that
      // file. Another number then.
      for (let attempt = 1; response.status() === 409 && attempt < 5; attempt++) {
        await expectVisible(page.locator('#existing-file'), 'the link to the file with the same ID number');
        c.id = idNumber(c.birthDate, c.sex);
        await page.fill(field('id_number'), c.id);
        response = await submit(page, '#save-child');
      }
      if (!/\/children\/\d+\?saved=1$/.test(page.url())) {
        const errors = await page.locator('#form-errors').textContent().catch(() => '(no #form-errors)');
        assert.fail(`saving the form (POST status ${response.status()}) did not open the file; it shows: ${errors?.trim()}`);
      }
      await expectVisible(page.locator('#saved'), 'the "saved" banner');
      assert.equal(await text(page.locator('#child-name')), c.name);
      await expectText(page.locator('#derived-category'), '父母均外出务工', 'the derived category');
      await expectText(page.locator('dd'), c.id, 'the ID number in the file');
      await expectText(page.locator('dd'), c.address, 'the address in the file');
      const url = new URL(page.url());
      child = { ...c, path: url.pathname };
      await screenshot(page, `${vp.name}-child`);
      await recordLayout(page, vp, 'child file');
    });

    test(`edits the address and shows old and new address in the history (${vp.name})`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
      if (!child) return t.skip('no child was registered');
      await page.goto(child.path);
      await page.click('#edit-child');
      await expectPath(page, /^\/children\/\d+\/edit$/);
      assert.equal(await page.inputValue(field('address')), child.address, 'the form shows the current address');
      assert.equal(await page.inputValue(field('name')), child.name);
      assert.ok(await page.isChecked(field('father.away_for_work')), 'the father is still away for work');
      const oldAddress = child.address;
      let newAddress;
      do {
        newAddress = `天津市武清区梅厂镇郭罗庄村东街${houseNumber()}号`;
      } while (newAddress === oldAddress);
      await page.fill(field('address'), newAddress);
      const response = await submit(page, '#save-child');
      await expectPath(page, /^\/children\/\d+\?saved=1$/);
      assert.ok(response.status() < 400, `saving the edit answered ${response.status()}`);
      await expectVisible(page.locator('#saved'), 'the "saved" banner');
      await expectText(page.locator('dd'), newAddress, 'the new address in the file');
      child.address = newAddress;

      await page.click('#child-history');
      await expectPath(page, /^\/children\/\d+\/history$/);
      const row = page.locator('#history-rows li').filter({ hasText: '现居住地址' });
      await expectVisible(row, 'a history row of 现居住地址');
      assert.equal(await row.count(), 1, 'one change of the address');
      assert.equal(await text(row.locator('del')), oldAddress, 'the old address');
      assert.equal(await text(row.locator('ins')), newAddress, 'the new address');
      await screenshot(page, `${vp.name}-history`);
      await recordLayout(page, vp, 'history');
    });

    test(`refuses an ID number with a wrong check character and keeps everything typed (${vp.name})`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
      if (!signedIn) return t.skip('not signed in');
      const bad = newChild('male', '2015-09-12');
      bad.id = withWrongCheckCharacter(bad.id);
      refusedName = bad.name;
      await page.goto('/children');
      await page.click('#nav-new-child');
      await expectPath(page, /^\/children\/new$/);
      await fillChildForm(page, bad);
      const response = await submit(page, '#save-child');
      assert.equal(response.status(), 422, 'the form comes back as 422 Unprocessable Entity');
      await expectVisible(page.locator('#form-errors'), 'the summary of errors above the form');
      await expectText(page.locator('#e-id_number'), '校验位', 'the error beside the ID number');
      await expectVisible(page.locator('#form-errors a[href="#f-id_number"]'), 'a link from the summary to the ID field');
      assert.equal(await page.locator('.field.has-error').count(), 1, 'only the ID number is marked wrong');
      assert.equal(await page.getAttribute(field('id_number'), 'aria-invalid'), 'true');
      // Nothing typed is lost.
      assert.equal(await page.inputValue(field('name')), bad.name);
      assert.equal(await page.inputValue(field('sex')), bad.sex);
      assert.equal(await page.inputValue(field('birth_date')), bad.birthDate);
      assert.equal(await page.inputValue(field('id_number')), bad.id);
      assert.equal(await page.inputValue(field('address')), bad.address);
      assert.equal(await page.inputValue(field('village_code')), DEMO_VILLAGE);
      assert.equal(await page.inputValue(field('father.name')), bad.fatherName);
      assert.equal(await page.inputValue(field('father.work_province')), '广东省');
      assert.equal(await page.inputValue(field('mother.name')), bad.motherName);
      assert.ok(await page.isChecked(field('father.away_for_work')), 'father away for work stays ticked');
      assert.ok(await page.isChecked(field('mother.away_for_work')), 'mother away for work stays ticked');
      assert.equal(await page.inputValue(field('guardianship_type')), bad.guardianship);
      // app.js puts the cursor in the first wrong field.
      await page.waitForFunction(() => document.activeElement?.id === 'f-id_number');
      await screenshot(page, `${vp.name}-form-errors`);
      await recordLayout(page, vp, 'form with errors');
    });

    test(`finds the new child by name with the search box (${vp.name})`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
      if (!child) return t.skip('no child was registered');
      await page.goto('/children');
      await page.fill('#search', child.name);
      await Promise.all([page.waitForURL((u) => u.searchParams.get('q') === child.name), page.press('#search', 'Enter')]);
      await expectVisible(page.locator('#result-count'), 'the number of results');
      const hit = page.locator('#ledger-rows li').filter({ has: page.locator('a.name', { hasText: child.name }) });
      await expectVisible(hit, `the child ${child.name} in the results`);
      assert.equal(await hit.count(), 1, 'the child is listed once');
      await expectText(hit, '父母均外出务工', 'the category in the result row');
      await screenshot(page, `${vp.name}-search`);
      await recordLayout(page, vp, 'search results');
      await hit.locator('a.name').click();
      await expectPath(page, new RegExp(`^${child.path}$`));
      assert.equal(await text(page.locator('#child-name')), child.name);

      if (refusedName) {
        // The refused form saved nothing.
        await page.goto(`/children?q=${encodeURIComponent(refusedName)}`);
        await expectVisible(page.locator('#result-count'), 'the number of results');
        assert.equal(await page.locator('#ledger-rows li').count(), 0, `the refused child ${refusedName} was not saved`);
      }
    });

    test(`ledger does not scroll horizontally (${vp.name})`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
      if (!signedIn) return t.skip('not signed in');
      await page.goto('/children');
      await expectVisible(page.locator('#result-count'), 'the ledger');
      await expectNoHorizontalScroll(page, vp, 'ledger');
    });

    test(`child file does not scroll horizontally (${vp.name})`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
      if (!child) return t.skip('no child was registered');
      await page.goto(child.path);
      await expectVisible(page.locator('#child-name'), 'the child file');
      await expectNoHorizontalScroll(page, vp, 'child file');
    });
  });
}
