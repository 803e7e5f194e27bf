# syntax=docker/dockerfile:1
# Every Node runnable (the gateway and the services) as a container image: WORKSPACE names
# which, PORT the port it listens on (the process's own default). Built from the repository
# root (the context every image shares):
#   docker build -f scripts/docker/node.Dockerfile --build-arg WORKSPACE=services/bpm \
#     --build-arg PORT=3003 -t expedientes/bpm .
ARG NODE_VERSION=26

# Build stage: compiles the workspace and lays out what runs under /out/app
# (scripts/docker/build-workspace.sh), with main.js leading to the workspace's entry point.
# better-sqlite3 compiles from source where no prebuilt binary fits, hence the build tools,
# which stay in this stage.
FROM node:${NODE_VERSION}-alpine AS build
ARG WORKSPACE
RUN apk add --no-cache python3 make g++
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.npm test -f "${WORKSPACE}/package.json" \
    && sh scripts/docker/build-workspace.sh "${WORKSPACE}" /out/app \
    && ln -s "${WORKSPACE}/dist/main.js" /out/app/main.js

# Runtime stage: compiled code and production dependencies only, owned by root and run by the
# image's unprivileged user `node`, by number so Kubernetes can tell it is not root.
FROM node:${NODE_VERSION}-alpine
ARG PORT=8080
ENV NODE_ENV=production PORT=${PORT}
WORKDIR /app
COPY --from=build /out/app ./
COPY scripts/docker/healthcheck.js ./
USER 1000:1000
EXPOSE ${PORT}
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["node", "healthcheck.js"]
CMD ["node", "main.js"]
