#!/usr/bin/env node
'use strict';
// The `twofold` command. TypeScript sources run through tsx, so `npx twofold` works straight from a
// checkout with no build step.
require('tsx/cjs');
const { main } = require('../src/cli/main.ts');

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
