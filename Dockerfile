# twofold worker / gateway / emulator image. Multi-stage: the build stage installs every dependency,
# compiles src/ to dist/ (`npm run build`), prebuilds the workflow bundle and prunes dev dependencies
# (tsx, esbuild, TypeScript); the runtime stage gets only compiled JavaScript and production modules,
# owned by root and read-only for the unprivileged `node` user that runs them (docs/security.md).
# Base images are pinned to exact versions (no digest was available offline; pin one with
# `docker buildx imagetools inspect node:22.21.1-bookworm-slim` when you can).
FROM node:22.21.1-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY scripts/build-workflow-bundle.ts scripts/copy-build-assets.js ./scripts/
# Production workers start from a prebuilt bundle instead of bundling at start-up.
RUN npm run build \
  && npx tsx scripts/build-workflow-bundle.ts /app/workflow-bundle.js \
  && npm prune --omit=dev

FROM node:22.21.1-bookworm-slim AS runtime
ENV NODE_ENV=production \
    TWOFOLD_WORKFLOW_BUNDLE=/app/workflow-bundle.js
WORKDIR /app
# No --chown: root owns the code, so the process cannot rewrite what it runs. No src/, no tsx:
# bin/twofold.js runs dist/.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
COPY --from=build /app/workflow-bundle.js ./
USER node
ENTRYPOINT ["node", "bin/twofold.js"]
CMD ["worker"]
