import { randomBytes } from 'node:crypto';

/** One custom step run as Slack runs it: started by `function_executed`, ended by `functions.*`. */
export interface FakeExecution {
  executionId: string;
  callbackId: string;
  /** The just-in-time token Slack puts in the event (`bot_access_token`); valid while it runs. */
  token: string;
  status: 'running' | 'completed' | 'failed';
  outputs?: Record<string, unknown>;
  error?: string;
}

/**
 * Workflow Builder's side of custom steps: builds the `function_executed` event a workflow run sends
 * the app, and settles each execution once, as Slack does (a second completion, or one for an
 * execution it never started, is refused).
 */
export class FakeWorkflows {
  readonly executions = new Map<string, FakeExecution>();

  /** Starts a run of step `callbackId` with `inputs`; returns the event to send the app (signed). */
  execute(
    callbackId: string,
    inputs: Record<string, unknown>,
  ): { executionId: string; event: Record<string, unknown> } {
    const executionId = `Fx${randomBytes(5).toString('hex').toUpperCase()}`;
    const token = `xwfp-${randomBytes(12).toString('hex')}`;
    this.executions.set(executionId, { executionId, callbackId, token, status: 'running' });
    const event = {
      type: 'function_executed',
      function: {
        id: `Fn${randomBytes(5).toString('hex').toUpperCase()}`,
        callback_id: callbackId,
        title: callbackId,
        type: 'app',
        input_parameters: [],
        output_parameters: [],
        app_id: 'A0MIGRATE',
        date_created: 1_700_000_000,
        date_updated: 1_700_000_000,
        date_deleted: 0,
      },
      inputs,
      function_execution_id: executionId,
      workflow_execution_id: `Wx${randomBytes(5).toString('hex').toUpperCase()}`,
      event_ts: String(Date.now() / 1000),
      bot_access_token: token,
    };
    return { executionId, event };
  }

  /** A workflow token of a step still running is accepted like the bot token. */
  accepts(token: string | undefined): boolean {
    return [...this.executions.values()].some((e) => e.token === token && e.status === 'running');
  }

  /** `functions.completeSuccess` / `functions.completeError` for an execution this fake started. */
  complete(method: 'functions.completeSuccess' | 'functions.completeError', body: Record<string, unknown>) {
    const execution = this.executions.get(String(body.function_execution_id));
    if (!execution) return { ok: false, error: 'function_execution_not_found' };
    if (execution.status !== 'running') return { ok: false, error: 'execution_not_in_running_state' };
    if (method === 'functions.completeSuccess') {
      if (!body.outputs || typeof body.outputs !== 'object') return { ok: false, error: 'invalid_arguments' };
      execution.status = 'completed';
      execution.outputs = body.outputs as Record<string, unknown>;
    } else {
      if (typeof body.error !== 'string') return { ok: false, error: 'invalid_arguments' };
      execution.status = 'failed';
      execution.error = body.error;
    }
    return { ok: true };
  }

  /** Whether `executionId` was started here (other executions keep the fake's plain shape check). */
  knows(executionId: unknown): boolean {
    return typeof executionId === 'string' && this.executions.has(executionId);
  }
}
