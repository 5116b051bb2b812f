# Gatehouse: a multi-stage image with production dependencies only, run as a non-root user.
# Build: docker build -t gatehouse .     Run: see compose.yaml and docs/deploy.md.
# Node.js 24 LTS in both stages: the native modules built in the first are loaded by the second, so
# their Node (ABI) must be the same.

# --- build: native modules compiled here (better-sqlite3, argon2 fall back to a source build without a
# prebuilt binary), the TypeScript compiled to dist/, then the dev dependencies pruned
FROM node:24-slim AS deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# --- runtime: no compilers, no npm cache, no dev dependencies
FROM node:24-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --chown=root:root package.json ./
COPY --chown=root:root bin ./bin
# Only the compiled output: bin/gatehouse.cjs runs dist/ when there are no sources beside it.
COPY --from=deps --chown=root:root /app/dist ./dist
COPY --chown=root:root public ./public
# The code stays owned by root (read-only to the app); only ./data (the embedded SQLite database
# and its generated key, when no DATABASE_URL is given) is the app user's.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
VOLUME ["/app/data"]
# /healthz answers while the process is up (node:24-slim has no curl).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM (docker stop) drains requests in flight, closes the pool and exits 0 within 8 s.
STOPSIGNAL SIGTERM
# A smaller young generation keeps the heap ≈ 60–100 MiB lower under load at the same speed (bench/README.md).
CMD ["node", "--max-semi-space-size=8", "bin/gatehouse.cjs", "serve"]
