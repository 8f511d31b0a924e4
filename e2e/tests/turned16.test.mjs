// 年满十六周岁待处理 (issue 17): the township, on a phone, sees the files of its children who
// reached 16, keeps one with a reason (refused first without one, the form kept) and closes
// another with the reason 年满十六周岁; both leave the list.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEMO_VILLAGE,
  VIEWPORTS,
  expectNoHorizontalScroll,
  expectPath,
  expectText,
  expectVisible,
  idNumber,
  signedInAccounts,
  submitBy,
  uniqueName,
} from '../lib/harness.mjs';

const TEST_TIMEOUT_MS = 120_000;
const phone = VIEWPORTS.find((v) => v.name === 'phone');

/** A child of the demo village born on `birth`, through the API with the page's session. */
async function createChild(page, birth) {
  const csrf = await page.locator('input[name="csrf"]').first().inputValue();
  const name = uniqueName();
  const res = await page.request.post('/api/v1/children', {
    headers: { 'X-CSRF-Token': csrf },
    data: {
      name,
      sex: 'male',
      birth_date: birth,
      id_number: idNumber(birth, 'male'),
      address: '三组12号',
      village_code: DEMO_VILLAGE,
      father: { name: '测试父亲', away_for_work: true, capable: true },
      mother: { name: '测试母亲', away_for_work: true, capable: true },
      guardianship_type: 'fair',
    },
  });
  assert.equal(res.status(), 201, await res.text());
  return { id: (await res.json()).id, name };
}

describe('children who reached 16', () => {
  const { open } = signedInAccounts('turned16');

  test('the township keeps one file with a reason and closes another', { timeout: TEST_TIMEOUT_MS }, async () => {
    const page = await open('township', phone, 'township');
    const year = new Date().getUTCFullYear() - 17;
    const kept = await createChild(page, `${year}-01-15`);
    const closed = await createChild(page, `${year}-02-15`);

    await page.click('#nav-turned16');
    await expectPath(page, /^\/turned16$/);
    await expectVisible(page.locator(`#turned16-${kept.id}`), 'the first file awaiting the decision');
    await expectText(page.locator(`#turned16-${kept.id} .child-link`), kept.name, 'named by the child');
    await expectVisible(page.locator(`#turned16-${closed.id}`), 'the second file awaiting the decision');
    await expectNoHorizontalScroll(page, phone, 'turned16');
    const button = await page.locator(`#turned16-${kept.id} .turned16-keep`).boundingBox();
    assert.ok(button.height >= 44, `the keep button is a 44-px tap target (${button.height})`);

    // Keeping needs a reason: refused, nothing written, the field says so.
    await submitBy(page, page.locator(`#turned16-${kept.id} .turned16-keep`));
    await expectText(page.locator(`#e-reason-${kept.id}`), '请填写保留档案的理由', 'the reason is required');
    await page.fill(`#f-reason-${kept.id}`, '评估个案尚未结案');
    await submitBy(page, page.locator(`#turned16-${kept.id} .turned16-keep`));
    await expectVisible(page.locator('#saved'), 'saved');
    assert.equal(await page.locator(`#turned16-${kept.id}`).count(), 0, 'kept: no longer awaiting');

    await submitBy(page, page.locator(`#turned16-${closed.id} .turned16-close`));
    await expectVisible(page.locator('#saved'), 'saved');
    assert.equal(await page.locator(`#turned16-${closed.id}`).count(), 0, 'closed: no longer awaiting');

    // The closed file says why; the kept one's history has the reason.
    await page.goto(`/children/${closed.id}`);
    await expectText(page.locator('body'), '年满十六周岁', 'closed as turned 16');
    await page.goto(`/children/${kept.id}/history`);
    await expectText(page.locator('body'), '评估个案尚未结案', 'the reason in the history');
  });
});
