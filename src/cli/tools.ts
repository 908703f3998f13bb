import { inspect } from 'node:util';
import { maskSettingValues } from '../config.js';
import { AppError } from '../errors.js';
import { createLogger } from '../logger.js';
import { runKeysCommand } from './keys-command.js';
import { runStoreCommand } from './store-command.js';

/** The operator's commands of the same build as the bot (`node dist/src/main.js <tool> …`). */
export const TOOLS = ['keys', 'store'] as const;
export type Tool = (typeof TOOLS)[number];

export function isTool(name: string | undefined): name is Tool {
  return (TOOLS as readonly string[]).includes(name ?? '');
}

/** Runs `tool` with `args` against the settings in `env`; resolves with the exit code. */
export async function runTool(
  tool: Tool,
  args: readonly string[],
  env: Record<string, string | undefined>,
): Promise<number> {
  // The tool's own lines go to stdout; the store's warnings, if any, to stderr as JSON.
  const logger = createLogger({ level: 'warn', destination: process.stderr });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  try {
    switch (tool) {
      case 'keys':
        return await runKeysCommand(args, env, out, logger);
      case 'store':
        return await runStoreCommand(args, env, out, logger);
    }
  } catch (error) {
    const text = error instanceof AppError ? error.message : inspect(error);
    process.stderr.write(`${maskSettingValues(`migrate-bot ${tool}: ${text}`, env)}\n`);
    return 1;
  }
}
