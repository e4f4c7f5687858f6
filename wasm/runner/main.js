'use strict';
// The Node runner of realip-lint: what the `realip-lint` pre-commit hook and `npx realip-lint`
// run. It does the I/O only (arguments, files, the config file's place); every decision (config
// parsing, `exclude` globs, Helm charts, the lint, the output, the exit code) is the lint core's,
// reached through the Wasm module, exactly as the kubectl plugin reaches it natively.

const fs = require('node:fs');
const path = require('node:path');
const childProcess = require('node:child_process');
const { parseArgs } = require('node:util');

const wasm = require('../pkg/node/realip_lint_wasm.js');

const USAGE = `Find where Kubernetes manifests lose the client's source IP, and how to fix it.

Usage: realip-lint [OPTIONS] [-f PATH]... [PATH]...
       realip-lint explain <RULE>

Lints the files given (what pre-commit passes) and the .yaml, .yml and .json files of the
directories given (every level with -R; in a git work tree what .gitignore ignores is left out, and
node_modules, .git, target and virtual environments are skipped everywhere).

Options:
  -f, --filename <PATH>      a manifest file, a directory, or - for standard input (repeatable; comma-separated too)
  -R, --recursive            walk the directories given into every subdirectory
      --no-ignore            walk directories without honouring .gitignore (in a git work tree) and without skipping node_modules, target, …
  -n, --namespace <NS>       the namespace of objects that name none
      --stdin-filename <N>   the file name to report for standard input
      --nodes <N>            eligible nodes, when the input has no Node objects (wins over the config file)
      --cloud <NAME>         the load-balancer provider a plain type: LoadBalancer gets (wins over the config file)
      --config <FILE>        the config file (default: .realip-lint.yaml in the working directory or above)
  -o, --output <FORMAT>      concise (default: file:line:col: severity rule: message), or any of
                             ${wasm.formats().join(', ')}: the bytes of \`kubectl realip-lint -o FORMAT\`
      --fail-on <LEVEL>      exit 1 at or above: error, warning (default, or the config file's), info, never
  -h, --help                 print this
  -V, --version              print the version

Exit codes: 0 nothing at or above the fail level, 1 findings at or above it, 2 usage error.
`;

const OPTIONS = {
  filename: { type: 'string', short: 'f', multiple: true },
  recursive: { type: 'boolean', short: 'R' },
  'no-ignore': { type: 'boolean' },
  namespace: { type: 'string', short: 'n' },
  'stdin-filename': { type: 'string' },
  nodes: { type: 'string' },
  cloud: { type: 'string' },
  config: { type: 'string' },
  output: { type: 'string', short: 'o' },
  'fail-on': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
};

function isFile(p) {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** `--config`, else the first config file from `cwd` upward: `{name, dir, text}` or `{name, dir, error}`. */
function loadConfig(explicit, cwd) {
  let file = explicit;
  if (file === undefined) {
    for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
      file = wasm.configFileNames().map((n) => path.join(dir, n)).find(isFile);
      if (file !== undefined || path.dirname(dir) === dir) break;
    }
    if (file === undefined) return undefined;
  }
  const abs = path.resolve(cwd, file);
  let dir = '';
  try {
    dir = path.dirname(fs.realpathSync(abs));
  } catch {
    // unreadable: reported below
  }
  try {
    return { name: file, dir, text: fs.readFileSync(abs, 'utf8') };
  } catch (e) {
    return { name: file, dir, error: e.message };
  }
}

/** Read at most `cap` bytes of a stream (standard input, a pipe): one over the limit tells it is too large. */
function readCapped(fd, cap) {
  const chunks = [];
  let total = 0;
  const buffer = Buffer.alloc(64 * 1024);
  while (total < cap) {
    let n;
    try {
      n = fs.readSync(fd, buffer, 0, Math.min(buffer.length, cap - total), null);
    } catch (e) {
      if (e.code === 'EAGAIN') continue;
      if (e.code === 'EOF') break;
      throw e;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buffer.subarray(0, n)));
    total += n;
  }
  return Buffer.concat(chunks);
}

function readStream(path, cap) {
  const fd = fs.openSync(path, 'r');
  try {
    return readCapped(fd, cap);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Folders a directory walk never enters (as the kubectl plugin's walk): version control, tools'
 * caches and dependency trees, which hold other projects' YAML.
 */
const SKIPPED_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules', 'target', '.venv', 'venv', '.tox', '.direnv', '__pycache__', '.terraform']);
const MANIFEST_EXT = new Set(['.yaml', '.yml', '.json']);

/**
 * The inputs with each directory replaced by its manifests, as the kubectl plugin walks them: the
 * `.yaml`, `.yml` and `.json` files directly in it (every level with `recursive`), in byte order
 * of their names, named as given joined with the path below (`deploy/` + `app/svc.yaml`); links
 * are followed, except a link back to a folder being walked. A file or `-` given stays as it is.
 * A manifest name that cannot be read (a dangling link) is `{name, error}`, an error as in the
 * CLI; a link loop and a named pipe or socket are left out (the CLI's notes about them are
 * info-level, and the module reports an unreadable file as an error).
 */
function collectFiles(given, { cwd, recursive = false, ignoreAware = true }) {
  const byName = (a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const out = [];
  const walk = (dir, name, ancestors) => {
    let entries;
    try {
      entries = fs.readdirSync(dir).sort(byName);
    } catch (e) {
      out.push({ name: name.replace(/\/$/, ''), error: `cannot read the directory: ${e.message}` });
      return;
    }
    for (const entry of entries) {
      const abs = path.join(dir, entry);
      const shown = `${name}${entry}`;
      let stat;
      try {
        stat = fs.statSync(abs);
      } catch (e) {
        if (MANIFEST_EXT.has(path.extname(entry))) out.push({ name: shown, error: e.message });
        continue;
      }
      if (stat.isDirectory()) {
        if (!recursive || (ignoreAware && SKIPPED_DIRS.has(entry))) continue;
        const real = fs.realpathSync(abs);
        if (!ancestors.includes(real)) walk(abs, `${shown}/`, [...ancestors, real]);
      } else if (stat.isFile() && MANIFEST_EXT.has(path.extname(entry))) {
        out.push(shown);
      }
    }
  };
  for (const name of given) {
    let stat;
    try {
      stat = name === '-' ? undefined : fs.statSync(path.resolve(cwd, name));
    } catch {
      stat = undefined;
    }
    if (stat === undefined || !stat.isDirectory()) {
      out.push(name);
      continue;
    }
    const abs = path.resolve(cwd, name);
    // `.` names files as the working directory's (`deploy/web.yaml`), as the kubectl plugin does.
    const shown = name === '.' || name === './' ? '' : name.endsWith('/') ? name : `${name}/`;
    const tracked = ignoreAware ? gitFiles(abs, recursive) : undefined;
    if (tracked === undefined) walk(abs, shown, [fs.realpathSync(abs)]);
    else out.push(...tracked.map((rel) => `${shown}${rel}`));
  }
  return out;
}

/** Compare two relative paths as a sorted depth-first walk meets them: component by component. */
function walkOrder(a, b) {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const c = Buffer.compare(Buffer.from(x[i]), Buffer.from(y[i]));
    if (c !== 0) return c;
  }
  return x.length - y.length;
}

/**
 * The manifests of a directory as git sees them (tracked, and untracked but not ignored: so
 * `.gitignore`, `.git/info/exclude` and the global excludes apply, as in the kubectl plugin's
 * walk), relative to it and in walk order; `undefined` outside a git work tree or without git.
 */
function gitFiles(dir, recursive) {
  // Paths come relative to `dir` (its working directory), and `.` keeps them below it.
  const ran = childProcess.spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '.'], {
    cwd: dir,
    encoding: 'buffer',
    maxBuffer: 1 << 30,
  });
  if (ran.error || ran.status !== 0) return undefined;
  const real = fs.realpathSync(dir);
  const files = new Set();
  for (const rel of ran.stdout.toString('utf8').split('\0')) {
    if (rel === '') continue;
    const parts = rel.split('/');
    if (!recursive && parts.length > 1) continue;
    if (parts.slice(0, -1).some((p) => SKIPPED_DIRS.has(p)) || !MANIFEST_EXT.has(path.extname(rel))) continue;
    let stat;
    try {
      stat = fs.statSync(path.join(real, rel));
    } catch {
      continue; // deleted from the working tree
    }
    if (stat.isFile()) files.add(rel);
  }
  return [...files].sort(walkOrder);
}

/**
 * The sources of the files given, in order, as the CLI reads them: the core says which the config
 * excludes and which are over the size limit (`readPlan`), decodes the bytes and names the Helm
 * chart (`chartOf`); usage errors are collected, and the rest is still read.
 */
function readSources(given, { cwd, config, stdin = (cap) => readCapped(0, cap), stdinName }) {
  const found = given.map((name) => {
    if (typeof name !== 'string') return { ready: name }; // unreadable, found by collectFiles
    if (name === '-') return { name, stdin: true };
    const abs = path.resolve(cwd, name);
    let stat;
    try {
      stat = fs.statSync(abs);
    } catch {
      return { name, missing: true };
    }
    let real;
    try {
      real = fs.realpathSync(abs);
    } catch {
      real = undefined;
    }
    return { name, abs, real, stat };
  });
  const planned = found.filter((f) => f.stat && !f.stat.isDirectory() && f.real !== undefined);
  const readable = config && config.text !== undefined;
  const plan = wasm.readPlan({
    config: readable ? config.text : undefined,
    dir: readable ? config.dir : undefined,
    files: planned.map((f) => ({ path: f.real, size: f.stat.isFile() ? f.stat.size : 0 })),
  });
  planned.forEach((f, i) => (f.plan = plan.files[i]));
  const cap = plan.fileBytes + 1;

  const files = [];
  const errors = [];
  let stdinRead = false;
  for (const f of found) {
    if (f.ready) {
      files.push(f.ready);
    } else if (f.stdin) {
      if (stdinRead) {
        errors.push('standard input (`-f -`) can be given only once');
        continue;
      }
      stdinRead = true;
      const name = stdinName ?? '<stdin>';
      try {
        files.push({ name, bytes: stdin(cap) });
      } catch (e) {
        files.push({ name, error: e.message });
      }
    } else if (f.missing) {
      errors.push(`the path "${f.name}" does not exist`);
    } else if (f.stat.isDirectory()) {
      errors.push(`${f.name}: is a directory; the Node runner lints the files it is given (for a directory: kubectl realip-lint -f ${f.name} -R)`);
    } else if (f.plan === 'excluded') {
      continue;
    } else if (f.plan === 'too-large') {
      files.push({ name: f.name, size: f.stat.size });
    } else {
      const chart = f.real === undefined ? undefined : wasm.chartOf(f.real, isFile);
      let file;
      try {
        file = { name: f.name, bytes: f.stat.isFile() ? fs.readFileSync(f.abs) : readStream(f.abs, cap) };
      } catch (e) {
        file = { name: f.name, error: e.message };
      }
      files.push(chart === undefined ? file : { ...file, chart });
    }
  }
  return { files, errors };
}

/**
 * Run the command line `argv` (without `node` and the script). `io` gives the working directory,
 * standard input (a function returning a Buffer) and the two output streams (functions taking a
 * string). Returns the exit code.
 */
function main(argv, io = {}) {
  const cwd = io.cwd ?? process.cwd();
  const out = io.stdout ?? ((s) => process.stdout.write(s));
  const err = io.stderr ?? ((s) => process.stderr.write(s));
  const stdin = io.stdin ?? ((cap) => readCapped(0, cap));
  const usage = (message) => {
    err(`error: ${message}\n\nUsage: realip-lint [OPTIONS] [-f FILE]... [FILE]...   (--help for more)\n`);
    return 2;
  };

  if (argv[0] === 'explain') {
    if (argv.length !== 2) return usage('`explain` takes one rule name');
    try {
      out(wasm.explain(argv[1]));
      return 0;
    } catch (e) {
      err(`error: ${e.message}\n`);
      return 2;
    }
  }
  let args;
  try {
    args = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    return usage(e.message);
  }
  const o = args.values;
  if (o.help) {
    out(USAGE);
    return 0;
  }
  if (o.version) {
    out(`realip-lint ${wasm.version()}\n`);
    return 0;
  }
  const given = (o.filename ?? []).flatMap((f) => f.split(',')).concat(args.positionals);
  if (given.length === 0) {
    return usage('no input: give manifests with -f <file|dir|->, or as arguments');
  }
  if (o.nodes !== undefined && !/^[1-9][0-9]*$/.test(o.nodes)) {
    return usage(`invalid value '${o.nodes}' for '--nodes <N>': a whole number of nodes, at least 1`);
  }

  const config = loadConfig(o.config, cwd);
  const { files, errors } = readSources(collectFiles(given, { cwd, recursive: o.recursive, ignoreAware: !o['no-ignore'] }), { cwd, config, stdin, stdinName: o['stdin-filename'] });
  const request = {
    files,
    config: config && (config.text !== undefined ? { name: config.name, text: config.text } : { name: config.name, error: config.error }),
    nodes: o.nodes === undefined ? undefined : Number(o.nodes),
    namespace: o.namespace,
    cloud: o.cloud,
    failOn: o['fail-on'],
    output: o.output ?? 'concise',
    cwd: path.resolve(cwd),
    errors,
  };
  let result;
  try {
    result = wasm.run(request);
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) throw e; // a bug in the core, not a usage error
    return usage(e.message);
  }
  out(result.output);
  for (const e of result.errors) err(`error: ${e}\n`);
  return result.exitCode;
}

module.exports = { main, loadConfig, readSources, collectFiles, OPTIONS };
