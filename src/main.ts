import pino from 'pino';
import { readConfig } from './config.ts';
import { openDb } from './db/open.ts';
import { buildApp } from './http/app.ts';
import { createServices } from './services.ts';
import { systemClock } from './shared/clock.ts';

/** Composition root: config → store → services → HTTP. */
const config = readConfig();
const logger = pino({ level: config.logLevel, redact: ['req.headers.authorization', '*.apiKey', '*.password', '*.secret'] });
const db = await openDb(config.store);
const services = createServices({ db, clock: systemClock });
const app = await buildApp({ services, logger, bodyLimit: config.bodyLimit });
await app.listen({ host: config.host, port: config.port });
logger.info({ store: db.dialect }, `Audience is listening on http://localhost:${config.port} (API docs at /docs)`);

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, async () => {
    await app.close();
    await db.close();
    process.exit(0);
  });
}
