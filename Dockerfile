# twofold worker / gateway / emulator image. Multi-stage: dependencies are installed and the workflow
# bundle is prebuilt in a build stage; the runtime stage runs as a non-root user.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY scripts/build-workflow-bundle.ts ./scripts/
# Production workers start from a prebuilt bundle instead of bundling at start-up.
RUN npx tsx scripts/build-workflow-bundle.ts /app/workflow-bundle.js && npm prune --omit=dev

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    TWOFOLD_WORKFLOW_BUNDLE=/app/workflow-bundle.js
WORKDIR /app
COPY --from=build --chown=node:node /app /app
USER node
ENTRYPOINT ["node", "bin/twofold.js"]
CMD ["worker"]
