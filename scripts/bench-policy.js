// Part of `npm run bench`: the policy checks (every rule) over one large output at once, the
// objects of a whole fleet in one array, in process: the cross-reference indexes must keep it
// linear. Usage: bench-policy.js <objects.json>; prints the milliseconds and the findings.
'use strict';
const fs = require('fs');
const { checkPolicy } = require('../build/bench.js');

const objects = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')).flatMap((f) => f.objects);
const start = process.hrtime.bigint();
const findings = checkPolicy(objects);
const ms = Number(process.hrtime.bigint() - start) / 1e6;
process.stdout.write(`${JSON.stringify({ ms, objects: objects.length, findings: findings.length })}\n`);
