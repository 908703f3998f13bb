import { json, Router, SimClock, type SimServerOptions, Simulator } from '../../../dev/simulators/kit.js';
import { credential, defineSimulator, randomSecret, SIM_STORAGE } from '../../../dev/simulators/launch.js';

/** What the toy service stores (the shape its made-up documents give; the simulator's own copy). */
interface SimToyJob {
  id: string;
  name: string;
  status: 'QUEUED' | 'COPYING' | 'HELD' | 'DONE' | 'BROKEN';
  copied_bytes: number;
  total_bytes: number;
  from_bucket: string;
  to_bucket: string;
}

/** The toy service on loopback: a bearer token, a list of jobs, one job, and hold. */
export class ToySimulator extends Simulator {
  readonly clock = new SimClock();
  readonly jobs = new Map<string, SimToyJob>();
  readonly #token: string;
  readonly #port: number | undefined;

  constructor(options: { token: string; port?: number }) {
    super();
    this.#token = options.token;
    this.#port = options.port;
  }

  addJob(job: Omit<SimToyJob, 'id'> & { id?: string }): SimToyJob {
    const added = { ...job, id: job.id ?? `toy-${String(this.jobs.size + 1).padStart(4, '0')}` };
    this.jobs.set(added.id, added);
    return added;
  }

  protected serverOptions(): SimServerOptions {
    const router = new Router()
      .add('GET', '/v1/jobs', () => json(200, { jobs: [...this.jobs.values()] }))
      .add('GET', '/v1/jobs/:id', (r) => {
        const job = this.jobs.get(r.params.id ?? '');
        return job ? json(200, job) : json(404, { error: 'NO_SUCH_JOB' });
      })
      .add('POST', '/v1/jobs/:id/hold', (r) => {
        const job = this.jobs.get(r.params.id ?? '');
        if (!job) return json(404, { error: 'NO_SUCH_JOB' });
        job.status = 'HELD';
        return json(200, job);
      });
    return {
      name: 'toy',
      router,
      port: this.#port,
      authenticate: (r) =>
        r.headers.authorization === `Bearer ${this.#token}` ? undefined : json(401, { error: 'BAD_TOKEN' }),
      faultBody: () => ({ error: 'TRY_LATER' }),
    };
  }
}

/** The toy's simulator, registered with one line (`registerSimulator(toyLaunch)`). */
export const toyLaunch = defineSimulator({
  id: 'toy',
  serves: 'toy copy jobs',
  port: { env: 'TOY_SIM_PORT', default: 4199 },
  credentials: () => ({ SIM_TOY_TOKEN: `toy_${randomSecret()}` }),
  start: ({ env, port }) => new ToySimulator({ token: credential(env, 'SIM_TOY_TOKEN'), port }).start(),
  seed: (toy) => {
    toy.addJob({
      name: 'toy-photos-copy',
      status: 'COPYING',
      copied_bytes: 3 * 2 ** 30,
      total_bytes: 12 * 2 ** 30,
      from_bucket: 'toy-photos',
      to_bucket: 'toy-photos-copy',
    });
    toy.addJob({
      name: 'toy-ledger-copy',
      status: 'DONE',
      copied_bytes: 2 ** 30,
      total_bytes: 2 ** 30,
      from_bucket: 'toy-ledger',
      to_bucket: 'toy-ledger-copy',
    });
  },
  connectionFor: (toy, env) => ({
    file: {
      name: 'toy-sim',
      provider: 'toy',
      endpoint: toy.url,
      auth: { type: 'bearer', tokenEnv: 'SIM_TOY_TOKEN' },
      storage: { source: SIM_STORAGE.source },
    },
    connect: { endpoint: toy.url, token: credential(env, 'SIM_TOY_TOKEN') },
  }),
});
