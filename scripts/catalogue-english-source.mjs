// Writes src/catalogue/translations/en.json: the catalogue's English texts keyed the way the
// translations are keyed (code, or code@status where a code is listed under several statuses), so
// translators work from one flat file and a test can compare keys and placeholders across languages.
// Run after `npm run build:local`: node scripts/catalogue-english-source.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { allCatalogueEntries, translationKey } from '../dist/src/catalogue/explain.js';

const out = {};
for (const entry of allCatalogueEntries()) {
  out[translationKey(entry)] = {
    message: entry.message,
    description: entry.description,
    solution: entry.solution,
  };
}
mkdirSync('src/catalogue/translations', { recursive: true });
writeFileSync('src/catalogue/translations/en.json', `${JSON.stringify(out, null, 2)}\n`);
console.log(`${Object.keys(out).length} entries`);
