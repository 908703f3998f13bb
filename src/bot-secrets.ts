import type { Config } from './config.js';
import type { SecretRegistry } from './secrets.js';

/** The bot's own secrets, masked in every message and log line: Slack's, OAuth's and the key ring's. */
export function registerBotSecrets(secrets: SecretRegistry, config: Config): SecretRegistry {
  secrets.add(config.slack.botToken);
  secrets.add(config.slack.signingSecret);
  secrets.add(config.slack.appToken);
  secrets.add(config.slack.oauth?.clientSecret);
  secrets.add(config.slack.oauth?.stateSecret);
  for (const key of [
    ...(config.encryptionKeys?.split(',') ?? []),
    ...(config.evidenceKeys?.split(',') ?? []),
  ])
    secrets.add(key.slice(key.indexOf(':') + 1).trim());
  return secrets;
}
