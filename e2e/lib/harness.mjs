// Shared pieces of the browser tests: the server's address, the browser, the two viewports,
// test data (names, GB 11643 ID numbers) and small assertions on top of Playwright's
// auto-waiting locators (playwright-core has no `expect`, so waiting is done by
// `locator.waitFor` and `page.waitForFunction`, never by sleeping).

import { chromium } from 'playwright-core';
import { before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const E2E_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ARTIFACTS = path.join(E2E_DIR, 'artifacts');

/** The running server, e.g. http://127.0.0.1:38123 (set by run.sh). */
export const BASE_URL = (() => {
  const u = process.env.SHOUHU_URL;
  if (!u) {
    throw new Error('SHOUHU_URL is not set: start the tests with e2e/run.sh, or set it to a running `shouhu serve --demo`');
  }
  return u.replace(/\/+$/, '');
})();

/** Every demo account has this password (crates/cli/src/seed.rs). */
export const DEMO_PASSWORD = 'shouhu-demo-2026';
/**
 * The TOTP secret of the demo accounts that need a second factor (admin, city, district):
 * crates/cli/src/seed.rs, shown on the demo's sign-in page like the password.
 */
export const DEMO_TOTP_SECRET = 'SHOUHUDEMOTOTPKEYFORTIANJINCHILD';
/** The director's village, 郭罗庄村委会 (梅厂镇, 武清区, 天津市). */
export const DEMO_VILLAGE = '120114101204';

/** How long one Playwright action or wait may take before the test fails. */
export const ACTION_TIMEOUT_MS = Number(process.env.E2E_ACTION_TIMEOUT_MS || 15000);

export const VIEWPORTS = [
  {
    name: 'desktop',
    options: { viewport: { width: 1280, height: 800 } },
  },
  {
    name: 'phone',
    options: {
      viewport: { width: 360, height: 740 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    },
  },
];

/** Debian's Chromium, never a browser downloaded by Playwright. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

export async function newContext(browser, viewport, storageState = undefined) {
  const context = await browser.newContext({
    ...viewport.options,
    ...(storageState ? { storageState } : {}),
    baseURL: BASE_URL,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS);
  return context;
}

// ------------------------------------------------------------------ test data

const NAME_CHARS = '明华丽强军芳静敏燕玲桂英秀兰霞平刚杰涛超勇艳娟磊洋峰鑫宇浩晨欣怡梓涵子轩雨萱佳琪思远博文';
const usedNames = new Set();

function pick(s) {
  const chars = [...s];
  return chars[Math.floor(Math.random() * chars.length)];
}

/** "测试" and three random given-name characters, different from every name made before. */
export function uniqueName() {
  for (;;) {
    const name = `测试${pick(NAME_CHARS)}${pick(NAME_CHARS)}${pick(NAME_CHARS)}`;
    if (!usedNames.has(name)) {
      usedNames.add(name);
      return name;
    }
  }
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** The check character of the first 17 digits of an ID number, GB 11643-1999 §7. */
export function checkCharacter(first17) {
  assert.match(first17, /^\d{17}$/);
  const s = [...first17].reduce((sum, d, i) => sum + Number(d) * WEIGHTS[i], 0);
  return CHECK_CHARS[s % 11];
}

/** Tianjin's district codes (GB/T 2260), so that numbers made in different test files rarely meet. */
const DISTRICTS = ['120101', '120102', '120103', '120104', '120105', '120106', '120110', '120111',
  '120112', '120113', '120114', '120115', '120116', '120117', '120118', '120119'];
const issued = new Set();

/**
 * An 18-character ID number of a Tianjin district for a birth date (YYYY-MM-DD) and sex: a
 * random 3-digit sequence whose last digit is odd for a boy and even for a girl, and a correct
 * check character. Never the same number twice in one test file; 8,000 numbers per date and
 * sex, so that files running apart on one server (a duplicate is refused) rarely collide.
 */
export function idNumber(birthDate, sex) {
  const date = birthDate.replaceAll('-', '');
  assert.match(date, /^\d{8}$/);
  for (;;) {
    const district = DISTRICTS[Math.floor(Math.random() * DISTRICTS.length)];
    const tens = Math.floor(Math.random() * 100);
    const odd = [1, 3, 5, 7, 9];
    const even = [0, 2, 4, 6, 8];
    const last = (sex === 'male' ? odd : even)[Math.floor(Math.random() * 5)];
    const seq = String(tens * 10 + last).padStart(3, '0');
    const first17 = `${district}${date}${seq}`;
    const id = first17 + checkCharacter(first17);
    if (!issued.has(id)) {
      issued.add(id);
      return id;
    }
  }
}

/** The same number with a wrong check character (always a digit, never X). */
export function withWrongCheckCharacter(id) {
  const right = id[17];
  const wrong = [...'0123456789'].find((c) => c !== right);
  return id.slice(0, 17) + wrong;
}

/** A house number, so that old and new addresses differ on every run. */
export function houseNumber() {
  return 1 + Math.floor(Math.random() * 98);
}

// ------------------------------------------------------------------ assertions

/** `[id="f-father.name"]`: the form's ids contain dots, which a `#id` selector cannot hold. */
export function field(p) {
  return `[id="f-${p}"]`;
}

/** Waits (auto-retrying) until the locator is visible; fails with `what` in the message. */
export async function expectVisible(locator, what) {
  try {
    await locator.first().waitFor({ state: 'visible' });
  } catch (e) {
    throw new Error(`expected ${what} to be visible: ${e.message.split('\n')[0]}`);
  }
}

/** Waits until the locator's text contains `text`. */
export async function expectText(locator, text, what) {
  await expectVisible(locator.filter({ hasText: text }), `${what} containing "${text}"`);
}

/** Waits until the page's path (and query) matches `re`. */
export async function expectPath(page, re) {
  try {
    await page.waitForURL((u) => re.test(u.pathname + u.search));
  } catch (e) {
    throw new Error(`expected the address to match ${re}, it is ${page.url()}: ${e.message.split('\n')[0]}`);
  }
}

/** What the page measures across: for the layout report and the no-scroll assertion. */
export async function measureWidth(page) {
  return page.evaluate(() => {
    const vw = window.innerWidth;
    const wide = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && (r.right > vw + 1 || r.left < -1)) {
        const id = el.id ? `#${el.id}` : '';
        const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
        wide.push(`${el.tagName.toLowerCase()}${id}${cls} [${Math.round(r.left)}–${Math.round(r.right)}px]`);
      }
    }
    return {
      path: location.pathname + location.search,
      innerWidth: vw,
      scrollWidth: document.documentElement.scrollWidth,
      overflowing: wide.slice(0, 15),
    };
  });
}

const layoutLog = [];

/** Records the page's width (written to artifacts/layout.json at the end of the run). */
export async function recordLayout(page, viewport, label) {
  const m = await measureWidth(page);
  layoutLog.push({ viewport: viewport.name, page: label, ...m });
  return m;
}

export async function writeLayoutLog() {
  await mkdir(ARTIFACTS, { recursive: true });
  await writeFile(path.join(ARTIFACTS, 'layout.json'), JSON.stringify(layoutLog, null, 2) + '\n');
}

/**
 * The page must not scroll sideways: scrollWidth ≤ the viewport's width + 1. Measured against
 * the width the viewport was given, not innerWidth: on a phone (isMobile) the layout viewport
 * grows to fit content that overflows, and innerWidth with it.
 */
export async function expectNoHorizontalScroll(page, viewport, label) {
  const m = await recordLayout(page, viewport, label);
  const width = Math.min(m.innerWidth, viewport.options.viewport.width);
  assert.ok(
    m.scrollWidth <= width + 1,
    `${label} (${m.path}) scrolls horizontally at ${viewport.name}: scrollWidth ${m.scrollWidth} > width ${width}; ` +
      `wider elements: ${m.overflowing.join(', ') || '(none found)'}`,
  );
}

// ------------------------------------------------------------------ screenshots

export function slug(s) {
  return s
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase()
    .slice(0, 80);
}

/** A full-page screenshot into e2e/artifacts/NAME.png; never fails the test itself. */
export async function screenshot(page, name) {
  if (!page || page.isClosed()) return null;
  await mkdir(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  try {
    await page.screenshot({ path: file, fullPage: true, timeout: ACTION_TIMEOUT_MS });
    return file;
  } catch (e) {
    console.error(`screenshot ${file} failed: ${e.message}`);
    return null;
  }
}

/** The bytes of an RFC 4648 base32 string. */
function base32Bytes(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of s.replace(/[\s=]/g, '').toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The 6-digit TOTP code (RFC 6238: HMAC-SHA-1, 30-second steps) of `secret` for time step `step`. */
export function totp(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Bytes(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const n = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(n).padStart(6, '0');
}

/**
 * On the code page after the password: enters the demo secret's code. A code is accepted
 * once, and only a step later than the account's last (RFC 6238 5.2): when the codes the
 * server accepts now (this step's and, for drift, the next's) were used by sign-ins of the
 * same account moments ago, the next code is accepted once the clock reaches the next step,
 * which this waits for (TOTP runs on the server's real clock here).
 */
export async function enterTotp(page, secret = DEMO_TOTP_SECRET) {
  const tried = new Set();
  const deadline = Date.now() + 70_000;
  while (Date.now() < deadline) {
    const now = Math.floor(Date.now() / 1000 / 30);
    const fresh = [now, now + 1].filter((step) => !tried.has(step));
    if (fresh.length === 0) {
      await page.waitForTimeout((now + 1) * 30_000 - Date.now() + 100);
      continue;
    }
    for (const step of fresh) {
      tried.add(step);
      await page.fill('#code', totp(secret, step));
      await Promise.all([page.waitForEvent('load'), page.click('#code-submit')]);
      if (new URL(page.url()).pathname !== '/login/code') return;
    }
  }
  throw new Error('no code of the demo TOTP secret was accepted');
}

/** Signs a demo account in (with its TOTP code where the role needs one) and waits for its home. */
export async function signInTo(page, username) {
  await page.goto('/login');
  await page.fill('#username', username);
  await page.fill('#password', DEMO_PASSWORD);
  await Promise.all([page.waitForURL((u) => u.pathname !== '/login'), page.click('#login-submit')]);
  if (new URL(page.url()).pathname === '/login/code') await enterTotp(page);
}

/** Signs a demo account in, checks it landed on its home page (工作台) and opens the ledger. */
export async function signIn(page, username) {
  await signInTo(page, username);
  await expectPath(page, /^\/home$/);
  await page.goto('/children');
  await expectPath(page, /^\/children/);
}

/** `minutesAgo` minutes ago, as a datetime-local value in China time (UTC+8). */
export function chinaLocal(minutesAgo) {
  return new Date(Date.now() + 8 * 3600_000 - minutesAgo * 60_000).toISOString().slice(0, 16);
}

/** Today in China, as a date input's value. */
export function chinaToday() {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** Clicks a button that submits a form and waits for the page that answers. */
export async function submitBy(page, button) {
  await Promise.all([page.waitForEvent('load'), button.click()]);
}

/**
 * Demo accounts signed in, each in its own browser context, for the `describe` block that
 * calls this: `open(name, viewport, username)` opens one; all close after the block, and
 * every open page is screenshotted (`{prefix}-{name}-FAILED-…`) when a test fails.
 */
export function signedInAccounts(prefix) {
  let browser;
  const contexts = [];
  const pages = {};
  // One sign-in per account and file: a second page of the same account (another viewport)
  // starts from the first's session. Each sign-in of a role with a second factor spends a
  // TOTP step, and a step is accepted once.
  const sessions = {};
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
  });
  afterEach(async (t) => {
    if (!t.passed) {
      for (const [name, page] of Object.entries(pages)) {
        await screenshot(page, `${prefix}-${name}-FAILED-${slug(t.name)}`);
      }
    }
  });
  return {
    pages,
    /** Signs `username` in on a new page; it lands on `home` (the ledger unless said). */
    async open(name, viewport, username, home = /^\/children/) {
      const context = await newContext(browser, viewport, sessions[username]);
      contexts.push(context);
      const page = await context.newPage();
      pages[name] = page;
      if (sessions[username]) {
        await page.goto('/home');
      } else {
        await signInTo(page, username);
        sessions[username] = await context.storageState();
      }
      // Every role but the administrator lands on its home page (工作台, issue 19); the
      // tests written before it start from the page they name.
      const start = { '^\\/children': '/children', '^\\/dropout$': '/dropout' }[home.source];
      if (start) {
        await expectPath(page, /^\/home$/);
        await page.goto(start);
      }
      await expectPath(page, home);
      return page;
    },
  };
}
