// The overview's charts, tables and badges on a phone (issue 29: "charts readable at 390 px —
// text ≥ 11 px, or a table beneath"). Called by roles.mjs with the overview open at 390 px,
// before axe runs there; it leaves every chart's data table open, so that axe and the overflow
// check that follow cover the tables too. Throws on the first failed check.
//
// - Every chart (a `figure` holding `svg.chart`) shows exactly one drawing at this width, and
//   every text of it is drawn at least 11 px high (its computed font size × the drawing's
//   scale), inside the drawing and over no other text of it.
// - Every chart has a data table beneath it (`details.chart-data table`) with one row per data
//   point the drawing says it draws (`data-points`), and each mark's title ("2026: 30,38%")
//   is a row of that table: the same figures, written the same way (a decimal comma in
//   Vietnamese).
// - Every table of the page fits the screen or scrolls inside its own labelled, focusable
//   region, and stays a table in Chromium's accessibility tree (the wide ones are laid out as
//   one card a row on a phone); every badge fits the screen and its own pill.
//
// With OUT_DIR set it keeps the page as overview-<width>-charts.png, the tables open.

function check(cond, what) {
  if (!cond) {
    throw new Error(`failed: ${what}`);
  }
  console.log(`ok: ${what}`);
}

const MIN_PX = 11;

export async function checkCharts(page) {
  const width = page.viewportSize().width;
  const found = await page.evaluate(() => {
    const rect = (e) => e.getBoundingClientRect();
    const cells = (tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent.trim());
    return [...document.querySelectorAll('main figure')].filter((f) => f.querySelector('svg.chart')).map((f, i) => {
      const drawings = [...f.querySelectorAll('svg.chart')];
      const shown = drawings.filter((s) => rect(s).width > 0);
      const svg = shown[0];
      const out = {
        i,
        label: (drawings[0].getAttribute('aria-label') || '').slice(0, 60),
        drawings: drawings.length,
        shown: shown.length,
        points: drawings.map((s) => Number(s.dataset.points)),
      };
      if (svg) {
        const box = rect(svg);
        const scale = box.width / svg.viewBox.baseVal.width;
        const texts = [...svg.querySelectorAll('text')].map((t) => {
          const r = rect(t);
          return {
            text: t.textContent,
            px: parseFloat(getComputedStyle(t).fontSize) * scale,
            height: r.height,
            r: { left: r.left, right: r.right, top: r.top, bottom: r.bottom },
          };
        });
        out.scale = scale;
        out.width = box.width;
        out.box = { left: box.left, right: box.right, top: box.top, bottom: box.bottom };
        out.texts = texts;
        out.marks = [...svg.querySelectorAll(':is(circle, rect) > title')].map((t) => t.textContent.trim());
      }
      const details = f.querySelector('details.chart-data');
      const table = details && details.querySelector('table');
      if (details) {
        details.open = true;
      }
      out.summary = details ? details.querySelector('summary').textContent.trim() : null;
      out.rows = table ? [...table.querySelectorAll('tbody tr')].map(cells) : null;
      return out;
    });
  });
  check(found.length > 0, `the overview at ${width}px has charts (${found.length})`);
  if (process.env.OUT_DIR) {
    await page.screenshot({ path: `${process.env.OUT_DIR}/overview-${width}-charts.png`, fullPage: true });
  }

  // What is measured, before anything is checked (so a failing run still says how small).
  let smallest = Infinity;
  for (const c of found) {
    if (c.texts && c.texts.length) {
      const px = Math.min(...c.texts.map((t) => t.px));
      const h = Math.min(...c.texts.map((t) => t.height));
      smallest = Math.min(smallest, px);
      console.log(`chart ${c.i} “${c.label}” at ${width}px: drawn ${c.width.toFixed(0)}px wide (scale ${c.scale.toFixed(3)}), smallest text ${px.toFixed(1)}px (box height ${h.toFixed(1)}px)`);
    }
  }
  console.log(`charts at ${width}px: smallest text ${smallest.toFixed(1)}px`);

  const lang = await page.getAttribute('html', 'lang');
  for (const c of found) {
    const name = `chart ${c.i} (“${c.label}”)`;
    check(c.shown === 1, `${name} shows one drawing at ${width}px (of ${c.drawings})`);
    const min = Math.min(...c.texts.map((t) => t.px));
    check(min >= MIN_PX, `${name}: every text is at least ${MIN_PX}px at ${width}px (smallest ${min.toFixed(1)}px)`);
    const outside = c.texts.filter((t) => t.r.left < c.box.left - 1 || t.r.right > c.box.right + 1
      || t.r.top < c.box.top - 1 || t.r.bottom > c.box.bottom + 1);
    check(outside.length === 0, `${name}: every text is inside the drawing${outside.length ? ` (not: ${outside.map((t) => t.text).join(', ')})` : ''}`);
    const overlaps = [];
    c.texts.forEach((a, i) => c.texts.slice(i + 1).forEach((b) => {
      const x = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const y = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (x > 1 && y > 1) {
        overlaps.push(`${a.text} / ${b.text}`);
      }
    }));
    check(overlaps.length === 0, `${name}: no two texts overlap${overlaps.length ? ` (${overlaps.join('; ')})` : ''}`);

    check(c.rows !== null, `${name} has a data table beneath it (“${c.summary}”)`);
    check(c.summary === (lang === 'vi' ? 'Bảng số liệu' : 'Data table'), `${name}: the table's summary is in the page's language`);
    const points = c.points[0];
    check(Number.isInteger(points) && c.points.every((p) => p === points), `${name}: its drawings say how many data points they draw (${c.points.join(', ')})`);
    check(c.rows.length === points, `${name}: the table has a row per data point (${c.rows.length} rows, ${points} points)`);
    const missing = c.marks.filter((m) => {
      const at = m.lastIndexOf(': ');
      const [key, value] = [m.slice(0, at), m.slice(at + 2)];
      return !c.rows.some((r) => r[0] === key && r.slice(1).includes(value));
    });
    check(missing.length === 0, `${name}: each of its ${c.marks.length} marks is a row of the table${missing.length ? ` (not: ${missing.join(', ')})` : ''}`);
    if (lang === 'vi') {
      const dot = c.rows.flat().filter((v) => /\d\.\d{1,2}%/.test(v));
      check(dot.length === 0, `${name}: shares are written with a decimal comma${dot.length ? ` (not: ${dot.join(', ')})` : ''}`);
    }
  }

  // Every table: on the screen, or scrolling inside its own labelled, focusable region.
  const tables = await page.evaluate(() => [...document.querySelectorAll('main table')].map((t) => {
    const r = t.getBoundingClientRect();
    const region = t.closest('.scroll');
    const rr = region && region.getBoundingClientRect();
    const scrolls = region && ['auto', 'scroll'].includes(getComputedStyle(region).overflowX);
    return {
      name: (t.querySelector('caption, th') || t).textContent.trim().slice(0, 40),
      fits: r.left >= -1 && r.right <= window.innerWidth + 1,
      region: region ? {
        fits: rr.left >= -1 && rr.right <= window.innerWidth + 1,
        scrolls,
        overflowing: region.scrollWidth > region.clientWidth + 1,
        focusable: region.tabIndex >= 0,
        role: region.getAttribute('role'),
        named: Boolean(region.getAttribute('aria-label') || region.getAttribute('aria-labelledby')),
      } : null,
    };
  }));
  for (const t of tables) {
    const g = t.region;
    const ok = t.fits || (g && g.fits && g.scrolls);
    check(ok, `the table “${t.name}” fits the ${width}px screen or scrolls inside its own region`);
    if (g && g.overflowing) {
      check(g.focusable && g.role === 'region' && g.named, `the table “${t.name}” scrolls inside a labelled, focusable region`);
    }
  }

  // A table laid out as cards on a phone (class reflow) is still a table to a screen reader:
  // Chromium's accessibility tree has as many tables as the page.
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = await cdp.send('Accessibility.getFullAXTree');
  await cdp.detach();
  const axTables = nodes.filter((n) => n.role && n.role.value === 'table' && !n.ignored).length;
  check(axTables === tables.length, `the ${tables.length} tables stay tables to assistive technology at ${width}px (${axTables})`);

  // Every badge: on the screen and its text inside its pill.
  const badges = await page.evaluate(() => [...document.querySelectorAll('main .badge')].map((b) => {
    const r = b.getBoundingClientRect();
    return { text: b.textContent.trim(), left: r.left, right: r.right, overflow: b.scrollWidth - b.clientWidth };
  }));
  const bad = badges.filter((b) => b.left < -1 || b.right > width + 1 || b.overflow > 1);
  check(badges.length > 0 && bad.length === 0, `all ${badges.length} badges fit at ${width}px${bad.length ? ` (not: ${bad.map((b) => b.text).join(', ')})` : ''}`);
}
