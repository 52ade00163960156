// Each role's work through the dashboard's pages in headless Chromium (Debian's /usr/bin/chromium
// through playwright-core), with axe-core (WCAG 2.2 AA) on every page at 1366 px and 390 px and a
// check that a Vietnamese page shows no English sentence, raw JSON or framework text. Started by
// crates/xhht-server/tests/it/external.rs with BASE_URL, MEMBER (the person's id), YEAR, and
// OUT_DIR (screenshots, named by role and page). Users log in as `<name>` / `<name>-password`.
// Exit code 0 = pass.
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(join(dirname(require.resolve('axe-core')), 'axe.min.js'), 'utf8');
const base = process.env.BASE_URL;
const member = process.env.MEMBER;
const org = process.env.ORG;
const year = process.env.YEAR || '2027';
const out = process.env.OUT_DIR || '/tmp/xhht-roles';
mkdirSync(out, { recursive: true });

function check(cond, what) {
  if (!cond) {
    throw new Error(`failed: ${what}`);
  }
  console.log(`ok: ${what}`);
}

// Words that would mean an English sentence (or framework text) on a Vietnamese page.
const ENGLISH = /\b(the|and|not|this|failed|error|request|deserialize|forbidden|internal|please)\b/i;

async function audit(page, name) {
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: 900 });
    if (name === 'overview' && width === 390) await (await import('./charts.mjs')).checkCharts(page);
    await page.evaluate(axeSource);
    const result = await page.evaluate(async () =>
      // eslint-disable-next-line no-undef
      await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } }));
    const v = result.violations.map((x) => `${x.id}: ${x.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
    check(v.length === 0, `${name} at ${width}px: axe finds no violation${v.length ? ' — ' + v.join('; ') : ''}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 1, `${name} at ${width}px fits the screen (overflow ${overflow}px)`);
  }
  await page.setViewportSize({ width: 1366, height: 900 });
  const lang = await page.getAttribute('html', 'lang');
  if (lang === 'vi') {
    const text = (await page.evaluate(() => document.body.innerText)).replace(/English/g, '');
    const m = text.match(ENGLISH);
    check(!m && !text.includes('{"'), `${name}: no English sentence or raw JSON on the Vietnamese page${m ? ` (“${m[0]}”)` : ''}`);
  }
  await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});

async function as(user) {
  // axe is evaluated through the DevTools protocol, so the page's CSP needs no exception.
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(60000);
  await page.goto(`${base}/login`);
  await page.fill('input[name=user]', user);
  await page.fill('input[name=password]', `${user}-password`);
  await Promise.all([page.waitForURL(`${base}/work`), page.click('button[type=submit]')]);
  return { page, context };
}

async function submit(page, formSelector, button) {
  await Promise.all([page.waitForLoadState('load'), page.click(`${formSelector} button${button ? `[value="${button}"]` : '[type=submit]'}`)]);
  await page.waitForSelector('#step-done');
}

let failed = false;
try {
  const anon = await browser.newPage();
  await anon.goto(`${base}/login`);
  await audit(anon, 'login');

  // A teacher: registers, commits, writes and sends her self-study plan on her own page.
  const teacher = await as('member-a');
  await teacher.page.goto(`${base}/me?year=${year}`);
  await audit(teacher.page, 'person-own-page');
  await submit(teacher.page, 'form[action="/work/step/own-register"]');
  await submit(teacher.page, 'form[action="/work/step/own-commit"]');
  await teacher.page.fill('textarea[name=content]', 'Học tiếng Anh giao tiếp hai buổi mỗi tuần');
  await submit(teacher.page, 'form[action="/work/step/own-plan"]', '1');
  check((await teacher.page.textContent('#plan-state')).includes('chờ thủ trưởng phê duyệt'), 'the teacher sent her plan');

  // She self-assesses against the criteria (a decimal comma) and attaches a certificate.
  await teacher.page.click('#self-assess-link');
  await teacher.page.fill('input[name="v.1"]', '8,5');
  await teacher.page.fill('input[name="v.5"]', '9');
  await teacher.page.fill('input[name="n.5"]', 'Chứng chỉ tin học cơ bản');
  await Promise.all([teacher.page.waitForURL(/done=saved/), teacher.page.click('#assess-form button[type=submit]')]);
  check((await teacher.page.inputValue('input[name="v.1"]')) === '8,5', 'the teacher reads her score back with a decimal comma');
  await teacher.page.setInputFiles('#evidence-file', { name: 'chung-chi-tin-hoc.pdf', mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n') });
  await Promise.all([teacher.page.waitForURL(/done=added/), teacher.page.click('form[enctype="multipart/form-data"] button[type=submit]')]);
  check((await teacher.page.textContent('#evidence-files')).includes('chung-chi-tin-hoc.pdf'), 'the certificate is attached');
  await audit(teacher.page, 'person-self-assessment');

  // Her head: sees it on her work, returns it with a reason.
  const head = await as('unit-a');
  await head.page.goto(`${base}/work?year=${year}`);
  check((await head.page.textContent('main')).includes('Học tiếng Anh giao tiếp'), 'the head reads the plan on her work');
  await audit(head.page, 'head-work');
  await head.page.fill(`form[action="/work/step/return-plan"]:has(input[value="${member}"]) input[name=reason]`, 'Nêu rõ thời hạn hoàn thành');
  await submit(head.page, `form[action="/work/step/return-plan"]:has(input[value="${member}"])`);

  // The head fills the unit's self-assessment from the unit's page (a share: met of total).
  await head.page.goto(`${base}/org/${org}?year=${year}`);
  await head.page.click('#unit-self-assess');
  const share = await head.page.getAttribute('input[name^="d."]', 'name');
  await head.page.fill(`input[name="v.${share.slice(2)}"]`, '18');
  await head.page.fill(`input[name="${share}"]`, '20');
  await Promise.all([head.page.waitForURL(/done=saved/), head.page.click('#assess-form button[type=submit]')]);
  await audit(head.page, 'unit-self-assessment');

  // The teacher reads why, fixes it and sends it again; the head approves it.
  await teacher.page.goto(`${base}/me?year=${year}`);
  check((await teacher.page.textContent('#return-reason')).includes('Nêu rõ thời hạn hoàn thành'), 'the teacher reads the reason');
  await teacher.page.fill('textarea[name=content]', 'Học tiếng Anh giao tiếp, xong trước 30/11');
  await submit(teacher.page, 'form[action="/work/step/own-plan"]', '1');
  await head.page.goto(`${base}/work?year=${year}`);
  await submit(head.page, `form[action="/work/step/approve-plan"]:has(input[value="${member}"])`);
  await teacher.page.goto(`${base}/me?year=${year}`);
  check((await teacher.page.textContent('#plan-state')).includes('đã phê duyệt'), 'the plan is approved, as the teacher sees');
  await audit(teacher.page, 'person-approved');

  // The home-affairs office returns a dossier with a reason, the head proposes it again, the
  // office accepts it, the education office awards it.
  const verifier = await as('verifier');
  await verifier.page.goto(`${base}/work?year=2026`);
  await audit(verifier.page, 'verifier-work');
  const dossier = `:has(input[name=subject][value="${member}"])`;
  await verifier.page.fill(`form[action="/work/step/return-dossier"]${dossier} input[name=note]`, 'Thiếu xác nhận của xã');
  await submit(verifier.page, `form[action="/work/step/return-dossier"]${dossier}`);
  await head.page.goto(`${base}/work?year=2026`);
  check((await head.page.textContent('main')).includes('Thiếu xác nhận của xã'), 'the head reads why the dossier came back');
  await head.page.fill(`form[action="/work/step/propose"]${dossier} input[name=exception]`, 'Cứu người trong lũ, có xác nhận của xã');
  await submit(head.page, `form[action="/work/step/propose"]${dossier}`);
  await verifier.page.goto(`${base}/work?year=2026`);
  await submit(verifier.page, `form[action="/work/step/verify"]${dossier}`);
  const admin = await as('admin');
  await admin.page.goto(`${base}/work?year=2026`);
  await audit(admin.page, 'admin-work');
  await admin.page.fill(`form[action="/work/step/award"]${dossier} input[name=note]`, '12/QĐ-KT');
  await submit(admin.page, `form[action="/work/step/award"]${dossier}`);
  await admin.page.goto(`${base}/accounts`);
  await audit(admin.page, 'admin-accounts');
  await admin.page.goto(`${base}/?year=2026&as_of=2026-12-20`);
  check((await admin.page.textContent('#deadlines')).includes('Cần nhắc gửi báo cáo'), 'the board read on 20/12 lists whom to chase');

  // The study-promotion association sees units awaiting recognition.
  const reviewer = await as('reviewer');
  await reviewer.page.goto(`${base}/work?year=2026`);
  await audit(reviewer.page, 'reviewer-work');

  // A viewer has nothing to do; the other pages pass axe too.
  const viewer = await as('viewer');
  await viewer.page.goto(`${base}/work?year=2026`);
  check((await viewer.page.textContent('main')).includes('Không có việc nào đang chờ'), 'a viewer has nothing waiting');
  await audit(viewer.page, 'viewer-work');
  for (const [path, name] of [['/', 'overview'], [`/entity/${member}?year=2026`, 'explanation'], ['/nope', 'not-found']]) {
    await viewer.page.goto(`${base}${path}`);
    await audit(viewer.page, name);
  }
} catch (e) {
  console.error(String(e && e.stack || e));
  failed = true;
} finally {
  await browser.close();
}
if (failed) {
  process.exit(1);
}
console.log('browser roles: all checks passed');
