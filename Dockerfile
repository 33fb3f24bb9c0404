# syntax=docker/dockerfile:1
# Larder's image: compiled in a build stage, run from a clean one as the unprivileged
# `node` user. Configuration comes from the environment (README, docs/deploy.md).
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary matches the platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Without scripts: `prepare` compiles sources that are not copied yet; the one native
# addon is then built on its own.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3
COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY views ./views
COPY data ./data
RUN npx tsc -p tsconfig.json \
 && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    LARDER_STORAGE=/var/lib/larder
WORKDIR /app
RUN mkdir -p /var/lib/larder \
 && chown node:node /var/lib/larder
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/bin ./bin
COPY --from=build /app/views ./views
# The bundled catalog (USDA SR28), loaded into an empty database on first start, and the
# common English words the search tells look-alikes by (data/english-words.txt.gz).
COPY --from=build /app/data ./data
USER node
# The signing keys (and the SQLite file, when DATABASE_URL is not PostgreSQL) live here.
VOLUME ["/var/lib/larder"]
EXPOSE 3000
# /readyz answers 200 only when the database, migrations and catalog are ready.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/main.js"]
