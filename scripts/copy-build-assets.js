#!/usr/bin/env node
'use strict';
// Second half of `npm run build`: tsc compiles src/ to dist/; this copies what tsc does not (the SQL
// migrations, the dashboard's static files), so dist/ runs on its own.
// Usage: node scripts/copy-build-assets.js [outDir]   (default dist)
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const outDir = path.resolve(root, process.argv[2] || 'dist');
const source = path.join(root, 'src');

fs.cpSync(source, outDir, {
  recursive: true,
  filter: (from) => fs.statSync(from).isDirectory() || !from.endsWith('.ts'),
});
console.log(`assets copied from src/ to ${path.relative(root, outDir) || '.'}`);
