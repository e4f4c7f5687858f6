'use strict';
// The Node runner and the built module, with Node's own test runner: `node --test wasm/runner/`.
// These load the committed, wasm-opt-optimised module (wasm/pkg), both the Node and the web build.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { spawnSync } = require('node:child_process');

const wasm = require('../pkg/node/realip_lint_wasm.js');
const { main } = require('./main.js');

const REPO = path.resolve(__dirname, '../..');
const NODEPORT = 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: NodePort\n  selector: {app: web}\n';
const FLAGGED = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    realip-lint.io/client-ip: required\nspec:\n  type: NodePort\n  selector: {app: web}\n';

/** Run the runner in `cwd`; returns {code, stdout, stderr}. */
function run(argv, { cwd = REPO, stdin = '' } = {}) {
  let stdout = '';
  let stderr = '';
  const code = main(argv, {
    cwd,
    stdin: (cap) => Buffer.from(stdin).subarray(0, cap),
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
  });
  return { code, stdout, stderr };
}

function tempTree(files) {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'realip-runner-')));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  return root;
}

test('the optimised module instantiates and knows its version and rules', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  assert.equal(wasm.version(), pkg.version, 'package.json and the crates share one version');
  const rules = wasm.rules();
  assert.ok(rules.some((r) => r.name === 'local-policy-without-spread' && r.severity === 'warning'));
  assert.ok(rules.every((r) => r.url.endsWith(`#${r.name}`) && r.summary.length > 0));
  assert.match(wasm.explain('local-policy-without-spread'), /^# local-policy-without-spread \(warning\)\n\n## What it does/);
  assert.throws(() => wasm.explain('no-such-rule'), /unknown rule `no-such-rule`/);
});

test('the web build instantiates in Node too and lints the same', async () => {
  const web = await import(pathToFileURL(path.join(REPO, 'wasm/pkg/web/realip_lint_wasm.js')).href);
  web.initSync({ module: fs.readFileSync(path.join(REPO, 'wasm/pkg/web/realip_lint_wasm_bg.wasm')) });
  const request = { files: [{ name: 'a.yaml', text: FLAGGED }], nodes: 3 };
  assert.equal(web.lint(request), wasm.lint(request));
  assert.equal(web.version(), wasm.version());
});

test('a finding names file, line, column and rule, and fails at the default level', () => {
  const root = tempTree({ 'deploy/web.yaml': FLAGGED });
  const r = run(['deploy/web.yaml'], { cwd: root });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^deploy\/web\.yaml:8:9: warning external-service-cluster-policy: [^\n]+\n0 errors/);
  assert.match(r.stdout, /0 errors, 1 warning, 0 infos in 1 file \(1 object read, 0 skipped as not manifests\)\n$/);
  assert.equal(r.stdout.split('\n').length, 3, 'one line per finding, then the summary');
  assert.equal(r.stderr, '');
});

test('-o takes every format of the module, with paths relative to the working directory', () => {
  const root = tempTree({ 'deploy/web.yaml': FLAGGED });
  assert.deepEqual(wasm.formats(), ['json', 'sarif', 'github', 'concise']);
  const github = run(['deploy/web.yaml', '-o', 'github'], { cwd: root });
  assert.equal(github.code, 1, github.stderr);
  assert.match(github.stdout, /^::warning file=deploy\/web\.yaml,line=8,col=9,[^\n]*title=external-service-cluster-policy::/);
  const sarif = JSON.parse(run(['deploy/web.yaml', '-o', 'sarif'], { cwd: root }).stdout);
  const location = sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation;
  assert.deepEqual(location, { uri: 'deploy/web.yaml', uriBaseId: '%SRCROOT%' });
});

test('the exit code follows the fail level: an info passes by default, fails with --fail-on info', () => {
  const root = tempTree({ 'svc.yaml': NODEPORT, 'values.yaml': 'replicas: 3\n' });
  assert.equal(run(['svc.yaml', 'values.yaml'], { cwd: root }).code, 0);
  assert.equal(run(['svc.yaml', '--fail-on', 'info'], { cwd: root }).code, 1);
  assert.equal(run(['svc.yaml', '--fail-on', 'never', '-o', 'json'], { cwd: root }).code, 0);
});

test('-o json is exactly the module lint() for the same files and options', () => {
  const root = tempTree({ 'a.yaml': FLAGGED, 'b.yaml': NODEPORT.replace('web', 'api') });
  const r = run(['-f', 'a.yaml,b.yaml', '-o', 'json', '--nodes', '2', '-n', 'shop'], { cwd: root });
  const expected = wasm.lint({
    files: [
      { name: 'a.yaml', text: FLAGGED },
      { name: 'b.yaml', text: NODEPORT.replace('web', 'api') },
    ],
    nodes: 2,
    namespace: 'shop',
  });
  assert.equal(r.stdout, expected);
  assert.equal(JSON.parse(r.stdout).diagnostics[0].object.namespace, 'shop');
});

test('the config file is found upward: fail level, rule levels, exclude globs; flags win', () => {
  const root = tempTree({
    '.realip-lint.yaml': 'fail-on: error\nrules:\n  external-service-cluster-policy: error\nexclude: ["vendor/**"]\n',
    'deploy/svc.yaml': NODEPORT,
    'vendor/svc.yaml': NODEPORT.replace('web', 'vendored'),
  });
  const cwd = path.join(root, 'deploy');
  let r = run(['svc.yaml', '../vendor/svc.yaml', '-o', 'json'], { cwd });
  const report = JSON.parse(r.stdout);
  assert.equal(r.code, 1, 'the rule is an error by the config');
  assert.equal(report.summary.files, 1, 'vendor/ is excluded');
  assert.equal(report.diagnostics[0].severity, 'error');
  r = run(['svc.yaml', '--fail-on', 'never'], { cwd });
  assert.equal(r.code, 0, '--fail-on wins over the config');
});

test('a bad config is a usage error at its exact place, and stops before the report', () => {
  const root = tempTree({ 'bad.yaml': 'nodes: 3\nrulez: {}\n', 'svc.yaml': FLAGGED });
  const r = run(['svc.yaml', '--config', 'bad.yaml', '-o', 'json'], { cwd: root });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^error: bad\.yaml:2:1: unknown setting `rulez` \(known: nodes, fail-on, [^)]*\); did you mean `rules`\?\n$/);
  assert.equal(r.stdout, '', 'no report after a bad config');
  const missing = run(['svc.yaml', '--config', 'nope.yaml'], { cwd: root });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^error: nope\.yaml: cannot read the config file: /);
});

test('usage errors exit 2: missing files (after the rest), bad flags and values', () => {
  const root = tempTree({ 'svc.yaml': FLAGGED });
  const missing = run(['svc.yaml', 'missing.yaml', '-o', 'json'], { cwd: root });
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr, 'error: the path "missing.yaml" does not exist\n');
  assert.equal(JSON.parse(missing.stdout).summary.files, 1);
  assert.equal(run(['--no-such-flag', 'svc.yaml'], { cwd: root }).code, 2);
  assert.equal(run(['svc.yaml', '--nodes', '0'], { cwd: root }).code, 2);
  assert.equal(run(['svc.yaml', '--fail-on', 'sometimes'], { cwd: root }).code, 2);
  assert.equal(run(['svc.yaml', '-o', 'human'], { cwd: root }).code, 2, 'human is for a terminal');
  assert.equal(run(['svc.yaml', '-o', 'xml'], { cwd: root }).code, 2);
  assert.equal(run([], { cwd: root }).code, 2);
  assert.equal(run(['explain', 'no-such-rule']).code, 2);
});

test('standard input, named by --stdin-filename; a BOM counts in offsets, not columns', () => {
  const r = run(['-f', '-', '--stdin-filename', 'chart.yaml', '-o', 'json', '--fail-on', 'never'], { stdin: `\u{feff}${NODEPORT}` });
  assert.equal(r.code, 0);
  const d = JSON.parse(r.stdout).diagnostics[0];
  assert.equal(d.file, 'chart.yaml');
  assert.deepEqual(d.start, { line: 5, column: 9, offset: 68 });
});

test('a Helm chart template is recognised from the file system, as the CLI does', () => {
  const root = tempTree({ 'web/Chart.yaml': 'name: web\n', 'web/templates/svc.yaml': 'kind: Service\nmetadata: {name: {{ .Release.Name }}}\n' });
  const r = run(['web/templates/svc.yaml', '-o', 'json'], { cwd: root });
  const report = JSON.parse(r.stdout);
  assert.equal(r.code, 0, r.stdout);
  assert.match(report.diagnostics[0].message, /Helm chart templates of `web` are not manifests/);
});

test('bytes are decoded by the core: UTF-16, bytes that are not UTF-8, files over the size limit', () => {
  const root = tempTree({ '.realip-lint.yaml': 'limits: {file-bytes: 200}\n', 'big.yaml': FLAGGED.repeat(3), 'ok.yaml': FLAGGED });
  fs.writeFileSync(path.join(root, 'utf16.yaml'), Buffer.from([0xff, 0xfe, 0x6b, 0x00]));
  fs.writeFileSync(path.join(root, 'latin1.yaml'), Buffer.from('kind: Service\n# caf\xe9\n', 'latin1'));
  const r = run(['big.yaml', 'ok.yaml', 'utf16.yaml', 'latin1.yaml', '-o', 'json'], { cwd: root });
  const messages = JSON.parse(r.stdout).diagnostics.map((d) => `${d.file}: ${d.message}`);
  assert.ok(messages.some((m) => m.startsWith('big.yaml: the file is more than ') && m.includes('`file-bytes` limit of 200 bytes')), messages.join('\n'));
  assert.ok(messages.some((m) => m.startsWith('utf16.yaml: the file is UTF-16')), messages.join('\n'));
  assert.ok(messages.some((m) => m.startsWith('latin1.yaml: not UTF-8 text: byte 0xE9 at offset 19')), messages.join('\n'));
  const big = run(['-f', '-', '-o', 'json'], { cwd: root, stdin: FLAGGED.repeat(3) });
  assert.match(JSON.parse(big.stdout).diagnostics[0].message, /^the file is more than 201 bytes/, 'standard input is read up to the limit');
});

test('trace() is the trace JSON of the same files', () => {
  const trace = JSON.parse(wasm.trace({ files: [{ name: 'a.yaml', text: FLAGGED }] }));
  assert.equal(typeof trace, 'object');
  assert.ok(JSON.stringify(trace).includes('a.yaml'));
  assert.throws(() => wasm.trace({ files: [], config: { text: 'nodez: 1\n' } }), /unknown setting `nodez`/);
});

test('readPlan: exclusion and the size limit, decided by the core', () => {
  const plan = wasm.readPlan({
    config: 'exclude: ["vendor/**"]\nlimits: {file-bytes: 10}\n',
    dir: '/r',
    files: [
      { path: '/r/vendor/a.yaml', size: 1 },
      { path: '/r/b.yaml', size: 11 },
      { path: '/r/c.yaml', size: 10 },
    ],
  });
  assert.deepEqual(plan, { files: ['excluded', 'too-large', 'read'], fileBytes: 10 });
  assert.throws(() => wasm.readPlan({ files: [{ path: 1 }] }), /files\[0\]/);
});

test('utf16Offset converts the JSON byte offsets for editors', () => {
  const text = 'a: "ünï 🚀"\nb: x\n';
  const offset = Buffer.from(text).indexOf('b: x');
  assert.equal(wasm.utf16Offset(text, offset), text.indexOf('b: x'));
});

test('the command itself: real standard input, stdout, stderr and exit code', () => {
  const cli = path.join(REPO, 'wasm/runner/cli.js');
  const r = spawnSync(process.execPath, [cli, '-f', '-', '--stdin-filename', 'in.yaml'], { input: FLAGGED, encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /^in\.yaml:8:9: warning external-service-cluster-policy: /);
  const bad = spawnSync(process.execPath, [cli, 'nope.yaml'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr, 'error: the path "nope.yaml" does not exist\n');
});

test('the node-count notice: once, in the concise output, with how to settle it', () => {
  const anti = fs.readFileSync(path.join(REPO, 'examples/lb-local-anti-affinity.yaml'), 'utf8');
  const root = tempTree({ 'anti.yaml': anti });
  const r = run(['anti.yaml'], { cwd: root });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^note\[node-count-unknown\]: the number of eligible nodes is unknown [^\n]*`--nodes N`, or `nodes: N` in `\.realip-lint\.yaml`[^\n]*\n0 errors, 0 warnings, 0 infos in 1 file/);
  const settled = run(['anti.yaml', '--nodes', '3'], { cwd: root });
  assert.equal(settled.code, 1);
  assert.doesNotMatch(settled.stdout, /node-count-unknown/);
  assert.match(settled.stdout, /^anti\.yaml:23:13: error hard-anti-affinity-replicas-exceed-nodes: .*1 pod stays Pending$/m);
  assert.equal(JSON.parse(run(['anti.yaml', '-o', 'json'], { cwd: root }).stdout).notices[0].id, 'node-count-unknown');
});

test('explain suggests the closest rule name', () => {
  const r = run(['explain', 'pdb-block-drain']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown rule `pdb-block-drain`; did you mean `pdb-blocks-drain`\?/);
});

test('--version, --help and explain', () => {
  assert.equal(run(['--version']).stdout, `realip-lint ${wasm.version()}\n`);
  assert.match(run(['--help']).stdout, /^Find where Kubernetes manifests lose/);
  assert.equal(run(['explain', 'duplicate-object']).stdout, wasm.explain('duplicate-object'));
});

/** A tree as the CLI walks it: manifests at two levels, files that are not manifests, and every folder the walk skips. */
function walkTree() {
  return tempTree({
    'deploy/b.yaml': FLAGGED.replace('web', 'b'),
    'deploy/a.yml': FLAGGED.replace('web', 'a'),
    'deploy/README.md': '# not read\n',
    'deploy/values.txt': 'kind: Service\n',
    'deploy/app/svc.json': JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'j' }, spec: { type: 'NodePort', selector: { app: 'j' } } }),
    'deploy/app/Z.yaml': FLAGGED.replace('web', 'z'),
    'deploy/node_modules/dep/svc.yaml': FLAGGED.replace('web', 'dep'),
    'deploy/.git/svc.yaml': FLAGGED.replace('web', 'git'),
    'deploy/target/svc.yaml': FLAGGED.replace('web', 'target'),
    'deploy/.venv/lib/svc.yaml': FLAGGED.replace('web', 'venv'),
    'deploy/venv/svc.yaml': FLAGGED.replace('web', 'venv2'),
  });
}

test('a directory: its .yaml, .yml and .json files; -R every level, in byte order, named below the path given', () => {
  const root = walkTree();
  const { collectFiles } = require('./main.js');
  assert.deepEqual(collectFiles(['deploy'], { cwd: root }), ['deploy/a.yml', 'deploy/b.yaml']);
  assert.deepEqual(collectFiles(['deploy/', 'x.yaml', '-'], { cwd: root, recursive: true }), [
    'deploy/a.yml',
    'deploy/app/Z.yaml',
    'deploy/app/svc.json',
    'deploy/b.yaml',
    'x.yaml',
    '-',
  ]);
  const files = (argv) => [...new Set(JSON.parse(run([...argv, '-o', 'json'], { cwd: root }).stdout).diagnostics.map((d) => d.file))];
  assert.deepEqual(files(['deploy/']), ['deploy/a.yml', 'deploy/b.yaml']);
  assert.deepEqual(files(['-f', 'deploy', '-R']), ['deploy/a.yml', 'deploy/app/Z.yaml', 'deploy/app/svc.json', 'deploy/b.yaml']);
  assert.deepEqual(files(['--recursive', '.']), ['deploy/a.yml', 'deploy/app/Z.yaml', 'deploy/app/svc.json', 'deploy/b.yaml']);
  const r = run(['deploy', '-R'], { cwd: root });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^deploy\/app\/Z\.yaml:8:9: warning external-service-cluster-policy: /m);
  assert.match(r.stdout, / in 4 files /);
  assert.equal(r.stderr, '');
});

test('a directory walk: the config excludes files in it; a link loop is not followed; a dangling link is an error', () => {
  const root = walkTree();
  fs.writeFileSync(path.join(root, '.realip-lint.yaml'), 'exclude: ["deploy/app/**"]\n');
  assert.equal(JSON.parse(run(['deploy', '-R', '-o', 'json'], { cwd: root }).stdout).summary.files, 2);
  fs.rmSync(path.join(root, '.realip-lint.yaml'));
  fs.symlinkSync('..', path.join(root, 'deploy/app/up'));
  fs.symlinkSync('missing.yaml', path.join(root, 'deploy/gone.yaml'));
  const r = run(['deploy', '-R', '-o', 'json'], { cwd: root });
  const report = JSON.parse(r.stdout);
  const messages = report.diagnostics.map((d) => `${d.file}: ${d.message}`);
  assert.equal(report.summary.files, 5, messages.join('\n'));
  assert.ok(!messages.some((m) => m.includes('/up/')), messages.join('\n'));
  assert.ok(messages.includes(`deploy/gone.yaml: cannot read the file: ENOENT: no such file or directory, stat '${root}/deploy/gone.yaml'`), messages.join('\n'));
});

test('a directory in a git work tree: .gitignore applies (tracked and untracked files), --no-ignore walks everything', () => {
  const root = walkTree();
  const git = (...args) => {
    const r = spawnSync('git', args, { cwd: root, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: root } });
    assert.equal(r.status, 0, r.stderr);
  };
  git('init', '-q');
  fs.writeFileSync(path.join(root, '.gitignore'), 'app/\n');
  fs.mkdirSync(path.join(root, 'deploy/node_modules/x'), { recursive: true });
  fs.writeFileSync(path.join(root, 'deploy/node_modules/x/bad.yaml'), 'kind: [\n');
  git('add', 'deploy/a.yml');
  const { collectFiles } = require('./main.js');
  // a.yml tracked, b.yaml untracked: both; app/ ignored; node_modules skipped.
  assert.deepEqual(collectFiles(['deploy'], { cwd: root, recursive: true }), ['deploy/a.yml', 'deploy/b.yaml']);
  assert.deepEqual(collectFiles(['.'], { cwd: root, recursive: true }), ['deploy/a.yml', 'deploy/b.yaml']);
  assert.deepEqual(collectFiles(['deploy'], { cwd: root, recursive: true, ignoreAware: false }), [
    'deploy/.git/svc.yaml',
    'deploy/.venv/lib/svc.yaml',
    'deploy/a.yml',
    'deploy/app/Z.yaml',
    'deploy/app/svc.json',
    'deploy/b.yaml',
    'deploy/node_modules/dep/svc.yaml',
    'deploy/node_modules/x/bad.yaml',
    'deploy/target/svc.yaml',
    'deploy/venv/svc.yaml',
  ]);
  // The same files the kubectl plugin's walk reads (it honours .gitignore too): the hook and the CLI agree.
  const r = run(['-f', '.', '-R', '-o', 'json'], { cwd: root });
  assert.equal(JSON.parse(r.stdout).summary.files, 2, r.stdout);
  assert.equal(JSON.parse(run(['-f', '.', '-R', '--no-ignore', '-o', 'json'], { cwd: root }).stdout).summary.files, 10);
});

test('npx realip-lint DIR from the packed package, offline', { timeout: 120000 }, () => {
  const root = walkTree();
  const pack = spawnSync('npm', ['pack', '--silent', '--pack-destination', root], { cwd: REPO, encoding: 'utf8' });
  assert.equal(pack.status, 0, pack.stderr);
  const tgz = pack.stdout.trim().split('\n').pop();
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  assert.equal(tgz, `realip-lint-${pkg.version}.tgz`);
  const env = { ...process.env, npm_config_cache: path.join(root, '.npm'), npm_config_update_notifier: 'false' };
  const npx = (args) => spawnSync('npx', ['--yes', '--offline', `./${tgz}`, ...args], { cwd: root, encoding: 'utf8', env });
  let r = npx(['deploy/', '-R']);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /^deploy\/app\/svc\.json:1:76: info external-service-cluster-policy: /m);
  assert.match(r.stdout, / in 4 files /);
  r = npx(['deploy', '--fail-on', 'never']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, / in 2 files /);
});
