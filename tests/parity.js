'use strict';
// The Node half of plugin/tests/parity.rs. Reads jobs from standard input, a JSON array of
// {"argv": [...]} (runner arguments, run in the working directory), and writes a JSON array of
// {"stdout", "stderr", "code", "trace"}: what the Node runner (the pre-commit hook's entry) prints
// for each, with the committed, optimised Wasm module. For each job without usage errors it also
// checks that the module's public `lint()` returns the same text for the same files and options,
// and gives what its `trace()` returns, and for a job with `fix`, what its `fix()` changes.

const fs = require('node:fs');
const { parseArgs } = require('node:util');

const wasm = require('../wasm/pkg/node/realip_lint_wasm.js');
const { main, loadConfig, readSources, OPTIONS } = require('../wasm/runner/main.js');

const jobs = JSON.parse(fs.readFileSync(0, 'utf8'));
const cwd = process.cwd();
const results = jobs.map(({ argv, stdin: bytes, fix: withFix }) => {
  let stdout = '';
  let stderr = '';
  const stdin = (cap) => Buffer.from(bytes).subarray(0, cap);
  const code = main(argv, { cwd, stdin, stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  let trace = null;
  let fix = null;
  if (code !== 2) {
    // The same files and options through the JavaScript API, as a user of the npm package would
    // call it: lint() must be the runner's -o json, and trace() is compared with `trace -o json`.
    const { values: o, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
    const config = loadConfig(o.config, cwd);
    const given = (o.filename ?? []).flatMap((f) => f.split(',')).concat(positionals);
    const { files } = readSources(given, { cwd, config, stdin, stdinName: o['stdin-filename'] });
    const request = {
      files,
      config: config && { name: config.name, text: config.text },
      nodes: o.nodes === undefined ? undefined : Number(o.nodes),
      namespace: o.namespace,
      cloud: o.cloud,
    };
    if ((o.output ?? 'concise') === 'json' && wasm.lint(request) !== stdout) {
      stderr += `\nlint() differs from the runner's -o json for ${JSON.stringify(argv).slice(0, 200)}`;
    }
    trace = wasm.trace(request);
    if (withFix) {
      // What --diff --unsafe-fixes prints: each changed file's diff, in input order.
      const result = wasm.fix({ ...request, mode: 'unsafe' });
      fix = { diff: result.files.map((f) => f.diff).join(''), count: result.fixed.length };
    }
  }
  return { stdout, stderr, code, trace, fix };
});
process.stdout.write(JSON.stringify(results));
