// The playground on a phone: a 390×844 screen (an iPhone 12–15's CSS size) in Debian's chromium
// with mobile emulation (the viewport meta tag honoured, touch). The page must not scroll
// sideways, the editor must be usable, and the problems, the client-IP path and the rule docs
// must be there at full size and unclipped, in the light and the dark scheme. Screenshots go to
// test/screenshots/phone-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { launch, settled, root } from '../browser.mjs';
import { clipped, lowContrast } from '../page-checks.mjs';

const wasm = createRequire(import.meta.url)('../../pkg/node/realip_lint_wasm.js');
const presets = JSON.parse(readFileSync(join(root, 'presets/index.json'), 'utf8'));
const shots = join(root, 'test/screenshots');
const PHONE = { width: 390, height: 844 };

let browser;
let page;
const errors = [];

before(async () => {
  mkdirSync(shots, { recursive: true });
  browser = await launch({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(`console error: ${m.text()}`));
  await page.goto(browser.url);
  await settled(page);
});

after(async () => {
  await browser?.close();
});

async function selectPreset(id) {
  await page.selectOption('#preset', id);
  await settled(page);
}

/** The page's width against the screen's, and the boxes of the parts that matter. */
async function layout() {
  return page.evaluate(() => {
    const box = (sel) => {
      const r = document.querySelector(sel).getBoundingClientRect();
      return { top: r.top + scrollY, left: r.left, width: r.width, height: r.height, right: r.right };
    };
    return {
      innerWidth,
      scrollWidth: document.documentElement.scrollWidth,
      bodyScrollWidth: document.body.scrollWidth,
      editor: box('#editor'),
      content: box('.cm-content'),
      status: box('#status'),
      problems: box('.panel.diagnostics'),
      list: box('#diagnostics'),
      listScroll: { scrollHeight: document.getElementById('diagnostics').scrollHeight, clientHeight: document.getElementById('diagnostics').clientHeight },
      items: [...document.querySelectorAll('#diagnostics li.diag')].map((li) => {
        const r = li.getBoundingClientRect();
        return { rule: li.dataset.rule, line: Number(li.dataset.line), height: r.height, left: r.left, right: r.right };
      }),
      lower: box('.lower'),
      header: [...document.querySelectorAll('.top > *:not([hidden])')].map((e) => {
        const r = e.getBoundingClientRect();
        return { what: e.id || e.className, left: r.left, right: r.right };
      }),
    };
  });
}

/** The module's findings for a text: rule and line. */
function expected(text, nodes) {
  return JSON.parse(wasm.lint({ files: [{ name: 'manifest.yaml', text }], nodes })).diagnostics.map((d) => ({ rule: d.rule, line: d.start.line }));
}

// A phone zooms out a page wider than its screen, and innerWidth then grows with the page: the
// screen's own width is the measure too.
function assertFits(l, what) {
  assert.ok(l.scrollWidth <= l.innerWidth && l.scrollWidth <= PHONE.width, `${what}: the page is ${l.scrollWidth} px wide on a ${PHONE.width} px screen (innerWidth ${l.innerWidth})`);
  assert.equal(l.innerWidth, PHONE.width, `${what}: zoomed out to ${l.innerWidth} px`);
  assert.ok(l.bodyScrollWidth <= PHONE.width, `${what}: the body is ${l.bodyScrollWidth} px wide`);
  for (const h of l.header) assert.ok(h.left >= 0 && h.right <= l.innerWidth + 0.5, `${what}: header ${h.what} at ${h.left}–${h.right}`);
}

test('every preset on a 390 px phone: nothing wider than the screen, the editor usable, every problem in the list at full height, nothing clipped', async () => {
  for (const p of presets) {
    for (const variant of ['problem', 'fixed']) {
      if (variant === 'problem') await selectPreset(p.id);
      else {
        await page.click('#show-fix');
        await settled(page);
      }
      const what = `${p.id} (${variant})`;
      await page.evaluate(() => window.scrollTo(0, 0));
      const l = await layout();
      assertFits(l, what);
      // the editor: most of the screen's width and a good part of its height
      assert.ok(l.editor.width >= 340 && l.editor.right <= l.innerWidth, `${what}: editor ${l.editor.width} px wide`);
      assert.ok(l.editor.height >= 300, `${what}: editor ${l.editor.height} px high`);
      // the problems panel: below the editor, every finding of the module there at its full height
      const text = await page.evaluate(() => window.playground.view.state.doc.toString());
      const want = expected(text, p.nodes);
      assert.deepEqual(l.items.map(({ rule, line }) => ({ rule, line })), want, what);
      if (variant === 'problem') assert.ok(l.items.length >= p.expect.length && l.items.length > 0, `${what}: findings in the list`);
      assert.ok(l.problems.top >= l.status.top + l.status.height, `${what}: the problems below the editor`);
      const needed = l.list.top - l.problems.top + l.items.reduce((h, i) => h + i.height, 0);
      assert.ok(l.problems.height + 1 >= needed, `${what}: problems panel ${l.problems.height} px high, its heading and findings ${needed} px`);
      for (const i of l.items) assert.ok(i.height >= 60 && i.left >= 0 && i.right <= l.innerWidth, `${what}: ${i.rule} is ${i.height} px high at ${i.left}–${i.right}`);
      assert.ok(l.listScroll.scrollHeight <= l.listScroll.clientHeight + 1, `${what}: the list hides ${l.listScroll.scrollHeight - l.listScroll.clientHeight} px`);
      // the client-IP path below the problems, at a real height
      assert.ok(l.lower.top >= l.problems.top + l.problems.height && l.lower.height >= 300, `${what}: the path panel ${l.lower.height} px high`);
      assert.deepEqual(await clipped(page), [], `${what}: clipped`);
      if (variant === 'problem') await page.screenshot({ path: join(shots, `phone-${p.id}.png`), fullPage: true });
    }
  }
});

test('on a phone, a tap on a problem puts the cursor on its line with the editor in view; a rule opens its docs in view', async () => {
  await selectPreset('lb-ingress-cluster');
  const item = page.locator('#diagnostics li.diag[data-rule="ingress-controller-cluster-policy"]');
  // the list scrolled to the top of the screen: the editor above it is out of view
  await item.evaluate((e) => e.scrollIntoView({ block: 'start' }));
  assert.ok((await page.evaluate(() => document.querySelector('#editor').getBoundingClientRect().bottom)) < 100, 'the editor scrolled away');
  await item.locator('.diag-msg').tap();
  const seen = await page.evaluate(() => {
    const v = window.playground.view;
    const head = v.state.selection.main.head;
    const c = v.coordsAtPos(head);
    const e = v.dom.getBoundingClientRect();
    return { line: v.state.doc.lineAt(head).number, cursorTop: c?.top, cursorBottom: c?.bottom, editorTop: e.top, editorBottom: e.bottom, innerHeight };
  });
  assert.equal(seen.line, 9);
  assert.ok(seen.cursorTop >= Math.max(0, seen.editorTop) && seen.cursorBottom <= Math.min(seen.innerHeight, seen.editorBottom), `the cursor's line in view: ${JSON.stringify(seen)}`);
  // a rule's name in the list opens its manual, scrolled into view
  await item.locator('.rule-link').tap();
  assert.equal(await page.getAttribute('#manual', 'data-rule'), 'ingress-controller-cluster-policy');
  const docs = await page.evaluate(() => {
    const r = document.querySelector('.lower').getBoundingClientRect();
    return { top: r.top, innerHeight };
  });
  assert.ok(docs.top >= -1 && docs.top < docs.innerHeight / 2, `the docs in view: ${JSON.stringify(docs)}`);
  await page.screenshot({ path: join(shots, 'phone-rule-docs.png') });
  await page.tap('#tab-trace');
});

test("on a phone, the path and every rule's docs are readable: nothing wider than the screen, nothing clipped", async () => {
  await selectPreset('forwarded-trust-all');
  await page.tap('#tab-trace');
  assert.ok((await page.locator('#trace section.entry').count()) > 0);
  assert.deepEqual(await clipped(page, '.lower'), [], 'the path');
  await page.tap('#tab-docs');
  for (const r of wasm.rules()) {
    await page.selectOption('#rule-picker', r.name);
    const l = await layout();
    assertFits(l, r.name);
    assert.deepEqual(await clipped(page, '.lower'), [], `the docs of ${r.name}`);
    // code blocks keep their lines (YAML must paste as it is) and scroll sideways instead
    const pre = await page.$$eval('#manual pre.code', (ps) => ps.map((p) => ({ overflow: getComputedStyle(p).overflowX, right: p.getBoundingClientRect().right })));
    for (const p of pre) assert.ok(['auto', 'scroll'].includes(p.overflow) && p.right <= l.innerWidth, `${r.name}: a code block ${JSON.stringify(p)}`);
  }
  await page.tap('#tab-trace');
});

test('on a phone, typing in the editor lints, and the node-count notice fits the screen', async () => {
  await selectPreset('lb-local-anti-affinity');
  await page.fill('#nodes', '');
  await settled(page);
  assert.equal(await page.locator('#diagnostics li.run-notice').count(), 1);
  assertFits(await layout(), 'the node-count notice');
  assert.deepEqual(await clipped(page), []);
  await page.locator('#diagnostics li.run-notice').evaluate((e) => e.scrollIntoView({ block: 'center' }));
  await page.screenshot({ path: join(shots, 'phone-node-count-unknown.png') });
  await page.fill('#nodes', '2');
  await settled(page);
  assert.ok((await page.locator('#diagnostics li.diag[data-rule="hard-anti-affinity-replicas-exceed-nodes"]').count()) === 1);
  // type on the touch screen: replicas 4 → 2 clears the node-count findings
  await page.evaluate(() => window.scrollTo(0, 0));
  const line = page.locator('.cm-line', { hasText: 'replicas: 4' });
  await line.tap();
  await page.keyboard.press('End');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('2');
  await settled(page);
  const text = await page.evaluate(() => window.playground.view.state.doc.toString());
  assert.match(text, /replicas: 2\n/);
  assert.equal(await page.locator('#diagnostics li.diag[data-rule="hard-anti-affinity-replicas-exceed-nodes"]').count(), 0);
});

test('on a phone in the dark scheme: the same layout, readable', async () => {
  try {
    await page.emulateMedia({ colorScheme: 'dark' });
    for (const id of ['lb-ingress-cluster', 'proxy-protocol']) {
      await selectPreset(id);
      await page.evaluate(() => window.scrollTo(0, 0));
      const l = await layout();
      assertFits(l, `${id} (dark)`);
      assert.deepEqual(await clipped(page), [], `${id} (dark)`);
      const c = await lowContrast(page);
      assert.ok(c.count > 100);
      assert.deepEqual(c.low, [], `${id} (dark): text below 4.5:1`);
      assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(14, 17, 23)');
    }
    await page.screenshot({ path: join(shots, 'phone-dark-proxy-protocol.png'), fullPage: true });
  } finally {
    await page.emulateMedia({ colorScheme: 'light' });
  }
});

test('smaller and larger phones, a tablet, a phone on its side: nothing wider than the screen, nothing clipped', async () => {
  try {
    for (const [width, height] of [[320, 568], [360, 740], [412, 915], [768, 1024], [844, 390]]) {
      await page.setViewportSize({ width, height });
      for (const id of ['forwarded-trust-all', 'gateway']) {
        await selectPreset(id);
        const l = await page.evaluate(() => ({ innerWidth, scrollWidth: document.documentElement.scrollWidth, problems: document.querySelector('.panel.diagnostics').getBoundingClientRect().height, editor: document.querySelector('#editor').getBoundingClientRect().height }));
        const what = `${id} at ${width}×${height}`;
        assert.ok(l.scrollWidth <= width && l.innerWidth === width, `${what}: the page is ${l.scrollWidth} px wide (innerWidth ${l.innerWidth})`);
        assert.ok(l.editor >= 250 && l.problems >= 150, `${what}: editor ${l.editor} px, problems ${l.problems} px high`);
        assert.deepEqual(await clipped(page), [], what);
      }
    }
  } finally {
    await page.setViewportSize(PHONE);
  }
});

test('no page or console error on the phone', () => {
  assert.deepEqual(errors, []);
});
