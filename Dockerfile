# syntax=docker/dockerfile:1
# Multi-stage: dependencies are installed (and better-sqlite3 compiled) in a build stage with the
# toolchain; the runtime stage has production dependencies only, Debian's Chromium for WhatsApp
# Web, runs as a non-root user, and keeps its data in a volume.

FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .puppeteerrc.cjs prisma.config.ts tsconfig.json ./
COPY prisma ./prisma
# postinstall generates the read side's Prisma Client (both providers) from the schema.
COPY src/db/generate-clients.ts src/db/generate-migrations.ts ./src/db/
RUN npm ci --omit=dev --no-audit --no-fund
COPY src ./src
COPY flows ./flows
COPY locales ./locales

FROM node:20-bookworm-slim AS runtime
RUN apt-get update && apt-get install -y --no-install-recommends chromium fonts-noto-core tini curl \
  && rm -rf /var/lib/apt/lists/* \
  && useradd --create-home --uid 10001 bot
ENV NODE_ENV=production \
    PORT=3000 \
    DATABASE_URL=file:/data/bot.db \
    WHATSAPP_WEB_SESSION_DIR=/data/whatsapp-web \
    CHROMIUM_PATH=/usr/bin/chromium
WORKDIR /app
COPY --from=build --chown=bot:bot /app /app
RUN mkdir -p /data && chown bot:bot /data
VOLUME ["/data"]
USER bot
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD curl -fsS http://127.0.0.1:3000/healthz || exit 1
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--import", "tsx", "src/main.ts"]
