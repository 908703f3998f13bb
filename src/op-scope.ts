import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The op id of the request whose work is running, carried through its async calls: the
 * process-level handlers (main.ts) log an unexpected rejection with the op id of the request it
 * came from, the same id its reply quotes.
 */
const opScope = new AsyncLocalStorage<{ op: string }>();

/**
 * From here on, this async call chain (and every promise it creates) belongs to request `op`.
 * Called once per request where its handler context is made; other requests have their own chain.
 */
export function enterOp(op: string): void {
  opScope.enterWith({ op });
}

/** The op id of the request this code runs for, if any. */
export function currentOp(): string | undefined {
  return opScope.getStore()?.op;
}
