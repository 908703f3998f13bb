import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

/**
 * One of V8's profilers over a stretch of this process (a measured cycle), through an inspector
 * session: `stop()` writes its profile to `dir` as `cycle-<epoch ms>.<extension>`.
 */
export async function startProfiler(
  dir: string,
  how: {
    domain: 'Profiler' | 'HeapProfiler';
    start: string;
    params?: object;
    stop: string;
    extension: string;
  },
): Promise<{ stop(): Promise<void> }> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post(`${how.domain}.enable`);
  await post(`${how.domain}.${how.start}`, how.params);
  return {
    async stop() {
      const { profile } = (await post(`${how.domain}.${how.stop}`)) as { profile: unknown };
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `cycle-${Date.now()}.${how.extension}`), JSON.stringify(profile));
      session.disconnect();
    },
  };
}
