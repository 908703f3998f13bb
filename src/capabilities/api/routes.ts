import type { IncomingMessage, ServerResponse } from 'node:http';
import { TOKEN_RATE, takeRequest } from '../../access/request-rate.js';
import type { CapabilityCore } from '../../contract/capability.js';
import type { Route } from '../../contract/http.js';
import type { MigrationResource } from '../../domain/migration-resource.js';
import { InvalidInputError } from '../../errors.js';
import { titlesIn } from '../../resources/resource-titles.js';
import { displayName } from '../../slack/blocks/display-name.js';
import { parseRef, STATE_WORDS } from '../../slack/command-text.js';
import type { AppDeps } from '../../slack/context.js';
import { actOnResource } from '../../use-cases/act-on-resource.js';
import type { UseCaseContext } from '../../use-cases/context.js';
import { showResource } from '../../use-cases/show-resource.js';
import openapi from './openapi.json' with { type: 'json' };
import { sendJson, sendProblem, sendUnauthorized } from './problem.js';
import { createRequest, requestBody, showRequest } from './requests.js';
import { tokenContext } from './token-context.js';
import type { ApiToken, TokenStore } from './tokens.js';
import { API_WORDS } from './words.js';

type Params = Record<string, string | undefined>;
interface Call {
  params: Params;
  url: URL;
  body: unknown;
  headers: IncomingMessage['headers'];
  /** The token the call came with (its maker is the requester of what it asks). */
  token: ApiToken;
}
type ApiHandler = (ctx: UseCaseContext, call: Call) => Promise<unknown>;
/** Bodies are small JSON: a request's details. */
const MAX_BODY_BYTES = 64 * 1024;

async function readBody(req: IncomingMessage): Promise<unknown> {
  if (req.method !== 'POST') return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new InvalidInputError('The body is larger than 64 KiB.');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new InvalidInputError('The body is not JSON.');
  }
}

/**
 * A resource as the API answers it (`Resource` in openapi.json). `displayName` is what Slack's
 * cards, lists and posts call it (the requester's title where the provider made the name up).
 */
function resourceBody(r: MigrationResource, title: string | undefined, extra: Record<string, unknown> = {}) {
  return {
    provider: r.provider,
    connection: r.connection,
    kind: r.kind,
    id: r.id,
    name: r.name,
    displayName: displayName(r.name, title).lead,
    state: r.state,
    ...(r.progress === undefined ? {} : { progress: r.progress }),
    bytes: r.bytes,
    objects: r.objects,
    ...(r.lastError
      ? {
          lastError: {
            ...(r.lastError.code ? { code: r.lastError.code } : {}),
            message: r.lastError.message,
          },
        }
      : {}),
    ...extra,
  };
}

const refOf = ({ params }: Call) => parseRef('status', [decodeURIComponent(params.ref ?? '')]);

/**
 * `?state=`: the words Slack's `/migrate list` takes (`waiting`, `running`, `done`…, `all`), to the
 * states they mean; any other word is refused with the list, never answered with nothing found.
 */
function statesOf(url: URL): readonly string[] | undefined {
  const typed = url.searchParams.get('state');
  if (typed === null) return undefined;
  const word = typed.trim().toLowerCase();
  if (!Object.hasOwn(STATE_WORDS, word))
    throw InvalidInputError.in(API_WORDS, 'api.error.state', {
      typed: typed.slice(0, 40),
      states: Object.keys(STATE_WORDS).join(', '),
    });
  return STATE_WORDS[word];
}

const listResources: ApiHandler = async (ctx, { url }) => {
  await ctx.require('view', ctx.here, 'see migrations');
  const states = statesOf(url);
  const records = await ctx.deps.watcher.list(ctx.teamId, ctx.channelId);
  const seen = new Set<string>();
  const items = records
    .filter(({ snapshot: r }) => !states || states.includes(r.state))
    .filter(({ snapshot: r }) => {
      const key = `${r.connection}:${r.kind}:${r.id}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  const titles = await titlesIn(ctx.deps)
    ?.many(
      ctx.teamId,
      items.map((r) => r.snapshot),
    )
    .catch(() => undefined);
  return {
    items: items.map(({ snapshot: r, watch }) =>
      resourceBody(r, titles?.get(`${r.connection}:${r.id}`) ?? watch.origin?.title),
    ),
  };
};

const showOne: ApiHandler = async (ctx, call) => {
  const shown = await showResource(ctx, { ref: refOf(call) });
  return resourceBody(shown.resource, shown.title, { actions: shown.actions });
};

const act =
  (action: 'pause' | 'resume'): ApiHandler =>
  async (ctx, call) => {
    const acted = await actOnResource(ctx, { ref: refOf(call) }, action);
    return resourceBody(acted.after ?? acted.resource, acted.title, { actions: acted.actions });
  };

/**
 * The HTTP API (`/api/v1`, docs/api.md): each request is a token's, acting through the same use
 * cases and policy as Slack; answers are JSON, errors RFC 9457 problems with Slack's words.
 */
export function apiRoutes(core: CapabilityCore, tokens: TokenStore, deps: AppDeps): Route[] {
  const serve =
    (handler: ApiHandler) =>
    (req: IncomingMessage, res: ServerResponse): void => {
      const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
      const params = (req as IncomingMessage & { params?: Params }).params ?? {};
      const url = new URL(req.url ?? '/', 'http://api.local');
      void (async () => {
        const found = bearer ? await tokens.verify(bearer, core.clock.now()) : undefined;
        if (!found) return sendUnauthorized(res);
        const ctx = tokenContext(core, found.team, found.token);
        try {
          // The same seam and store as every caller's rate: a token's calls counted across replicas.
          await takeRequest(core.state, core.clock, found.team, `token:${found.token.id}`, TOKEN_RATE);
          const body = await readBody(req);
          const answer = await handler(ctx, { params, url, body, headers: req.headers, token: found.token });
          sendJson(res, req.method === 'POST' && url.pathname === '/api/v1/requests' ? 202 : 200, answer);
        } catch (error) {
          sendProblem(res, error, ctx.opId);
        }
      })().catch((error: unknown) => {
        core.logger.error({ err: error }, 'api request failed');
        if (!res.headersSent) sendProblem(res, error, 'api');
      });
    };
  return [
    {
      path: '/api/v1/openapi.json',
      method: ['GET'],
      handler: (_req, res) => sendJson(res, 200, openapi),
    },
    { path: '/api/v1/resources', method: ['GET'], handler: serve(listResources) },
    // What the capabilities add (windows, plans…), each read checking the policy itself.
    ...(deps.capabilities.apiReads?.() ?? []).map(
      (r): Route => ({
        path: `/api/v1/${r.path}`,
        method: ['GET'],
        handler: serve((ctx, call) => r.read(ctx, call.params)),
      }),
    ),
    { path: '/api/v1/resources/:ref', method: ['GET'], handler: serve(showOne) },
    { path: '/api/v1/resources/:ref/pause', method: ['POST'], handler: serve(act('pause')) },
    { path: '/api/v1/resources/:ref/resume', method: ['POST'], handler: serve(act('resume')) },
    {
      path: '/api/v1/requests',
      method: ['POST'],
      handler: serve(async (ctx, call) => {
        const key = call.headers['idempotency-key'];
        const record = await createRequest(
          ctx,
          deps,
          core.state,
          call.body,
          typeof key === 'string' ? key : undefined,
          call.token,
        );
        return requestBody(record);
      }),
    },
    {
      path: '/api/v1/requests/:id',
      method: ['GET'],
      handler: serve(async (ctx, call) => requestBody(await showRequest(ctx, deps, call.params.id ?? ''))),
    },
  ];
}
