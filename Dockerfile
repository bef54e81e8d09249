# syntax=docker/dockerfile:1
# sitesim: one image for every role: SIM_ROLE=api | worker | all (node dist/src/main.js),
# node dist/src/worker.js, and the one-shot node dist/src/cli/prepare.js (migrations, demo sandbox).

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# Uploaded files (SIM_STORAGE_DIR): a volume mounted here starts out owned by node.
RUN mkdir -p /data/storage && chown node:node /data/storage
ENV SIM_STORAGE_DIR=/data/storage
USER node
EXPOSE 3000
CMD ["node", "dist/src/main.js"]
