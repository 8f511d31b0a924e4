// Statistics (issue 20) in the browser, with the demo accounts: the district officer of 武清区
// opens the statistics page from the nav, on a 360-px phone and on a desktop; every chart is
// an SVG that scales with the page and has its table beside it, nothing scrolls sideways on
// the phone, a township can be chosen, and the figures download as .xlsx. The member
// department's officer (市妇联) sees the statistics and no ledger.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { VIEWPORTS, expectNoHorizontalScroll, expectPath, expectVisible, screenshot, signedInAccounts } from '../lib/harness.mjs';

const TEST_TIMEOUT_MS = 120_000;
const phone = VIEWPORTS.find((v) => v.name === 'phone');
const desktop = VIEWPORTS.find((v) => v.name === 'desktop');
/** The chart sections the page draws, in order. */
const CHARTS = ['category', 'age', 'guardianship', 'schooling', 'warnings', 'situation', 'month', 'dropouts', 'visits'];

/** Every chart is an SVG with a viewBox and no fixed size, and has its table with a row per bar. */
async function expectChartsWithTables(page) {
  for (const id of CHARTS) {
    const svg = page.locator(`#chart-${id}`);
    await expectVisible(svg, `the ${id} chart`);
    assert.match((await svg.getAttribute('viewBox')) ?? '', /^0 0 320 \d+/, `${id}: a viewBox`);
    assert.equal(await svg.getAttribute('width'), '100%', `${id}: as wide as its card`);
    const table = page.locator(`#stat-${id} table#table-${id}`);
    await expectVisible(table, `the ${id} table`);
    const bars = await svg.locator('g > rect').count();
    const rows = await table.locator('tbody tr[data-key]').count();
    assert.equal(rows, bars, `${id}: a table row per bar`);
  }
}

describe('the statistics page', () => {
  const { open } = signedInAccounts('statistics');

  test('the district officer reads the charts on a phone without scrolling sideways', { timeout: TEST_TIMEOUT_MS }, async () => {
    const district = await open('district-phone', phone, 'district', /^\/home$/);
    await district.goto('/statistics');
    await expectPath(district, /^\/statistics$/);
    await expectChartsWithTables(district);
    const children = Number(await district.locator('#stats-children').textContent());
    assert.ok(children > 0, 'the demo district has children');
    // The categories add up to the open files.
    const cat = await district.locator('#table-category tbody td:nth-child(2)').allTextContents();
    assert.equal(cat.map(Number).reduce((a, b) => a + b, 0), children);
    await expectNoHorizontalScroll(district, phone, 'the statistics page');
    const width = await district.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `scrollWidth ${width} at 360 px`);
    await screenshot(district, 'statistics-district-360');

    // A township of the district: its figures only, the choice kept.
    await district.selectOption('#f-region', '120114101');
    await Promise.all([district.waitForURL(/region=120114101/), district.click('#stats-show')]);
    const township = Number(await district.locator('#stats-children').textContent());
    assert.ok(township > 0 && township < children, `梅厂镇 ${township} of ${children}`);
    assert.equal(await district.inputValue('#f-region'), '120114101');
    await expectNoHorizontalScroll(district, phone, 'a township\'s statistics');

    // The page's figures as a workbook.
    const res = await district.request.get('/statistics.xlsx?region=120114101');
    assert.equal(res.status(), 200);
    assert.match(res.headers()['content-type'], /spreadsheetml/);
    const body = await res.body();
    assert.equal(body.subarray(0, 2).toString(), 'PK', 'an .xlsx is a zip');
  });

  test('on a desktop each chart stands beside its table', { timeout: TEST_TIMEOUT_MS }, async () => {
    const district = await open('district-desktop', desktop, 'district', /^\/home$/);
    await district.click('#nav-statistics');
    await expectPath(district, /^\/statistics$/);
    await expectChartsWithTables(district);
    const chart = await district.locator('#chart-category').boundingBox();
    const table = await district.locator('#table-category').boundingBox();
    assert.ok(table.x > chart.x + chart.width - 1, 'the table is right of the chart');
    await expectNoHorizontalScroll(district, desktop, 'the statistics page');
    await screenshot(district, 'statistics-district-desktop');
  });

  test('a member department sees statistics and no ledger', { timeout: TEST_TIMEOUT_MS }, async () => {
    const dept = await open('department', phone, 'fulian', /^\/home$/);
    assert.equal(await dept.locator('#nav-ledger').count(), 0, 'no ledger in the nav');
    await dept.goto('/statistics');
    await expectVisible(dept.locator('#chart-category'), 'the city\'s statistics');
    const res = await dept.request.get('/children');
    assert.equal(res.status(), 403, 'the ledger is refused');
    await expectNoHorizontalScroll(dept, phone, 'the department\'s statistics');
  });
});
