import { InvalidInputError } from '../errors.js';
import type { FormValues } from '../providers/definition.js';

/**
 * The details of a request to create a migration (a workflow step's "details" input, the API's
 * `details`): the create form's fields as text, one `field: value` a line, where the field is its
 * id (`src_bucket`) or its label (`Source bucket`).
 * A line that does not start with a field continues the previous one, so the form's multi-line
 * fields (objects or prefixes, bandwidth windows) are written as they are in the modal:
 *
 *     src_objects: photos/
 *     logs/
 *     bandwidth: 00:00-06:00=200MB/s
 */
export function parseDetails(
  text: string,
  labels: Readonly<Record<string, string>>,
  what: string,
): FormValues {
  const byName = new Map<string, string>();
  for (const [field, label] of Object.entries(labels)) {
    byName.set(field.toLowerCase(), field);
    byName.set(label.toLowerCase(), field);
  }
  const values: Record<string, string> = {};
  let current: string | undefined;
  const lines = text.split(/\r?\n/);
  if (lines.length > 200)
    throw new InvalidInputError(`The details of ${what} have ${lines.length} lines; 200 at most.`);
  lines.forEach((line, index) => {
    const colon = line.indexOf(':');
    const field = colon > 0 ? byName.get(line.slice(0, colon).trim().toLowerCase()) : undefined;
    if (field) {
      current = field;
      values[field] = line.slice(colon + 1).trim();
      return;
    }
    if (line.trim() === '') return;
    if (!current) {
      throw new InvalidInputError(
        `Line ${index + 1} of the details does not start with a field of ${what}. ` +
          `Write one \`field: value\` a line; the fields are ${Object.keys(labels).join(', ')}.`,
      );
    }
    values[current] = values[current] ? `${values[current]}\n${line.trim()}` : line.trim();
  });
  return values;
}
