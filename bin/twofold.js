#!/usr/bin/env node
'use strict';
// The `twofold` command. From a checkout (sources and tsx present) the TypeScript sources run through
// tsx, so `npx twofold` needs no build step and a stale dist/ never shadows edited code. Where there
// is no TypeScript runtime (the production image: `npm run build`, then dev dependencies pruned), it
// runs the compiled JavaScript in dist/.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const source = path.join(root, 'src', 'cli', 'main.ts');
const compiled = path.join(root, 'dist', 'cli', 'main.js');

function hasTsx() {
  try {
    require.resolve('tsx/cjs');
    return true;
  } catch {
    return false;
  }
}

let entry;
if (fs.existsSync(source) && hasTsx()) {
  require('tsx/cjs');
  entry = source;
} else if (fs.existsSync(compiled)) {
  entry = compiled;
} else {
  console.error('twofold: no compiled build (dist/) and no TypeScript runtime. Fix: npm ci && npm run build');
  process.exit(1);
}
const { main } = require(entry);

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
