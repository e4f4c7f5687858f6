#!/usr/bin/env node
'use strict';
// `realip-lint`: the npm package's command and the `realip-lint` pre-commit hook's entry.
process.exitCode = require('./main.js').main(process.argv.slice(2));
