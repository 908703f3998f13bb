import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * `npm run release:image` (issue #40): the image's OCI labels and its SBOM, made from the image's
 * own node_modules (issue #50). Docker need not run here: `--dry-run` prints the docker commands it
 * would run, and the SBOM step runs through a stand-in docker.
 */
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  license: string;
};
const out = mkdtempSync(path.join(tmpdir(), 'mb-release-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface CycloneDx {
  bomFormat: string;
  metadata: { component: { name: string; version: string; type: string } };
  components: { name: string; version: string }[];
}

describe('npm run release:image', () => {
  it('labels the image with version, revision, source and licence, and makes its SBOM inside it', () => {
    const head = () => execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const before = head();
    const run = spawnSync('bash', [path.join(ROOT, 'scripts', 'release-image.sh'), '--dry-run'], {
      cwd: ROOT,
      env: {
        ...process.env,
        RELEASE_DIR: out,
        // Credentials in a remote URL never reach a public label.
        MIGRATE_BOT_SOURCE: 'https://ci-user:s3cret-token@git.example.test/ops/migrate-bot.git',
      },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.status, run.stderr).toBe(0);
    // A commit landing meanwhile (a shared working tree) moves HEAD: either one is the right answer.
    const revision = [before, head()].find((r) => run.stdout.includes(`image.revision=${r} `)) ?? before;
    const docker = run.stdout.split('\n').find((line) => line.startsWith('docker build '));
    const args = docker?.trim().split(' ') ?? [];
    const labels = args.flatMap((arg, i) => (args[i - 1] === '--label' ? [arg] : []));
    expect(labels).toEqual(
      expect.arrayContaining([
        `org.opencontainers.image.version=${pkg.version}`,
        `org.opencontainers.image.revision=${revision}`,
        'org.opencontainers.image.source=https://git.example.test/ops/migrate-bot.git',
        `org.opencontainers.image.licenses=${pkg.license}`,
      ]),
    );
    expect(labels.find((l) => l.startsWith('org.opencontainers.image.created='))).toMatch(
      /=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
    expect(args).toContain(`MIGRATE_BOT_REVISION=${revision}`);
    expect(args).toContain(`${pkg.name}:${pkg.version}`);
    expect(run.stdout + run.stderr).not.toContain('s3cret-token');
    expect(run.stdout).toContain('(dry run: not built, no SBOM)');
    // The SBOM is made inside the image just built, from its own node_modules.
    expect(run.stdout.split('\n')).toContain(
      `docker run --rm --network none --env NPM_CONFIG_UPDATE_NOTIFIER=false --entrypoint npm ${pkg.name}:${pkg.version} sbom --sbom-format cyclonedx --sbom-type application --omit dev `,
    );
    expect(existsSync(path.join(out, `migrate-bot-${pkg.version}.cdx.json`))).toBe(false);
  }, 150_000);

  it('writes the SBOM from the image’s own node_modules (npm sbom run inside it)', () => {
    // A docker that logs its arguments and runs `npm sbom` in a folder standing for the image's
    // /app: this checkout, whose tree `--omit dev` reads as the image's pruned one.
    const bin = mkdtempSync(path.join(tmpdir(), 'mb-fake-docker-'));
    // Where node_modules really is (a worktree may link it from another checkout; npm reads it there).
    const APP = path.dirname(realpathSync(path.join(ROOT, 'node_modules')));
    const log = path.join(bin, 'calls.log');
    writeFileSync(
      path.join(bin, 'docker'),
      `#!/usr/bin/env bash
printf '%s\\n' "$*" >>"${log}"
[ "$1" = run ] || exit 0
while [ "$1" != "$FAKE_IMAGE" ]; do shift; done
shift
[ "$FAIL" = 1 ] && { echo 'no such image' >&2; exit 125; }
cd "${APP}" && exec npm "$@"
`,
      { mode: 0o755 },
    );
    const sbomOnly = (env: Record<string, string> = {}) =>
      spawnSync(
        'bash',
        [path.join(ROOT, 'scripts', 'release-image.sh'), '--sbom-only', 'reg.example.test/migrate-bot:rc1'],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            PATH: `${bin}:${process.env.PATH}`,
            RELEASE_DIR: out,
            FAKE_IMAGE: 'reg.example.test/migrate-bot:rc1',
            ...env,
          },
          encoding: 'utf8',
          timeout: 120_000,
        },
      );
    try {
      const run = sbomOnly();
      expect(run.status, run.stderr).toBe(0);
      expect(readFileSync(log, 'utf8')).toContain(
        'run --rm --network none --env NPM_CONFIG_UPDATE_NOTIFIER=false --entrypoint npm reg.example.test/migrate-bot:rc1 sbom --sbom-format cyclonedx --sbom-type application --omit dev',
      );
      const file = path.join(out, `migrate-bot-${pkg.version}.cdx.json`);
      expect(run.stdout).toContain(`SBOM of reg.example.test/migrate-bot:rc1: ${file}`);
      const sbom = JSON.parse(readFileSync(file, 'utf8')) as CycloneDx;
      expect(sbom.bomFormat).toBe('CycloneDX');
      expect(sbom.metadata.component).toMatchObject({
        name: pkg.name,
        version: pkg.version,
        type: 'application',
      });
      const names = new Set(sbom.components.map((c) => c.name));
      // What the image ships (its dependencies) and not what it prunes (the dev dependencies).
      for (const shipped of ['@slack/bolt', 'better-sqlite3', 'prom-client'])
        expect(names).toContain(shipped);
      for (const pruned of ['vitest', 'typescript', '@biomejs/biome']) expect(names).not.toContain(pruned);

      // An image that cannot be run: a message, and no SBOM left half-written.
      rmSync(file);
      const failed = sbomOnly({ FAIL: '1' });
      expect(failed.status).toBe(1);
      expect(failed.stderr).toContain('npm sbom in the image reg.example.test/migrate-bot:rc1 failed');
      expect(existsSync(file)).toBe(false);
      expect(existsSync(`${file}.tmp`)).toBe(false);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  }, 150_000);

  it('refuses an unknown argument with a message, and builds nothing', () => {
    const run = spawnSync('bash', [path.join(ROOT, 'scripts', 'release-image.sh'), '--push'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("unknown argument '--push'");
    expect(run.stdout).not.toContain('docker build');
  });

  it('has the image keep the revision in its environment, where the bot reads it', () => {
    const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(finalStage).toMatch(/^ARG MIGRATE_BOT_REVISION=unknown$/m);
    expect(finalStage).toMatch(/^ENV MIGRATE_BOT_REVISION=\$MIGRATE_BOT_REVISION$/m);
  });

  it('ships under the licence package.json names', () => {
    expect(pkg.license).toBe('Apache-2.0');
    const license = readFileSync(path.join(ROOT, 'LICENSE'), 'utf8');
    expect(license).toContain('Apache License\n                           Version 2.0, January 2004');
    expect(license).toContain('END OF TERMS AND CONDITIONS');
  });
});
