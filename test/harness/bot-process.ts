import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { until } from './until.js';

/**
 * `node dist/src/main.js` (the compiled entry point, as `npm start` and the image run it) as a
 * child process with exactly the environment given: nothing leaks in from the test runner's own.
 * Output is kept for assertions; every wait is bounded.
 */
export class BotProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly #exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(dist: string, env: Record<string, string>, options: { cwd: string; nodeArgs?: string[] }) {
    this.child = spawn(process.execPath, [...(options.nodeArgs ?? []), path.join(dist, 'src', 'main.js')], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: options.cwd, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => {
      this.stdout += chunk.toString();
    });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.#exit = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  get output(): string {
    return this.stdout + this.stderr;
  }

  /** The JSON log lines on stdout. */
  logLines(): Record<string, unknown>[] {
    return this.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** Resolves with the exit; a process still running after `timeoutMs` is killed and the wait fails. */
  async exited(timeoutMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([this.#exit, timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      await this.kill();
      throw new Error(`still running after ${timeoutMs} ms; output:\n${this.output.slice(-3000)}`);
    }
    return outcome;
  }

  /** Waits (polling, bounded) until the output matches; fails early if the process exits first. */
  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    const seen = () => {
      const match = this.output.match(pattern);
      if (match) return match;
      if (this.child.exitCode !== null || this.child.signalCode !== null)
        throw new Error(`exited (${this.child.exitCode}) before ${pattern}`);
      return undefined;
    };
    return until(seen, { what: `${pattern}`, timeoutMs }).catch((error: Error) => {
      throw new Error(`${error.message}; output:\n${this.output.slice(-3000)}`);
    });
  }

  /** The port from the "migrate-bot started" log line. */
  async startedPort(timeoutMs = 20_000): Promise<number> {
    const match = await this.waitFor(/"port":(\d+)[^\n]*"msg":"migrate-bot started"/, timeoutMs);
    return Number(match[1]);
  }

  /** The operations port (`/metrics`, probes) from the "migrate-bot started" log line. */
  async startedMetricsPort(timeoutMs = 20_000): Promise<number> {
    const match = await this.waitFor(/"metricsPort":(\d+)[^\n]*"msg":"migrate-bot started"/, timeoutMs);
    return Number(match[1]);
  }

  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
    await this.#exit;
  }
}

/** A loopback port nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
