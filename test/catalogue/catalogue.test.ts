import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  type CatalogueEntry,
  catalogueSize,
  explain,
  explainForDisplay,
  gatewayEntries,
} from '../../src/catalogue/explain.js';
import { providerDefinitions } from '../../src/providers/registry.js';
import rowStarts from '../fixtures/oms-error-row-starts.json' with { type: 'json' };
import { crossCheckSkippedWithout, OMS_SEED, seedText as readSeed } from '../helpers/seeds.js';

type OmsRow = Omit<CatalogueEntry, 'provider' | 'httpStatus'> & { httpStatus: number };

const jsonPath = path.resolve(process.cwd(), 'src/catalogue/oms-error-codes.json');
const scriptPath = path.resolve(process.cwd(), 'scripts/extract-error-catalogue.mjs');

/** Seed 002's text where it lies beside the checkout; the tests that need it are skipped otherwise. */
const seedText = readSeed(OMS_SEED);
const jsonText = readFileSync(jsonPath, 'utf8');
const rows = JSON.parse(jsonText) as OmsRow[];

/**
 * Codes that start a table row in section 6.2, read straight from the seed so that the catalogue is
 * checked against the source and not against the extractor's own idea of it. A row starts with the HTTP
 * status and the code ("400 OMS.0063 The task is in"); after a page break the line has a leading space.
 */
function rowStartsInSection62(text: string): Array<{ code: string; httpStatus: number }> {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.trim() === '6.2 Error Codes');
  const end = lines.findIndex((line, i) => i > start && /^\s*6\.3\s/.test(line));
  expect(start).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(start);
  const found: Array<{ code: string; httpStatus: number }> = [];
  for (const line of lines.slice(start, end)) {
    const match = /^\s*([1-5]\d\d) ((?:S3M|TRF|CMM|OMS)\.\d{4})\b/.exec(line);
    if (match?.[1] && match[2]) found.push({ httpStatus: Number(match[1]), code: match[2] });
  }
  return found;
}

function row(code: string, httpStatus?: number): OmsRow {
  const found = rows.find(
    (r) => r.code === code && (httpStatus === undefined || r.httpStatus === httpStatus),
  );
  if (!found) throw new Error(`${code} is not in the catalogue`);
  return found;
}

describe('OMS error catalogue data', () => {
  it('contains every code that starts a row of section 6.2, with its HTTP status', () => {
    // Read from the seed's table by rowStartsInSection62 (cross-checked below where the seed is).
    const expected = rowStarts;
    expect(expected.length).toBeGreaterThanOrEqual(300);
    const missing = expected.filter(
      (e) => !rows.some((r) => r.code === e.code && r.httpStatus === e.httpStatus),
    );
    expect(missing).toEqual([]);
    for (const e of expected) expect(explain(e.code, e.httpStatus)?.httpStatus).toBe(e.httpStatus);
  });

  it('is sorted by code and has one row per code and status', () => {
    const keys = rows.map((r) => `${r.code} ${r.httpStatus}`);
    expect(new Set(keys).size).toBe(keys.length);
    const codes = rows.map((r) => r.code);
    expect(codes).toEqual([...codes].sort());
  });

  it('has clean, single-line text without page furniture', () => {
    for (const r of rows) {
      expect(r.message, r.code).not.toBe('');
      expect(r.solution, r.code).not.toBe('');
      for (const text of [r.message, r.description, r.solution]) {
        expect(text, r.code).not.toMatch(/ {2}|\n|\r|\t/);
        expect(text, r.code).toBe(text.trim());
        expect(text, r.code).not.toMatch(
          /Copyright|Issue 01|Huawei Technologies|Object Storage Migration Service|API Reference 6|Error Code Error|Description Solution/,
        );
      }
    }
  });

  it('keeps the cells of rows checked by hand against the seed', () => {
    expect(row('OMS.0063')).toEqual({
      code: 'OMS.0063',
      httpStatus: 400,
      message: 'The task is in progress. Pause the task and then delete it.',
      description: 'The task is in progress. It cannot be deleted.',
      solution: 'Pause the task and then delete it.',
    });
    expect(row('OMS.0068').message).toMatch(/^Token authentication failed/);
    expect(row('S3M.1012')).toMatchObject({
      httpStatus: 200,
      message: 'The number of object assessments that can be created each time cannot exceed 50.',
      description: 'You can create a maximum of 50 object assessments at a time.',
      solution: 'Modify the number of objects to be assessed and try again.',
    });
  });

  it('splits cells that the PDF dump glued onto one line', () => {
    // "System error. Click "Restart" to": a one-line description next to the solution's first line.
    expect(row('TRF.0001')).toMatchObject({
      httpStatus: 200,
      message: 'System error. Click Restart to restart the migration task.',
      description: 'System error.',
      solution: 'Click "Restart" to restart the migration task.',
    });
    // "Illegal token Invalid token. Check the": message, description and solution on one line.
    expect(row('CMM.0154')).toMatchObject({
      message: 'Illegal token',
      description: 'Invalid token.',
      solution: 'Check the authorization information.',
    });
    expect(row('OMS.9999')).toMatchObject({
      httpStatus: 401,
      message: 'no auth',
      description: 'Authentication failed.',
      solution: 'Complete authentication first.',
    });
  });

  it('rejoins words and identifiers split across lines, and keeps real hyphens', () => {
    expect(row('OMS.0093').message).toBe('The synchronization task has been deleted.');
    expect(row('OMS.0094').message).toContain('in the non-synchronizing state');
    expect(row('S3M.1037').message).toBe('project task group exceed maxTaskGroupOneDayOneProject.');
    expect(row('S3M.0086').message).toBe('Failed to update bandwidth_policy.');
    expect(row('TRF.0019').solution).toContain('Content-Encoding is not set');
    expect(row('TRF.0401').solution).toContain('/etc/oms/logs/oper directory');
    // Words that merely wrap stay apart.
    expect(row('OMS.0204').message).toBe(
      'Real-name authentication is required for this operation. Complete real-name authentication.',
    );
  });

  it('survives page breaks inside the table', () => {
    // TRF.0002 is followed by a repeated table header, OMS.0001 by a page footer.
    expect(row('TRF.0002').solution).toBe('Check the failed object list or contact customer service.');
    expect(row('OMS.0001').solution).toBe('Modify the request parameters.');
    expect(row('OMS.0002').message).toBe('Invalid parameter format. Modify the parameter format.');
  });

  it('keeps a code listed under two statuses, and rows whose code wraps', () => {
    expect(row('OMS.0095', 400).solution).toBe('Check the access permissions.');
    expect(row('OMS.0095', 403).solution).toBe('Check whether you have the required permissions.');
    expect(row('OMS_INTERNAL.002000').message).toBe('Failed to upload the file.');
  });

  it('leaves out section 6.3 (out-of-date codes)', () => {
    expect(rows.some((r) => r.code === 'TRF.0006')).toBe(false);
  });
});

describe.skipIf(seedText === undefined)('OMS error catalogue against the seed text', () => {
  it('has the committed row starts of section 6.2, re-read from seed 002 here', () => {
    expect(rowStartsInSection62(seedText!)).toEqual(rowStarts);
  });

  it('is exactly what the extractor produces from the seed', async () => {
    const script = (await import(pathToFileURL(scriptPath).href)) as {
      extractCatalogue: (seedText: string) => unknown[];
    };
    const extracted = script.extractCatalogue(seedText!);
    expect(`${JSON.stringify(extracted, null, 2)}\n`).toBe(jsonText);
  });
});
crossCheckSkippedWithout(OMS_SEED, seedText);

describe('explain', () => {
  it('is case-insensitive and ignores surrounding whitespace', () => {
    const entry = explain('OMS.0063');
    expect(entry?.provider).toBe('huawei-oms');
    expect(explain('  oms.0063\n')).toEqual(entry);
    expect(explain('trf.0001')?.code).toBe('TRF.0001');
  });

  it('picks the entry for the response status when a code has two', () => {
    expect(explain('OMS.0095', 403)?.httpStatus).toBe(403);
    expect(explain('OMS.0095')?.httpStatus).toBe(400);
  });

  it('resolves Huawei API Gateway codes', () => {
    expect(explain('apigw.0301')).toMatchObject({
      code: 'APIGW.0301',
      httpStatus: 401,
      provider: 'huawei-oms',
    });
    expect(explain('APIGW.0301')?.solution).toMatch(/15 minutes/);
    expect(explain('APIGW.0301')?.description).toMatch(/canonical request/);
    for (const code of ['APIGW.0101', 'APIGW.0302', 'APIGW.0303', 'APIGW.0308']) {
      expect(explain(code)?.code).toBe(code);
    }
  });

  it('resolves NCP gateway codes written as NCP.200 or ncp:200', () => {
    const entry = explain('NCP.200');
    expect(entry).toMatchObject({ httpStatus: 401, message: 'Authentication Failed', provider: 'ncp' });
    expect(explain('ncp:200')).toEqual(entry);
    expect(explain('ncp.430')).toMatchObject({ httpStatus: 413, message: 'Request Entity Too Large' });
    expect(explain('NCP:900')?.httpStatus).toBe(500);
  });

  it('resolves a bare known NCP code as the gateway sends it ("errorCode":"200"), and no unknown number', () => {
    expect(explain('200')).toEqual(explain('NCP.200'));
    expect(explain(' 0410 ')?.code).toBe('NCP.410');
    expect(explain('999')).toBeUndefined();
    expect(explainForDisplay('999')).toMatchObject({ code: '999', known: false });
  });

  it('resolves UpCloud codes, with or without the ERROR_ prefix of problem+json types', () => {
    expect(explain('insufficient_credits')).toMatchObject({ httpStatus: 402, provider: 'upcloud' });
    expect(explain('ERROR_RESOURCE_NOT_FOUND')?.code).toBe('RESOURCE_NOT_FOUND');
    expect(explain('RESOURCE_CONFLICT')?.httpStatus).toBe(409);
    expect(explain('BAD_REQUEST')?.httpStatus).toBe(400);
    expect(explain('AUTHENTICATION_FAILED')?.httpStatus).toBe(401);
    expect(explain('FORBIDDEN')?.httpStatus).toBe(403);
  });

  it('returns undefined for unknown codes', () => {
    expect(explain('OMS.4242')).toBeUndefined();
    expect(explain('')).toBeUndefined();
  });

  it("counts every registered provider's service and gateway codes, OMS's rows among them", () => {
    // Any provider may have a table of its own (serviceCodes) or none: each is counted as declared.
    const declared = providerDefinitions().map(
      (d) => (d.catalogue?.serviceCodes?.length ?? 0) + (d.catalogue?.gatewayCodes?.length ?? 0),
    );
    expect(catalogueSize()).toBe(declared.reduce((a, b) => a + b, 0));
    expect(catalogueSize()).toBeGreaterThanOrEqual(rows.length + gatewayEntries.length);
    for (const r of rows) expect(explain(r.code, r.httpStatus)?.httpStatus, r.code).toBe(r.httpStatus);
  });
});

describe('explainForDisplay', () => {
  it('shows a known code with its solution', () => {
    expect(explainForDisplay(' oms.0063 ')).toEqual({
      code: 'OMS.0063',
      known: true,
      title: 'OMS.0063: The task is in progress. Pause the task and then delete it.',
      description: 'The task is in progress. It cannot be deleted.',
      solution: 'Pause the task and then delete it.',
    });
  });

  it('says plainly when a code is not in the catalogue', () => {
    expect(explainForDisplay('oms.4242')).toEqual({
      code: 'OMS.4242',
      known: false,
      title:
        'Unknown error code OMS.4242 — not in the OMS error catalogue; check the provider console or contact support.',
    });
    expect(explainForDisplay('NOPE_42').title).toBe(
      'Unknown error code NOPE_42 — not in the error catalogue; check the provider console or contact support.',
    );
  });

  it('handles a missing code', () => {
    const display = explainForDisplay(undefined);
    expect(display.known).toBe(false);
    expect(display.title).toMatch(/No error code/);
    expect(explainForDisplay('   ').known).toBe(false);
  });
});
