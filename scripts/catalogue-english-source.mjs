// Writes each provider's src/providers/<id>/catalogue/en.json: the catalogue's English texts keyed
// the way the translations beside it are keyed (code, or code@status where a code is listed under
// several statuses), so translators work from one flat file per provider and a test can compare keys
// and placeholders across languages.
// Run after `npm run build:local`: node scripts/catalogue-english-source.mjs
import { writeFileSync } from 'node:fs';
import { allCatalogueEntries, translationKey } from '../dist/src/catalogue/explain.js';

const byProvider = new Map();
for (const entry of allCatalogueEntries()) {
  const out = byProvider.get(entry.provider) ?? {};
  out[translationKey(entry)] = {
    message: entry.message,
    description: entry.description,
    solution: entry.solution,
  };
  byProvider.set(entry.provider, out);
}
for (const [provider, out] of byProvider) {
  writeFileSync(`src/providers/${provider}/catalogue/en.json`, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`${provider}: ${Object.keys(out).length} entries`);
}
