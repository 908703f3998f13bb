import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotProcess } from '../harness/bot-process.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? sourceFiles(file) : /\.ts$/.test(name) ? [file] : [];
  });
}

describe('src/ never imports dev/ (docs/architecture.md, rule 1)', () => {
  it('no module in src/ names dev/ in an import', () => {
    const offenders = sourceFiles(path.join(ROOT, 'src')).filter((file) =>
      /(?:from|import)\s*\(?\s*['"](?:\.\.\/)+dev\//.test(readFileSync(file, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });

  describe('the production build (`npm run build`, what the image runs)', () => {
    let out: string;
    beforeAll(() => {
      // Inside the repository, so Node finds the packages in its node_modules (as in the image).
      // `--noCheck`: the same files as `npm run build` emits, without checking types again (the
      // typecheck step does): about a third of the time.
      out = path.join(ROOT, 'test-artifacts', 'production-build');
      rmSync(out, { recursive: true, force: true });
      const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      const result = spawnSync(
        process.execPath,
        [
          tsc,
          '-p',
          path.join(ROOT, 'tsconfig.build.json'),
          '--outDir',
          out,
          '--sourceMap',
          'false',
          '--noCheck',
        ],
        { cwd: ROOT, encoding: 'utf8', timeout: 180_000 },
      );
      if (!existsSync(path.join(out, 'src', 'main.js')))
        throw new Error(`tsc produced no main.js:\n${result.stdout}\n${result.stderr}`);
    }, 200_000);
    afterAll(() => rmSync(out, { recursive: true, force: true }));

    it('contains no playground, fake Slack or simulator', () => {
      expect(readdirSync(out)).toEqual(['src']);
      const emitted = readdirSync(path.join(out, 'src'), { recursive: true }).map(String);
      expect(emitted.filter((f) => /playground|fake-slack|simulator/.test(f))).toEqual([]);
    });

    it('leaves the comments out: V8 keeps every module source in the heap (docs/performance.md)', () => {
      const emitted = readdirSync(path.join(out, 'src'), { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.js'));
      const commented = emitted.filter((f) =>
        /^\s*(\/\/|\/\*\*)/m.test(readFileSync(path.join(out, 'src', f), 'utf8')),
      );
      expect(emitted.length).toBeGreaterThan(300);
      expect(commented).toEqual([]);
    });

    it('without Slack settings outside production, says the build has no playground instead of crashing', async () => {
      const cwd = mkdtempSync(path.join(tmpdir(), 'migrate-bot-cwd-'));
      const bot = new BotProcess(out, { PORT: '0' }, { cwd });
      try {
        expect((await bot.exited(20_000)).code).toBe(1);
        expect(bot.stderr).toContain('this build has no playground');
        expect(bot.stderr).toContain('SLACK_SIGNING_SECRET');
        expect(bot.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND|at .*\.js:\d+/);
        expect(existsSync(path.join(cwd, 'data'))).toBe(false);
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    }, 30_000);
  });
});
