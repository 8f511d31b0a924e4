// 摸底排查轮次 (issue 20): the city opens a round, the township (on a phone) sees its villages'
// figures balanced and signs its return off (refused first without the reviewer, what it typed
// kept), and the district accepts (审核通过) the township's return.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  VIEWPORTS,
  chinaToday,
  expectNoHorizontalScroll,
  expectPath,
  expectText,
  expectVisible,
  screenshot,
  signedInAccounts,
  submitBy,
} from '../lib/harness.mjs';

const TEST_TIMEOUT_MS = 180_000;
const phone = VIEWPORTS.find((v) => v.name === 'phone');
const desktop = VIEWPORTS.find((v) => v.name === 'desktop');
/** The demo township, 梅厂镇 (武清区). */
const TOWNSHIP = '120114101';

/** A day `days` after today in China, as a date input's value. */
function later(days) {
  return new Date(Date.parse(`${chinaToday()}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

async function tapHeight(page, selector) {
  const box = await page.locator(selector).boundingBox();
  assert.ok(box, `${selector} is shown`);
  return box.height;
}

describe('census rounds', () => {
  const { open } = signedInAccounts('census-rounds');

  test('the district accepts a township\'s signed-off return', { timeout: TEST_TIMEOUT_MS }, async () => {
    const name = `测试轮次${Date.now()}`;

    // The city opens the round from its home page.
    const city = await open('city', desktop, 'city', /^\/home$/);
    await city.click('#home-census-rounds');
    await expectPath(city, /^\/census-rounds$/);
    await city.fill('#f-name', name);
    await city.fill('#f-reference_date', chinaToday());
    await city.fill('#f-deadline', later(30));
    await submitBy(city, city.locator('#open-round'));
    await expectPath(city, /^\/census-rounds\/\d+\?saved=1$/);
    await expectVisible(city.locator('#saved'), 'the round is opened');
    const round = new URL(city.url()).pathname.split('/')[2];
    await expectVisible(city.locator('#return-120114'), 'the districts are listed');

    // The township, on a phone, finds its return and sees its villages' figures balanced.
    const township = await open('township', phone, 'township', /^\/home$/);
    await township.click('#home-census-rounds');
    await township.click(`#round-${round} a`);
    await expectPath(township, new RegExp(`^/census-rounds/${round}/returns/${TOWNSHIP}$`));
    await expectText(township.locator('#return-state'), '待签报', 'pending');
    await expectVisible(township.locator('#balance[data-balanced="true"]'), 'the figures balance');
    await expectVisible(township.locator('#total-row'), 'a total row');
    await expectNoHorizontalScroll(township, phone, 'census return');
    assert.ok((await tapHeight(township, '#sign-off')) >= 44, 'the sign-off button is a 44-px tap target');

    // Without the reviewer: refused, what was typed kept, the field named.
    await township.fill('#f-unit_head', '王主任');
    await township.fill('#f-reviewer', '');
    await township.fill('#f-filler', '张填表');
    await submitBy(township, township.locator('#sign-off'));
    await expectVisible(township.locator('#form-errors'), 'the refusal');
    await expectVisible(township.locator('#e-reviewer'), 'the reviewer is required');
    assert.equal(await township.inputValue('#f-unit_head'), '王主任', 'the unit head kept');
    assert.equal(await township.inputValue('#f-filler'), '张填表', 'the filler kept');
    await township.fill('#f-reviewer', '李审核');
    await submitBy(township, township.locator('#sign-off'));
    await expectVisible(township.locator('#saved'), 'signed off');
    await expectText(township.locator('#return-state'), '已签报待审核', 'signed off');
    await expectVisible(township.locator('#return-table[data-frozen="true"]'), 'the figures frozen');
    await screenshot(township, 'census-rounds-township-phone');

    // The district finds the township's return on the round's page and accepts it.
    const district = await open('district', phone, 'district', /^\/home$/);
    await district.goto(`/census-rounds/${round}`);
    await expectVisible(district.locator(`#return-${TOWNSHIP}[data-state="signed_off"]`), 'the township has signed off');
    await expectNoHorizontalScroll(district, phone, 'census round');
    await district.click(`#return-${TOWNSHIP} a`);
    await expectPath(district, new RegExp(`^/census-rounds/${round}/returns/${TOWNSHIP}$`));
    await expectText(district.locator('body'), '王主任', 'the sign-offs are shown');
    assert.ok((await tapHeight(district, '#accept')) >= 44, 'the accept button is a 44-px tap target');
    await submitBy(district, district.locator('#accept'));
    await expectVisible(district.locator('#saved'), 'accepted');
    await expectText(district.locator('#return-state'), '已审核通过', 'accepted');
    await screenshot(district, 'census-rounds-district-phone');
    await district.goto(`/census-rounds/${round}`);
    await expectVisible(district.locator(`#return-${TOWNSHIP}[data-state="accepted"]`), 'accepted on the round');
  });
});
