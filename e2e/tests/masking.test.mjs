// Numbers per role (issue 21): the doctor, on a phone, sees a child's ID number masked, is
// refused "显示完整号码" without a reason and shown the number with one; the doctor has no
// export, the township has.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  VIEWPORTS,
  expectNoHorizontalScroll,
  expectText,
  expectVisible,
  screenshot,
  signedInAccounts,
  submitBy,
} from '../lib/harness.mjs';

const TEST_TIMEOUT_MS = 120_000;
const desktop = VIEWPORTS.find((v) => v.name === 'desktop');
const phone = VIEWPORTS.find((v) => v.name === 'phone');

describe('numbers masked for the doctor, shown with a reason', () => {
  const { open } = signedInAccounts('masking');

  test('the doctor sees a masked ID number and shows it with a reason (phone)', { timeout: TEST_TIMEOUT_MS }, async () => {
    const doctor = await open('doctor', phone, 'doctor');
    // A file of the doctor's township with an ID number.
    const res = await doctor.request.get('/api/v1/children?per_page=100');
    assert.equal(res.status(), 200);
    const row = (await res.json()).rows.find((r) => r.id_number_masked);
    assert.ok(row, 'a file with an ID number');
    assert.match(row.id_number_masked, /^\d{6}\*{12}$/, 'lists mask the ID number');
    await doctor.goto(`/children/${row.id}`);
    await expectVisible(doctor.locator('#numbers-masked'), 'the note that numbers are masked');
    const shown = (await doctor.locator('[id="v-id_number"] .mono').first().textContent()).trim();
    assert.equal(shown, row.id_number_masked, 'the page masks it as the list does');
    await expectNoHorizontalScroll(doctor, phone, 'child page with masked numbers');
    const summary = doctor.locator('[id="show-id_number"]');
    const box = await summary.boundingBox();
    assert.ok(box && box.height >= 44, `显示完整号码 is a 44-px target (${box?.height})`);

    // Without a reason (only spaces: the field is required in the browser too): refused.
    await summary.click();
    await doctor.fill('[id="f-reason-id_number"]', '   ');
    await submitBy(doctor, doctor.locator('[id="reveal-id_number"]'));
    await expectText(doctor.locator('[id="e-reason-id_number"]'), '必填', 'the message beside the reason');
    assert.equal(await doctor.locator('[id="revealed-id_number"]').count(), 0);
    await screenshot(doctor, 'phone-reveal-refused');

    // With a reason: the number in full, for this view.
    await doctor.fill('[id="f-reason-id_number"]', '核对就诊登记信息');
    await submitBy(doctor, doctor.locator('[id="reveal-id_number"]'));
    const full = (await doctor.locator('[id="revealed-id_number"]').textContent()).trim();
    assert.match(full, /^\d{17}[\dX]$/, `the whole number (${full})`);
    assert.equal(full.slice(0, 6), row.id_number_masked.slice(0, 6));
    await expectNoHorizontalScroll(doctor, phone, 'child page with a number shown');
    await screenshot(doctor, 'phone-reveal-shown');
    await doctor.goto(`/children/${row.id}`);
    assert.equal(await doctor.locator('[id="revealed-id_number"]').count(), 0, 'shown once only');
  });

  test('the doctor has no export; the township has', { timeout: TEST_TIMEOUT_MS }, async () => {
    const doctor = await open('doctor-ledger', desktop, 'doctor');
    await doctor.goto('/children');
    await expectVisible(doctor.locator('#result-count'), 'the ledger');
    assert.equal(await doctor.locator('#export-ledger, a[href^="/export"]').count(), 0, 'no export link');
    assert.equal((await doctor.request.get('/export.xlsx')).status(), 403);
    const township = await open('township', desktop, 'township');
    await township.goto('/children');
    await expectVisible(township.locator('#export-ledger'), 'the export link');
  });
});
