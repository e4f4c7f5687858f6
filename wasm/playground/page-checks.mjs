// Checks of what a page shows, shared by the browser tests: the contrast of every piece of text
// against the background it is painted on, and the elements cut off by the screen's edge or by a
// box that clips them. Each runs in the page (page.evaluate) and returns plain data.

/** WCAG 2 contrast ratio of two [r, g, b] colours (0–255). */
export function contrastRatio(a, b) {
  const lum = ([r, g, b]) => {
    const f = (c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/**
 * Every visible text under `root` whose contrast is below WCAG AA (4.5:1, 3:1 for large text), as
 * `{text, where, fg, bg, ratio}`; `count` is how many texts were measured. The background is the
 * composite of the element's and its ancestors' background colours; the text's own alpha and the
 * opacity of its ancestors are blended in. Disabled controls are exempt (as in WCAG).
 */
export async function lowContrast(page, root = 'body') {
  const texts = await page.evaluate((root) => {
    const parse = (s) => {
      const m = s.match(/rgba?\(([^)]+)\)/);
      if (!m) return null;
      const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
      return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    };
    const over = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3])).concat(1);
    const describe = (el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.classList.length ? '.' + [...el.classList].join('.') : ''}`;
    const out = [];
    for (const el of document.querySelector(root).querySelectorAll('*')) {
      const own = [...el.childNodes].filter((n) => n.nodeType === 3 && n.textContent.trim()).map((n) => n.textContent.trim()).join(' ');
      if (!own) continue;
      const r = el.getBoundingClientRect();
      const cs = getComputedStyle(el);
      if (!r.width || !r.height || cs.visibility !== 'visible' || el.closest('[hidden], option, :disabled')) continue;
      const chain = [];
      let opacity = 1;
      for (let a = el; a; a = a.parentElement) {
        const s = getComputedStyle(a);
        chain.push(parse(s.backgroundColor) ?? [0, 0, 0, 0]);
        opacity *= Number(s.opacity);
      }
      // under everything, the canvas: white, or the browser's dark canvas in the dark scheme
      let bg = matchMedia('(prefers-color-scheme: dark)').matches ? [18, 18, 18, 1] : [255, 255, 255, 1];
      for (const c of chain.reverse()) bg = over(c, bg);
      const fg = parse(cs.color);
      const size = parseFloat(cs.fontSize);
      out.push({
        text: own.slice(0, 60),
        where: describe(el),
        fg: over([fg[0], fg[1], fg[2], fg[3] * opacity], bg).slice(0, 3),
        bg: bg.slice(0, 3),
        large: size >= 24 || (size >= 18.66 && Number(cs.fontWeight) >= 700),
      });
    }
    return out;
  }, root);
  const low = texts
    .map((t) => ({ ...t, ratio: Math.round(contrastRatio(t.fg, t.bg) * 100) / 100 }))
    .filter((t) => t.ratio < (t.large ? 3 : 4.5))
    .map(({ text, where, fg, bg, ratio }) => ({ text, where, fg: `rgb(${fg.map(Math.round).join(', ')})`, bg: `rgb(${bg.map(Math.round).join(', ')})`, ratio }));
  return { count: texts.length, low };
}

/**
 * Elements under `root` that stick out of the screen's width, or out of an ancestor that clips
 * them: sideways out of any box that hides or scrolls its overflow, downwards out of one that
 * hides it (a box that scrolls vertically is reachable). Code blocks and the editor scroll
 * sideways by design and are skipped inside; the boxes themselves are checked.
 */
export async function clipped(page, root = 'body') {
  return page.evaluate((root) => {
    const describe = (el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.classList.length ? '.' + [...el.classList].join('.') : ''}`;
    const out = [];
    const width = document.documentElement.clientWidth;
    for (const el of document.querySelector(root).querySelectorAll('*')) {
      if (el.parentElement?.closest('pre, .cm-editor')) continue;
      const r = el.getBoundingClientRect();
      if (!r.width || !r.height || getComputedStyle(el).visibility !== 'visible') continue;
      if (r.left < -0.5 || r.right > width + 0.5) out.push(`${describe(el)} [${Math.round(r.left)}, ${Math.round(r.right)}] outside the screen's width ${width}`);
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        const s = getComputedStyle(a);
        const ar = a.getBoundingClientRect();
        if (s.overflowX !== 'visible' && (r.right > ar.right + 0.5 || r.left < ar.left - 0.5)) {
          out.push(`${describe(el)} cut sideways by ${describe(a)} (${Math.round(r.left)}–${Math.round(r.right)} in ${Math.round(ar.left)}–${Math.round(ar.right)})`);
          break;
        }
        if ((s.overflowY === 'hidden' || s.overflowY === 'clip') && (r.bottom > ar.bottom + 0.5 || r.top < ar.top - 0.5)) {
          out.push(`${describe(el)} cut off by ${describe(a)} (${Math.round(r.top)}–${Math.round(r.bottom)} in ${Math.round(ar.top)}–${Math.round(ar.bottom)})`);
          break;
        }
      }
    }
    return out;
  }, root);
}
