import { describe, expect, it } from 'vitest';
import { planCheck } from '../../../src/capabilities/objects/plan.js';
import type { Connection } from '../../../src/connections/connection.js';
import type { MigrationResource } from '../../../src/domain/migration-resource.js';

// Where a check lists, from what the provider says of a run and the connection's storage keys.

const keys = { accessKey: 'AK', secretKey: 'SK' };
const connection = {
  storage: { source: { name: 'src', ...keys }, destination: { name: 'dst', ...keys } },
} as Connection;
const run = (source: MigrationResource['source'], destination: MigrationResource['destination']) =>
  ({ source, destination }) as MigrationResource;

describe('planCheck', () => {
  it('writes no region from the provider into a host name unless it is a region (issue 73)', () => {
    for (const region of ['x@127.0.0.1:9/#', 'a/b', 'eu-1.evil.example:8']) {
      const plan = planCheck(
        run(
          { cloud: 'AWS', region, bucket: 'a', prefix: '' },
          { cloud: 'HuaweiCloud', region, bucket: 'b', prefix: '' },
        ),
        connection,
      );
      expect(plan.source, region).toMatchObject({ ok: false, why: 'no-endpoint' });
      expect(plan.destination, region).toMatchObject({ ok: false, why: 'no-endpoint' });
    }
  });

  it('reaches each cloud at its documented S3 endpoint, or at the host UpCloud names', () => {
    const oms = planCheck(
      run(
        { cloud: 'AWS', region: 'us-east-1', bucket: 'a', prefix: 'x/, y/' },
        { cloud: 'HuaweiCloud', region: 'cn-north-4', bucket: 'b', prefix: 'keep/' },
      ),
      connection,
    );
    expect(oms.source).toMatchObject({
      ok: true,
      access: { endpoint: 'https://s3.us-east-1.amazonaws.com', pathStyle: false },
    });
    expect(oms.destination).toMatchObject({
      ok: true,
      access: { endpoint: 'https://obs.cn-north-4.myhuaweicloud.com' },
    });
    // OMS keeps the whole source key under save_prefix, for each of a prefix task's prefixes.
    expect(oms.pairs).toEqual([
      { source: 'x/', destination: 'keep/x/' },
      { source: 'y/', destination: 'keep/y/' },
    ]);
    const ncp = planCheck(
      run(
        { cloud: 'AWS', region: 'ap-northeast-2', bucket: 'a', prefix: 'p/' },
        { cloud: 'NCP', region: 'KR', bucket: 'b', prefix: 'q/' },
      ),
      connection,
    );
    expect(ncp.destination).toMatchObject({
      access: { endpoint: 'https://kr.object.ncloudstorage.com', region: 'kr-standard', pathStyle: true },
    });
    expect(ncp.pairs).toEqual([{ source: 'p/', destination: 'q/' }]);
    const upcloud = planCheck(
      run(
        { cloud: 's3.eu-central-1.amazonaws.com', region: 'eu-central-1', bucket: 'a' },
        { cloud: 'UpCloud', bucket: 'b' },
      ),
      connection,
    );
    expect(upcloud.source).toMatchObject({
      access: { endpoint: 'https://s3.eu-central-1.amazonaws.com', pathStyle: false },
    });
    // UpCloud's own storage has no documented endpoint: the credential must name it.
    expect(upcloud.destination).toMatchObject({ ok: false, why: 'no-endpoint', credential: 'dst' });
  });

  it('names Azure as not S3 and a side without keys', () => {
    const plan = planCheck(run({ cloud: 'Azure', bucket: 'c' }, { cloud: 'NCP', bucket: 'b' }), {
      storage: { source: { name: 'src', ...keys } },
    } as Connection);
    expect(plan.source).toMatchObject({ ok: false, why: 'not-s3', cloud: 'Azure' });
    expect(plan.destination).toMatchObject({ ok: false, why: 'no-keys' });
  });
});
