// The "Before / after" pane: what `migrate()` (docs/migrate.md) says a migration from the
// manifests on the left of the pane (OLD) to the editor's (NEW) does to the client address, per
// hostname: the same facts and changes as `kubectl realip-lint migrate`, as HTML.

import { inline } from './markdown.js';

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

/** The mark of a change, as the CLI's table has it. */
export function mark(change) {
  return { same: '=', gained: '+', changed: '~' }[change] ?? '✗';
}

/** `bad` for what fails a run at the default level, `changed`, or `ok`. */
export function tone(change) {
  if (['lost', 'newly-forgeable', 'broken'].includes(change)) return 'bad';
  return change === 'changed' ? 'changed' : 'ok';
}

function side(facts) {
  if (facts.kind === 'absent') return 'not served';
  const imp = facts.implementation ? ` (${escape(facts.implementation)})` : '';
  return `${escape(facts.entry ?? '')}${imp}: <strong>${escape(facts.kind)}</strong>`;
}

function place(p) {
  const where = p.side === 'after' ? 'change in NEW' : 'from OLD';
  return `<li data-side="${p.side}" data-line="${p.start.line}">${where}: line ${p.start.line} (${inline(p.label)})</li>`;
}

function host(h) {
  const rows = h.differences
    .map(
      (d) =>
        `<tr class="${tone(d.change)}"><td class="mark">${mark(d.change)}</td><td>${escape(d.what)}</td><td class="change">${escape(d.change)}</td><td>${inline(d.before)}</td><td>${inline(d.after)}</td></tr>`,
    )
    .join('');
  const details = h.differences
    .filter((d) => d.change !== 'same' && d.change !== 'gained')
    .map((d) => {
      const places = d.places.length ? `<ul class="places">${d.places.map(place).join('')}</ul>` : '';
      const fix = d.fix ? `<pre class="fix">${escape(d.fix)}</pre>` : '';
      return `<div class="difference ${tone(d.change)}"><h4>${escape(d.what)}: ${escape(d.change)}</h4>${places}${fix}</div>`;
    })
    .join('');
  return `<section class="host"><h3>${escape(h.host)}:${h.port}</h3>
<p class="sides">before: ${side(h.before)}<br>after: ${side(h.after)}</p>
<div class="table-scroll"><table><thead><tr><th></th><th>what</th><th>change</th><th>before</th><th>after</th></tr></thead><tbody>${rows}</tbody></table></div>${details}</section>`;
}

/** The summary line, as the CLI prints it. */
export function summary(report) {
  const count = (c) => report.hosts.flatMap((h) => h.differences).filter((d) => d.change === c).length;
  const n = report.hosts.length;
  return `${n} ${n === 1 ? 'host' : 'hosts'}: ${count('broken')} broken, ${count('lost')} lost, ${count('newly-forgeable')} newly forgeable, ${count('changed')} changed, ${count('gained')} gained`;
}

/** HTML for a `migrate()` JSON report. */
export function renderMigration(report) {
  if (!report.hosts.length) {
    return '<p class="empty">No hostnames: neither side has an Ingress or a Gateway listener (with its data plane).</p>';
  }
  return `${report.hosts.map(host).join('')}<p class="summary">${escape(summary(report))}</p>`;
}
