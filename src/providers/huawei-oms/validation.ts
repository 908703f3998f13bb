import type { z } from 'zod';
import { omsError } from './words.js';

/** Fields that carry keys: a request naming them is told where keys come from instead. */
const KEY_FIELDS = new Set([
  'ak',
  'sk',
  'src_ak',
  'src_sk',
  'dst_ak',
  'dst_sk',
  'security_token',
  'src_security_token',
  'dst_security_token',
  'json_auth_file',
  'connection_string',
]);

/** `src_node.object_key[3]` */
export function issuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/**
 * One readable sentence per problem, naming the field and why. Values are never quoted: a bad field
 * may be a secret key.
 */
export function describeIssue(issue: z.core.$ZodIssue, prefix?: string): string {
  const base = issuePath(issue.path);
  const path = prefix && base ? `${prefix}.${base}` : prefix || base;
  if (issue.code === 'unrecognized_keys') {
    const where = path ? ` in ${path}` : '';
    const keys = issue.keys;
    if (keys.some((k) => KEY_FIELDS.has(k))) {
      return (
        `${keys.join(', ')} cannot be given${where}: storage keys come from the connection ` +
        '(storage.source and storage.destination)'
      );
    }
    return `unknown field${keys.length > 1 ? 's' : ''} ${keys.join(', ')}${where}`;
  }
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
    return `${path || 'the request'} is required`;
  }
  if (issue.code === 'invalid_value' && 'values' in issue) {
    return `${path} must be one of ${issue.values.map(String).join(', ')}`;
  }
  return path ? `${path} ${issue.message}` : issue.message;
}

/**
 * Parses `value` or throws an InvalidInputError listing (up to three of) the problems: the problems
 * are the schema's English, put into the reader's sentence as they are.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  const problems = issues.slice(0, 3).map((issue) => describeIssue(issue));
  const more = Math.max(0, issues.length - 3);
  throw omsError('error.huawei-oms.invalidRequest', { request: what, problems: problems.join('; '), more });
}
