import { z } from 'zod';
import { InvalidInputError } from '../../../errors.js';

export const approvalId = z.string().regex(/^[a-f0-9]{10}$/);

/** The request id a decision button carries (never trusted for anything else). */
export function requestIdOf(value: string | undefined): string {
  const id = approvalId.safeParse(value);
  if (!id.success) throw InvalidInputError.of('error.oldButton');
  return id.data;
}
