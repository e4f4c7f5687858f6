// The client-IP path of `trace()` (docs/trace.md) as a picture: per entry point, the hops from
// the client to the pods, each arrow coloured and labelled by what carries the client address
// after it, ending in the verdict. Hops, verdicts and entry points jump to their lines.

import { inline } from './markdown.js';

const CARRIES = {
  'tcp-source': 'TCP source',
  'proxy-header': 'PROXY header',
  header: 'X-Forwarded-For',
  lost: 'lost',
  forgeable: 'forgeable',
  unknown: 'unknown',
};

const VERDICT = {
  preserved: 'preserved',
  'preserved-in-header': 'preserved in header',
  lost: 'lost',
  forgeable: 'forgeable',
  unknown: 'unknown',
};

const esc = (s) => inline(String(s ?? ''));

function objectName(o) {
  if (!o) return '';
  return `${o.namespace ? o.namespace + '/' : ''}${o.name}`;
}

function el(tag, className, html) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (html !== undefined) e.innerHTML = html;
  return e;
}

function clickable(node, place, jump, title) {
  if (!place || typeof place.from !== 'number') return node;
  node.classList.add('jump');
  node.tabIndex = 0;
  node.dataset.line = String(place.start.line);
  node.title = title ?? `line ${place.start.line}`;
  const go = (e) => {
    if (e.target.closest('.rule-link, a')) return;
    jump(place.from);
  };
  node.addEventListener('click', go);
  node.addEventListener('keydown', (e) => e.key === 'Enter' && go(e));
  return node;
}

/** A DOM fragment drawing every entry of a trace. */
export function renderTrace(trace, { jump }) {
  const frag = document.createDocumentFragment();
  const entries = trace?.entries ?? [];
  if (!entries.length) {
    frag.append(
      el('p', 'empty', 'No entry point: no LoadBalancer, NodePort or externalIPs Service, Ingress or Gateway in the manifest. Nothing reaches these pods from outside the cluster.'),
    );
    return frag;
  }
  const legend = el('div', 'legend');
  legend.innerHTML =
    'after each hop, the client address is carried as: ' +
    Object.entries(CARRIES)
      .map(([k, v]) => `<span class="carries c-${k}">${v}</span>`)
      .join(' ');
  frag.append(legend);

  for (const entry of entries) {
    const v = entry.verdict ?? { kind: 'unknown' };
    const section = el('section', `entry v-${v.kind}`);
    section.dataset.verdict = v.kind;
    section.dataset.object = `${entry.kind} ${objectName(entry.object)}`;

    const head = el(
      'div',
      'entry-head',
      `<span class="kind">${esc(entry.kind)}</span> <b>${esc(objectName(entry.object))}</b>` +
        (entry.listener ? ` <span class="listener">${esc(entry.listener)}</span>` : '') +
        `<span class="verdict-badge v-${v.kind}" data-verdict="${v.kind}">client IP ${VERDICT[v.kind] ?? esc(v.kind)}</span>`,
    );
    section.append(clickable(head, entry, jump, `${entry.kind} at line ${entry.start?.line}`));

    const path = el('ol', 'path');
    const hops = entry.hops ?? [];
    if (hops.length) path.append(el('li', 'node first', esc(hops[0].from)));
    for (const hop of hops) {
      const li = el('li', `hop c-${hop.carries}`);
      li.dataset.carries = hop.carries;
      const rules = (hop.rules ?? [])
        .map((r) => `<button type="button" class="rule-link sev-chip ${r.severity}" data-rule="${r.rule}">${r.rule}</button>`)
        .join(' ');
      const place = (hop.places ?? []).find((p) => typeof p.from === 'number');
      li.innerHTML =
        `<span class="arrow" aria-hidden="true"></span>` +
        `<div class="hop-body"><span class="carries c-${hop.carries}">${CARRIES[hop.carries] ?? esc(hop.carries)}</span> ` +
        `<span class="does">${esc(hop.does)}</span>` +
        (place ? ` <span class="line-ref">line ${place.start.line}${place.label ? ': ' + esc(place.label) : ''}</span>` : '') +
        (rules ? `<div class="hop-rules">${rules}</div>` : '') +
        `</div>`;
      path.append(clickable(li, place, jump));
      path.append(el('li', 'node', esc(hop.to)));
    }
    section.append(path);

    const detail = el(
      'div',
      `verdict-detail v-${v.kind}`,
      `<b>${VERDICT[v.kind] ?? esc(v.kind)}:</b> ${esc(v.detail)}` +
        (v.header ? ` <span class="muted">(header: <code>${esc(v.header)}</code>)</span>` : '') +
        (v.where ? ` <span class="line-ref">line ${v.where.start.line}${v.where.label ? ': ' + esc(v.where.label) : ''}</span>` : '') +
        (v.missing ? `<div class="muted">missing: ${esc(v.missing)}</div>` : '') +
        (v.settle ? `<div class="muted">to settle it: ${esc(v.settle)}</div>` : ''),
    );
    section.append(clickable(detail, v.where, jump));

    if (entry.assumptions?.length) {
      const ul = el('ul', 'assumptions');
      for (const a of entry.assumptions) ul.append(el('li', '', `assumed: ${esc(a)}`));
      section.append(ul);
    }
    frag.append(section);
  }
  return frag;
}
