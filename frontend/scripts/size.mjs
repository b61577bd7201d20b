#!/usr/bin/env node
// Fails when the first route's JavaScript, gzipped, exceeds the budget.
// The first route is what index.html loads before anything is lazy: the entry
// chunk and every chunk it imports statically (Vite's manifest), recursively.
// Charts (ECharts), exports (jsPDF, XLSX) and the other screens are dynamic
// imports and do not count. Run after `vite build` (npm run size does both).
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const budget = Number(process.env.SIZE_BUDGET_KB ?? 300) * 1024;
const manifestPath = join(dist, '.vite', 'manifest.json');
if (!existsSync(manifestPath)) {
  console.error('size: dist/.vite/manifest.json is missing; run `npm run build` first');
  process.exit(2);
}
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const entries = Object.entries(manifest).filter(([, c]) => c.isEntry);
if (entries.length !== 1) {
  console.error(`size: expected one entry in the manifest, found ${entries.length}`);
  process.exit(2);
}
const seen = new Set();
const files = [];
const walk = (key) => {
  if (seen.has(key)) return;
  seen.add(key);
  const c = manifest[key];
  if (!c) return;
  if (c.file.endsWith('.js')) files.push(c.file);
  for (const k of c.imports ?? []) walk(k);
};
walk(entries[0][0]);

let total = 0;
const rows = files.map((f) => {
  const buf = readFileSync(join(dist, f));
  const gz = gzipSync(buf, { level: 9 }).length;
  total += gz;
  return { file: f, raw: buf.length, gzip: gz };
});
const kb = (n) => (n / 1024).toFixed(1) + ' KB';
for (const r of rows) console.log(`  ${r.file.padEnd(44)} ${kb(r.raw).padStart(10)} raw  ${kb(r.gzip).padStart(9)} gzip`);
const lazy = Object.values(manifest).filter((c) => c.file.endsWith('.js') && !files.includes(c.file)).length;
console.log(`first route: ${files.length} JS file(s), ${kb(total)} gzipped (budget ${kb(budget)}); ${lazy} lazy chunk(s) not counted`);
if (total > budget) {
  console.error(`size: FAIL — the first route's JavaScript is ${kb(total)} gzipped, over the ${kb(budget)} budget`);
  process.exit(1);
}
console.log('size: OK');
