// Generates fleets of stack files of mixed shapes (every framework, with and without database,
// static files, media, ingress; every environment), for the benchmark and the tests.
'use strict';
const fs = require('fs');
const path = require('path');

const FRAMEWORKS = ['django', 'flask', 'fastapi', 'generic'];
const ENVIRONMENTS = ['development', 'staging', 'production'];

/** The i-th stack of a fleet, as a plain object (the same i always gives the same stack). */
function fleetStack(i) {
  const framework = FRAMEWORKS[i % FRAMEWORKS.length];
  const environment = ENVIRONMENTS[Math.floor(i / FRAMEWORKS.length) % ENVIRONMENTS.length];
  const stack = {
    name: `svc-${String(i).padStart(4, '0')}`,
    environment,
    labels: { team: `team-${i % 7}` },
    web: {
      image: `registry.example.com/svc-${i}:1.${i % 10}.0`,
      framework,
      ...(framework === 'generic' ? { command: ['uvicorn', 'app:app', '--port', '8000'] } : {}),
      env: { LOG_LEVEL: 'info', FEATURE_FLAGS: `f${i % 3}` },
    },
    secrets: environment === 'development' ? { source: 'generated', keys: ['APP_SIGNING_SALT'] } : { source: 'existing', keys: ['APP_SIGNING_SALT'] },
  };
  // Production needs a backup decision; the fleet says "none" explicitly (no extra objects).
  if (i % 2 === 0) stack.database = { storage: { size: `${5 + (i % 4) * 5}Gi` }, ...(environment === 'production' ? { backup: false } : {}) };
  if (i % 3 !== 2) stack.static = framework === 'django' ? {} : { copyFrom: '/app/static' };
  if (i % 4 === 1) stack.media = { size: '2Gi' };
  if (i % 5 === 0) stack.ingress = { host: `svc-${i}.example.com`, className: 'nginx', tls: { clusterIssuer: 'letsencrypt' } };
  return stack;
}

/** Writes n stack files (JSON is YAML) into dir. */
function writeFleet(dir, n) {
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) {
    fs.writeFileSync(path.join(dir, `svc-${String(i).padStart(4, '0')}.yaml`), `${JSON.stringify(fleetStack(i), null, 1)}\n`);
  }
}

module.exports = { fleetStack, writeFleet };
