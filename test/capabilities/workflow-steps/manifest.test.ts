import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  STEP_CALLBACKS,
  STEP_PARAMETERS,
  USER_INPUT,
} from '../../../src/capabilities/workflow-steps/step-definitions.js';

interface Parameters {
  properties: Record<string, { type: string; title?: string }>;
  required?: string[];
}

const manifest = parseYaml(readFileSync('manifest.yml', 'utf8')) as {
  settings: {
    event_subscriptions: { bot_events: string[] };
    org_deploy_enabled: boolean;
    function_runtime: string;
  };
  functions: Record<
    string,
    { title: string; description: string; input_parameters: Parameters; output_parameters: Parameters }
  >;
};

/** Issue #14: what the code listens for and reads is what the manifest declares to Workflow Builder. */
describe('manifest.yml declares the workflow steps the bot implements', () => {
  it('declares exactly the steps registered, with the parameters each reads and writes', () => {
    expect(Object.keys(manifest.functions).sort()).toEqual(Object.values(STEP_CALLBACKS).sort());
    for (const [callbackId, step] of Object.entries(manifest.functions)) {
      expect(step.title.length, callbackId).toBeGreaterThan(0);
      expect(step.description.length, callbackId).toBeGreaterThan(0);
      const { inputs, outputs } = STEP_PARAMETERS[callbackId]!;
      expect(Object.keys(step.input_parameters.properties).sort(), callbackId).toEqual([...inputs].sort());
      expect(Object.keys(step.output_parameters.properties).sort(), callbackId).toEqual([...outputs].sort());
      for (const required of [
        ...(step.input_parameters.required ?? []),
        ...(step.output_parameters.required ?? []),
      ])
        expect([...inputs, ...outputs], callbackId).toContain(required);
    }
  });

  it('every step takes the person running the workflow as user_context, and requires it', () => {
    for (const [callbackId, step] of Object.entries(manifest.functions)) {
      expect(step.input_parameters.properties[USER_INPUT]?.type, callbackId).toBe(
        'slack#/types/user_context',
      );
      expect(step.input_parameters.required, callbackId).toContain(USER_INPUT);
    }
  });

  it('subscribes to function_executed and runs the steps remotely, as an org-ready app', () => {
    expect(manifest.settings.event_subscriptions.bot_events).toContain('function_executed');
    expect(manifest.settings.function_runtime).toBe('remote');
    expect(manifest.settings.org_deploy_enabled).toBe(true);
  });
});
