import { OmsSimulator } from '../../dev/simulators/huawei-oms/index.js';
import { NcpSimulator } from '../../dev/simulators/ncp/index.js';
import { UpCloudSimulator } from '../../dev/simulators/upcloud/index.js';
import type { Clock } from '../../src/clock.js';
import type { Connection } from '../../src/connections/connection.js';
import { generateKey } from '../../src/crypto/secret-box.js';
import { FORM, postSigned } from './slack-requests.js';
import { SIGNING_SECRET, TestBot, type Who } from './test-bot.js';
import { type ModalWho, type OpenedView, postViewSubmission, type ViewAck, viewSelectBody } from './views.js';

/**
 * The test bot with an encryption key, and one simulator per provider whose loopback URLs are in
 * the SSRF allow-list, for `/migrate connect` flows. Credentials below are what the simulators
 * accept; each is a distinct string, so scanning for it finds exactly where it leaked.
 */
export const STORED = {
  omsProjectId: '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
  omsAk: 'HWSTOREDACCESSKEY001',
  omsSk: 'hw-stored-secret-key-AAAAAAAAAAAAAAAAAAAA01',
  iamUser: 'ops-bot',
  iamPassword: 'Iam-Pa55word-stored-0001!',
  iamDomain: 'acme-domain',
  ncpAk: 'NCPSTOREDACCESSKEY01',
  ncpSk: 'ncp-stored-secret-key-BBBBBBBBBBBBBBBB01',
  upcloudService: '1200ecde-db95-4d1d-9c2c-bd5b4a7a8c2f',
  upcloudToken: 'ucat_stored_token_CCCCCCCCCCCCCCCCCCCC01',
  upcloudUser: 'api-user',
  upcloudPassword: 'UpCloud-Pa55-stored-0001',
  srcAk: 'AKIASTOREDSOURCE0001',
  srcSk: 'stored-source-bucket-secret-DDDDDDDDDDDD01',
  dstAk: 'OBSSTOREDDEST0000001',
  dstSk: 'stored-destination-bucket-secret-EEEEEE01',
} as const;

export const ENCRYPTION_KEY = generateKey();

export class ConnectBot {
  readonly t = new TestBot();
  readonly oms = new OmsSimulator({
    projectId: STORED.omsProjectId,
    keys: { [STORED.omsAk]: STORED.omsSk },
    users: [{ name: STORED.iamUser, password: STORED.iamPassword, domain: STORED.iamDomain }],
  });
  readonly ncp = new NcpSimulator({ keys: { [STORED.ncpAk]: STORED.ncpSk } });
  readonly upcloud = new UpCloudSimulator({
    serviceIds: [STORED.upcloudService],
    tokens: [STORED.upcloudToken],
    users: [{ username: STORED.upcloudUser, password: STORED.upcloudPassword }],
  });
  #views = 0;

  async start(
    options: {
      env?: Record<string, string>;
      storeUrl?: string;
      connections?: (omsUrl: string) => Connection[];
      /** The bot's one clock (a `TestClock` the test moves). */
      clock?: Clock;
    } = {},
  ): Promise<this> {
    await Promise.all([this.oms.start(), this.ncp.start(), this.upcloud.start()]);
    await this.t.start({
      connections: options.connections,
      ...(options.clock ? { clock: options.clock } : {}),
      env: {
        MIGRATE_BOT_ENCRYPTION_KEYS: `k1:${ENCRYPTION_KEY}`,
        MIGRATE_BOT_ALLOWED_ENDPOINTS: [this.oms.url, this.ncp.url, this.upcloud.url].join(','),
        ...(options.storeUrl ? { STORE_URL: options.storeUrl } : {}),
        ...options.env,
      },
    });
    return this;
  }

  async stop(): Promise<void> {
    await this.t.stop();
    await Promise.all([this.oms.stop(), this.ncp.stop(), this.upcloud.stop()]);
  }

  /** `/migrate connect …` and the view the bot opened with the command's trigger_id. */
  async openConnect(text = 'connect', who: Who = {}): Promise<OpenedView> {
    const before = this.t.fakeSlack.callsTo('views.open').length;
    const { http } = await this.t.command(text, who);
    if (http.status !== 200) throw new Error(`command rejected: HTTP ${http.status}`);
    const call = await this.t.fakeSlack.waitFor(() => this.t.fakeSlack.callsTo('views.open')[before]);
    if (call.body.trigger_id !== '1337.42.abcdef')
      throw new Error('views.open without the command trigger_id');
    return { ...(call.body.view as OpenedView), id: `V0CONNECT${++this.#views}` };
  }

  submit(view: OpenedView, values: Record<string, string>, who: ModalWho = {}): Promise<ViewAck> {
    return postViewSubmission(this.t.eventsUrl, SIGNING_SECRET, view, values, who);
  }

  /** Changes a select of the modal and returns the view the bot redrew (views.update). */
  async select(
    view: OpenedView,
    blockId: string,
    value: string,
    values: Record<string, string> = {},
  ): Promise<OpenedView> {
    const before = this.t.fakeSlack.callsTo('views.update').length;
    const body = viewSelectBody(view, blockId, 'connection.form', value, values);
    const http = await postSigned(this.t.eventsUrl, SIGNING_SECRET, body, FORM);
    if (http.status !== 200) throw new Error(`select rejected: HTTP ${http.status}`);
    const call = await this.t.fakeSlack.waitFor(() => this.t.fakeSlack.callsTo('views.update')[before]);
    if (call.body.view_id !== view.id) throw new Error('views.update for another view');
    return { ...(call.body.view as OpenedView), id: view.id };
  }

  /** Values for a working Huawei OMS connection with AK/SK and both storage credentials. */
  omsValues(name: string): Record<string, string> {
    return {
      name,
      'endpoint.huawei-oms': this.oms.url,
      project_id: STORED.omsProjectId,
      access_key: STORED.omsAk,
      secret_key: STORED.omsSk,
      src_name: 'aws-src',
      src_access_key: STORED.srcAk,
      src_secret_key: STORED.srcSk,
      dst_name: 'obs-dst',
      dst_access_key: STORED.dstAk,
      dst_secret_key: STORED.dstSk,
    };
  }
}

/** Every block id of a view (to check that errors point at fields that exist). */
export function blockIds(view: OpenedView): string[] {
  return (view.blocks ?? []).map((b) => String(b.block_id ?? ''));
}
