import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAPABILITIES } from '../../src/capabilities/registry.js';
import { workflowSteps } from '../../src/capabilities/workflow-steps/index.js';
import { STEP_CALLBACKS } from '../../src/capabilities/workflow-steps/step-definitions.js';
import type { AppDeps } from '../../src/slack/context.js';
import { registerRoutes } from '../../src/slack/listeners/index.js';
import { ListenerRegistry } from '../../src/slack/listeners/router.js';
import { partsOf } from '../harness/started-capabilities.js';
import { TestBot } from '../harness/test-bot.js';
import { importersOf, SRC, sources } from './folder-importers.js';

/**
 * The Workflow Builder steps (`functions` in manifest.yml) are one capability folder: its
 * listeners register the steps, so outside `src/capabilities/workflow-steps/` only the registry
 * names it, and no core surface registers a step. The text of a request's details, which the API
 * reads too, is shared with it beside the capabilities (`capabilities/request-details.ts`).
 */
const FOLDER = 'capabilities/workflow-steps/';
const IMPORTS_IT = /from\s+'[./]*(?:capabilities\/)?workflow-steps\/[^']+'/;

describe('the workflow-steps capability is one folder', () => {
  it('is named outside its folder only by the registry', () => {
    expect(importersOf(FOLDER, IMPORTS_IT)).toEqual(['capabilities/registry.ts']);
  });

  it('is the only place a step is registered: no core file registers on `function`', () => {
    const registering = sources()
      .filter((f) => !f.startsWith(FOLDER))
      .filter((f) => /\.function\(/.test(readFileSync(path.join(SRC, f), 'utf8')));
    expect(registering).toEqual([]);
  });

  it('registers every step of manifest.yml through its listeners', () => {
    expect(CAPABILITIES).toContain(workflowSteps);
    const registry = new ListenerRegistry();
    partsOf(workflowSteps).listeners?.(registry.routes, {} as AppDeps);
    expect(registry.entryPoints()).toEqual(
      Object.values(STEP_CALLBACKS).map((id) => ({ surface: 'function', id })),
    );
  });

  it('left nothing at the old place', () => {
    expect(sources().filter((f) => f.startsWith('slack/listeners/functions/'))).toEqual([]);
  });
});

describe('in the bot, through the registry', () => {
  const t = new TestBot();
  beforeAll(async () => {
    await t.start({ env: { POLL_INTERVAL_SECONDS: '0' } });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('its steps are the app’s entry points and `/metrics` request labels, as before', async () => {
    const registry = new ListenerRegistry();
    registerRoutes(registry.routes, t.bot.deps);
    const steps = registry.entryPoints().filter((e) => e.surface === 'function');
    expect(steps.map((e) => e.id).sort()).toEqual(Object.values(STEP_CALLBACKS).sort());
    const run = await t.runStep(STEP_CALLBACKS.status, { user_context: { id: 'U0VIEW001', secret: 'cw' } });
    expect((await run.settled()).status).toBe('failed');
    const scrape = await (await fetch(`${t.metricsUrl}/metrics`)).text();
    expect(scrape).toContain(`what="${STEP_CALLBACKS.status}"`);
  });
});
