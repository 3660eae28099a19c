# syntax=docker/dockerfile:1.7
# invoice-gateway image: built in one stage, production dependencies installed in another, and a
# runtime stage that holds only node, the production node_modules and the compiled app.
# The Node version is pinned to a release tag; .ci/node24 runs the test suites on this exact
# version (it reads it from the FROM lines below), so keep all three FROM lines equal.
# Build: docker build --build-arg VERSION=0.1.0 --build-arg REVISION=$(git rev-parse HEAD) \
#          --build-arg CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ) -t invoice-gateway:0.1.0 .

# --- compile TypeScript (swc) with the full dev toolchain
FROM node:24.22.3-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json .swcrc ormconfig.ts ./
COPY src ./src
COPY libs ./libs
COPY console ./console
# the app only: tests, benchmarks and their fixtures are not in the build context (.dockerignore);
# the operations console is bundled by Vite into dist/console (served at /console, no CDN)
RUN npx swc src libs ormconfig.ts -d dist --config-file .swcrc --copy-files --quiet \
 && npx vite build -c console/vite.config.ts \
 && test -f dist/src/main.js && test -f dist/src/cli.js && test -f dist/console/index.html

# --- production dependencies only, exactly from the lock
FROM node:24.22.3-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime
FROM node:24.22.3-bookworm-slim AS runtime
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="invoice-gateway" \
      org.opencontainers.image.description="One API for invoices, credit notes, statuses and remittances across DMS, GEP SMART, GEP Quantum and Delivery Solutions" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.licenses="UNLICENSED" \
      org.opencontainers.image.base.name="docker.io/library/node:24.22.3-bookworm-slim"
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATA_DIR=/data
WORKDIR /app
# The runtime user owns nothing but /data (the embedded database's folder, for local runs only:
# production sets DATABASE_URL). Everything under /app belongs to root and is read-only to it.
RUN groupadd --system --gid 10001 gateway \
 && useradd --system --uid 10001 --gid gateway --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin gateway \
 && mkdir -p /data && chown gateway:gateway /data && chmod 0750 /data
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --from=build --chown=root:root /app/package.json ./package.json
# fail the build if anything under /app is writable by the runtime user's group or others
RUN if find /app \( -perm -g+w -o -perm -o+w \) ! -type l -print -quit | grep -q .; then \
      echo 'files under /app are writable by group or others' >&2; exit 1; fi
USER 10001:10001
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
# node itself is PID 1 and handles SIGTERM/SIGINT (graceful drain, see docs/operations.md "Shutdown").
# The CLI runs in the same image: docker run --rm -e DATABASE_URL=... IMAGE node dist/src/cli.js --help
CMD ["node", "dist/src/main.js"]
