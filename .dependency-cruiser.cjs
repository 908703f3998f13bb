/**
 * The seams of migrate-bot, enforced by `npm run lint` (docs/architecture.md, "Layout"). Each rule names the
 * boundary it keeps; a new exception needs a reason next to it.
 */
const PROVIDER_FOLDER = '^src/providers/(?!http/)([^/]+)/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'A cycle makes load order matter and two modules one (issue #38): break it with a leaf module both import. Type-only imports are erased at build time, so they do not count.',
      severity: 'error',
      from: { path: '^(src|dev)/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'aws-sdk-loaded-on-use',
      comment:
        'The S3 SDK costs about 0.2 s of CPU to load: loaded by the object store when it first checks a bucket, not at every process start (a replica, the CLI).',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '@aws-sdk/', dependencyTypesNot: ['type-only', 'type-import', 'dynamic-import'] },
    },
    {
      name: 'src-never-imports-dev',
      comment:
        'The playground, fake Slack and simulators live in dev/ and are not part of the production build or image.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^dev/' },
    },
    {
      name: 'only-the-provider-folder-knows-the-provider',
      comment:
        'Code outside src/providers/<id>/ reaches a provider only through the registry and the MigrationProvider interface.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/providers/(?!http/)[^/]+/', '^src/providers/registry\\.ts$'] },
      to: { path: PROVIDER_FOLDER },
    },
    {
      name: 'providers-do-not-know-each-other',
      severity: 'error',
      from: { path: PROVIDER_FOLDER },
      to: { path: PROVIDER_FOLDER, pathNot: '^src/providers/$1/' },
    },
    {
      name: 'providers-never-import-slack',
      comment: 'Data flows one way: providers return domain models; Slack code renders them.',
      severity: 'error',
      from: { path: '^src/providers/' },
      to: { path: ['^src/slack/', '^node_modules/@slack/'] },
    },
    {
      name: 'the-contract-is-a-leaf',
      comment:
        'src/contract/ (ADR 0022) imports only the domain, the words and the store; the core types it names reach it through the slot src/core-types.ts fills.',
      severity: 'error',
      from: { path: '^src/contract/' },
      to: { path: '^src/', pathNot: ['^src/(contract|domain|i18n|store)/'] },
    },
    {
      name: 'the-core-names-no-capability',
      comment:
        'Only the composition root (bot.ts), the slot it fills (core-types.ts) and the CLIs import src/capabilities/: Slack is handed the started capabilities.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/(capabilities|cli)/', '^src/(bot|core-types|main)[.]ts$'] },
      to: { path: '^src/capabilities/' },
    },
    {
      name: 'use-cases-never-see-slack',
      comment:
        'One use case, many surfaces: src/use-cases takes a context and returns domain results; surfaces in slack/ parse and reply.',
      severity: 'error',
      from: { path: '^src/use-cases/' },
      to: { path: ['^src/slack/', '(^|/)node_modules/@slack/'] },
    },
    {
      name: 'only-slack-talks-to-slack',
      comment:
        'The watcher, approvals and audit hand data to slack/ (watcher/outbox/watch-slack.ts, the audit poster, the approval messenger); rendering and sending happen there, through the one sender.',
      severity: 'error',
      from: { path: '^src/(watcher|approvals|audit)/' },
      // Also when node_modules is a link (a worktree's resolves outside the repository).
      to: { path: ['^src/slack/', '(^|/)node_modules/@slack/'] },
    },
    {
      name: 'web-api-only-in-slack',
      comment: 'Web API clients are made and called in src/slack/ only (the sender is the one door).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/slack/' },
      to: { path: '(^|/)node_modules/@slack/web-api/' },
    },
    {
      name: 'renderers-never-call-providers',
      comment:
        'slack/blocks turns domain models and provider-declared data (through the registry) into Block Kit; it never reaches a client.',
      severity: 'error',
      from: { path: '^src/slack/blocks/' },
      to: { path: [PROVIDER_FOLDER, '^src/providers/http/'] },
    },
    {
      name: 'simulators-follow-the-seeds-not-the-client',
      comment:
        'A simulator that shares the client’s schemas, mapping or signer cannot catch the client’s mistakes: it verifies signatures with the official SDK (OMS) or its own verifier written from providers.md (NCP), issue #37.',
      severity: 'error',
      from: { path: '^dev/simulators/' },
      to: { path: '^src/providers/' },
    },
    {
      name: 'simulators-never-reach-a-client-signer',
      comment:
        'Not through another module either (a re-export, a shared helper, another dev/ or src/ file): the signature a simulator checks must not be computed by the code under test. The launchers are exempt: they verify nothing, and reach src/providers only through the Connection type of the connections file they write.',
      severity: 'error',
      from: { path: '^dev/simulators/', pathNot: '^dev/simulators/(seeded-simulators|start-all)\\.ts$' },
      to: {
        path: ['^src/providers/[^/]+/signer\\.ts$', '^src/providers/http/encode\\.ts$'],
        reachable: true,
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
