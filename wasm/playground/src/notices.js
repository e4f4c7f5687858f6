// What a lint did not check, said where the user looks (issue #21): the node-count rules
// (`hard-anti-affinity-replicas-exceed-nodes`, `rollout-deadlock-one-per-node`, …) stay silent
// when the node count is unknown, so an empty or 0 node field must not look like a clean bill.
// The module's own run-level `report.notices` are shown as they come, except its node-count notice,
// which the page words for its Nodes field; the page adds that notice itself when the module did not.

export const NODE_COUNT_NOTICE = {
  id: 'node-count-unknown',
  message: 'The node-count rules were not checked: the node count is unknown.',
  help:
    'Type the number of eligible nodes in the Nodes field, or add the cluster\'s Node objects to the manifest ' +
    '(the CLI: `--nodes N`, or `nodes:` in `.realip-lint.yaml`).',
};

/** True when the text holds a Node object (its nodes are then the node count). */
export function hasNodeObjects(text) {
  return /^[ \t-]*kind:[ \t]*(["']?)Node\1[ \t]*(#.*)?$/m.test(text) || /[{,][ \t]*kind:[ \t]*(["']?)Node\1[ \t]*[,}]/.test(text);
}

export const isNodeCountNotice = (n) => /node.?count/i.test(n.id);

/** A notice in a few words, for the status line. */
export const noticeLabel = (n) => (isNodeCountNotice(n) ? 'node-count rules not checked' : n.id);

/** The notices to show for a report (`nodes`: the count sent with the request, undefined when the field is empty or 0): `[{id, message, help}]`. */
export function noticesFor(report, { nodes, text }) {
  const out = (Array.isArray(report?.notices) ? report.notices : [])
    .filter((n) => n && typeof n === 'object' && (n.message || n.id))
    .map((n) => ({ id: String(n.id ?? 'notice'), message: String(n.message ?? n.id), help: n.help ? String(n.help) : '' }))
    // The module's node-count notice speaks to the command line (`--nodes N`); here the Nodes
    // field settles it, so the page says it in its own words (the rules the module names kept).
    .map((n) => (isNodeCountNotice(n) ? { ...NODE_COUNT_NOTICE, id: n.id, detail: n.message } : n));
  if (nodes === undefined && !hasNodeObjects(text) && !out.some(isNodeCountNotice)) out.push(NODE_COUNT_NOTICE);
  return out;
}

/** The status line's kind: red with an error, orange with a warning, neutral with a notice, green only when nothing is left unsaid. */
export function statusKind(summary, notices) {
  if (summary.error) return 'bad';
  if (summary.warning) return 'warn';
  return notices.length ? 'notice' : 'good';
}
