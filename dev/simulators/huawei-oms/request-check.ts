import { readJson, type SimRequest, type SimResponse } from '../kit.js';
import { bandwidthProblem } from './bandwidth-rules.js';
import { omsError } from './common.js';
import tables from './seed-request-tables.json' with { type: 'json' };

/**
 * Request bodies checked as seed 002 documents them: the "Request body parameters" tables, read
 * from the seed by scripts/extract-oms-request-tables.mjs into seed-request-tables.json (mandatory
 * fields, types, lengths, ranges, array lengths, enumerated values, forbidden characters). Never
 * the client's own schemas: a field the client gets wrong is refused here as OMS would refuse it.
 *
 * Codes, from the seed's catalogue (§6.2): OMS.0067 body not JSON, OMS.1004 a mandatory field
 * missing, OMS.0078 a forbidden character in a description, OMS.0083–0087 traffic-limiting rules
 * (bandwidth-rules.ts), OMS.0001 any other invalid value. Messages name the field, never its value.
 */
export type OmsOperation = keyof typeof tables;

interface FieldSpec {
  name: string;
  mandatory: boolean;
  type: string;
  minLength?: number;
  maxLength?: number;
  min?: number;
  max?: number;
  items?: { min: number; max: number };
  enum?: string[];
  forbiddenCharacters?: string;
}

interface OperationSpec {
  fields: FieldSpec[];
  objects: Record<string, { fields: FieldSpec[] }>;
}

const SPECS = tables as unknown as Record<OmsOperation, OperationSpec>;

export function checkRequest<T>(request: SimRequest, operation: OmsOperation): T | SimResponse {
  const body = readJson(request);
  if ((body === undefined && request.rawBody.trim() !== '') || (body !== undefined && !isObject(body))) {
    return omsError(400, 'OMS.0067');
  }
  const spec = SPECS[operation];
  const problem = checkObject(spec, '', spec.fields, (body ?? {}) as Record<string, unknown>);
  return problem ?? (body as T);
}

function checkObject(
  spec: OperationSpec,
  at: string,
  fields: readonly FieldSpec[],
  value: Record<string, unknown>,
): SimResponse | undefined {
  for (const field of fields) {
    const path = at ? `${at}.${field.name}` : field.name;
    const v = value[field.name];
    if (v === undefined || v === null) {
      if (field.mandatory) return omsError(400, 'OMS.1004', `Some required parameters are missing: ${path}.`);
      continue;
    }
    const problem = checkValue(spec, path, field, v);
    if (problem) return problem;
  }
  return undefined;
}

function checkValue(
  spec: OperationSpec,
  path: string,
  field: FieldSpec,
  v: unknown,
): SimResponse | undefined {
  const invalid = (why: string) => omsError(400, 'OMS.0001', `Invalid parameter settings: ${path} ${why}.`);
  const objectPath = path.replace(/\[\d+\]/g, '');
  if (field.type.endsWith('[]')) {
    if (!Array.isArray(v)) return invalid('must be an array');
    if (field.name === 'bandwidth_policy') {
      const problem = bandwidthProblem(v);
      if (problem) return omsError(400, problem.code, `${path}: ${problem.message}`);
    }
    if (field.items && (v.length < field.items.min || v.length > field.items.max))
      return invalid(`must have ${field.items.min} to ${field.items.max} items`);
    const itemType = field.type.slice(0, -2);
    for (const [i, item] of v.entries()) {
      const problem = checkValue(spec, `${path}[${i}]`, { ...field, type: itemType, items: undefined }, item);
      if (problem) return problem;
    }
    return undefined;
  }
  switch (field.type) {
    case 'string': {
      if (typeof v !== 'string') return invalid('must be a string');
      if (field.minLength !== undefined && v.length < field.minLength)
        return invalid(`must have at least ${field.minLength} characters`);
      if (field.maxLength !== undefined && v.length > field.maxLength)
        return invalid(`must have at most ${field.maxLength} characters`);
      if (field.enum && !field.enum.includes(v)) return invalid(`must be one of ${field.enum.join(', ')}`);
      if (field.forbiddenCharacters && [...field.forbiddenCharacters].some((c) => v.includes(c)))
        return omsError(400, 'OMS.0078', `${path} must not contain any of ${field.forbiddenCharacters}`);
      return undefined;
    }
    case 'integer':
    case 'number': {
      if (typeof v !== 'number' || !Number.isFinite(v) || (field.type === 'integer' && !Number.isInteger(v)))
        return invalid(`must be ${field.type === 'integer' ? 'an integer' : 'a number'}`);
      if ((field.min !== undefined && v < field.min) || (field.max !== undefined && v > field.max))
        return invalid(`must be between ${field.min ?? '−∞'} and ${field.max ?? '∞'}`);
      return undefined;
    }
    case 'boolean':
      return typeof v === 'boolean' ? undefined : invalid('must be true or false');
    default: {
      if (!isObject(v)) return invalid('must be an object');
      const nested = spec.objects[objectPath];
      return nested ? checkObject(spec, path, nested.fields, v) : undefined;
    }
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
