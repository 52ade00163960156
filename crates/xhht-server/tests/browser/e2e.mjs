// End-to-end test of the xhht dashboard in headless Chromium (Debian's /usr/bin/chromium driven
// by playwright-core; no browser download). Started by crates/xhht-server/tests/it/external.rs
// with BASE_URL (a loopback server it runs), XHHT_USER, XHHT_PASSWORD and OUT_DIR.
//
// It logs in, sees the progress chart, uploads a file with a bad row and sees the error with its
// line, downloads a report, and checks the overview fits a phone screen. Exit code 0 = pass.
import { chromium } from 'playwright-core';
import { writeFileSync, statSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const base = process.env.BASE_URL;
const user = process.env.XHHT_USER;
const password = process.env.XHHT_PASSWORD;
const out = process.env.OUT_DIR || '/tmp/xhht-browser';
mkdirSync(out, { recursive: true });

function check(cond, what) {
  if (!cond) {
    throw new Error(`failed: ${what}`);
  }
  console.log(`ok: ${what}`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
let failed = false;
try {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(60000);

  // 1. Log in.
  await page.goto(`${base}/`);
  check(page.url().endsWith('/login'), 'an anonymous visit goes to the login page');
  await page.fill('input[name=user]', user);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL(`${base}/work`), page.click('button[type=submit]')]);
  check(await page.locator('h1').first().isVisible(), 'logged in, the work page shows');
  await page.goto(`${base}/`);

  // 2. The progress chart.
  const charts = page.locator('#targets svg.chart:visible');
  check(await charts.count() >= 1, 'the overview has target progress charts');
  check(await charts.first().isVisible(), 'the progress chart is visible');
  const box = await charts.first().boundingBox();
  check(box && box.width > 100 && box.height > 50, 'the progress chart has a size');
  check((await page.locator('#targets svg.chart polyline, #targets svg.chart path, #targets svg.chart circle').count()) > 0,
    'the chart draws the series');
  await page.screenshot({ path: join(out, 'overview.png'), fullPage: true });

  // 3. English.
  await page.click('header nav a[hreflang=en]');
  check((await page.textContent('#targets h2')).includes('Progress'), 'the English switch works');
  await page.goto(`${base}/?lang=vi`);

  // 4. Upload a file with a bad row and see the error with its line.
  const csv = join(out, 'nguoi-loi.csv');
  writeFileSync(csv, 'id,full_name,category\nP-E2E-1,Nguyễn Văn Thử,giao-vien\nP-E2E-2,Trần Thị Lỗi,khong-co\n');
  await page.goto(`${base}/upload`);
  await page.selectOption('select[name=kind]', 'people');
  await page.setInputFiles('input[name=file]', csv);
  await Promise.all([page.waitForLoadState('load'), page.click('form[action="/upload"] button[type=submit]')]);
  const outcome = await page.textContent('#import-outcome');
  check(outcome.includes('dòng 3') && outcome.includes('category'), 'the bad row is reported with its line and column');
  check(outcome.includes('khong-co'), 'the error says what was wrong');
  await page.screenshot({ path: join(out, 'upload-error.png'), fullPage: true });

  // 5. Download a report.
  await page.goto(`${base}/`);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('#reports a:has-text("XLSX")'),
  ]);
  const saved = join(out, download.suggestedFilename());
  await download.saveAs(saved);
  check(download.suggestedFilename().endsWith('.xlsx'), 'the report downloads as .xlsx');
  check(statSync(saved).size > 1000, 'the downloaded report is not empty');

  // 6. A phone screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${base}/`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 1, `the overview fits a phone screen (overflow ${overflow}px)`);
  await page.screenshot({ path: join(out, 'phone.png'), fullPage: false });
} catch (e) {
  console.error(String(e && e.stack || e));
  failed = true;
} finally {
  await browser.close();
}
if (failed) {
  process.exit(1);
}
console.log('browser e2e: all checks passed');
