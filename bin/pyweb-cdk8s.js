#!/usr/bin/env node
// The `pyweb-cdk8s` command of the installed package (synth, plan, init): the same code as the
// library, from the same bundle.
'use strict';
process.exitCode = require('../out/index.js').cli(process.argv.slice(2));
