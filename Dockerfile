# syntax=docker/dockerfile:1
# Node 26 (LTS "Lithium", active LTS since 2026-10-28; Node 20 reached its end of life in April
# 2026). Both stages use the same release: the build stage's node_modules (better-sqlite3's native
# addon) run in the second. The same release as .node-version, which CI (.ci/run) tests on; bump
# both together (test/deploy/image.test.ts checks they agree).
ARG NODE_VERSION=26.10.0
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 builds from source when no prebuilt binary can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:${NODE_VERSION}-bookworm-slim
# MIGRATE_BOT_IMAGE marks the image: the playground (a local try-out with a fake Slack) never runs
# here, and missing Slack settings are reported as the configuration error they are.
ENV NODE_ENV=production MIGRATE_BOT_IMAGE=1 PORT=3000 STORE_URL=sqlite:///app/data/migrate-bot.sqlite
# A bounded heap: V8 then collects each poll cycle's garbage instead of growing into it (RSS at
# 10,000 watches about 185 MB instead of 330 MB, same cycle time; 50,000 fit). Semi-spaces of 4 MB:
# about 10 MB less RSS than 8 MB at 10,000 and 50,000 watches, same cycle time and CPU since a poll
# holds one connection's records at a time (bench/notes.md). The poll benchmark runs the watcher
# with these same flags (bench/poll/poll-scale.ts reads them from this line).
ENV NODE_OPTIONS="--max-old-space-size=512 --max-semi-space-size=4"
# Two malloc arenas instead of glibc's one per thread: V8 compiles and marks on worker threads;
# about 6 MB less peak RSS at 10,000 watches on average, no CPU cost seen (docs/performance.md,
# "Where the watcher's RSS goes"). The poll benchmark reads this line too.
ENV MALLOC_ARENA_MAX=2
# The completion report's throughput chart (resvg) needs a font; the slim image has none.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
RUN mkdir -p /app/data && chown node:node /app/data
# The commit this image is built from (npm run release:image passes `git rev-parse HEAD`): the bot
# names it in its start-up line and its build_info gauge, and never runs git itself. Declared
# last, so a new commit rebuilds no layer above.
ARG MIGRATE_BOT_REVISION=unknown
ENV MIGRATE_BOT_REVISION=$MIGRATE_BOT_REVISION
USER node
EXPOSE 3000
# /metrics and the probes (METRICS_PORT): publish it only to your monitoring.
EXPOSE 9090
VOLUME ["/app/data"]
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/src/main.js"]
