#!/usr/bin/env node
'use strict';
// Prints the plain closing line CI reads, "N passed, N failed[, N skipped]", from Jest's --json
// output. When Jest never ran (lint or typecheck failed first) it reports one failure.
const fs = require('node:fs');

const [file, status] = process.argv.slice(2);
let results;
try {
  results = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch {
  console.log(`0 passed, ${status === '0' ? 0 : 1} failed`);
  process.exit(0);
}
const skipped = results.numPendingTests + results.numTodoTests;
// A suite that failed to load counts as a failure even though it ran no test.
const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
console.log(`${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
