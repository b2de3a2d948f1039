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
const services = createServices({
  db, clock: systemClock,
  limits: { importMaxBytes: config.importMaxBytes, profileImportMaxBytes: config.profileImports.maxBytes },
  imports: { dir: config.profileImports.dir, leaseMs: config.profileImports.leaseMs, batchSize: config.profileImports.batchSize },
});
const app = await buildApp({ services, logger, bodyLimit: config.bodyLimit });
// A write in this process wakes the membership worker at once rather than at its next poll.
app.addHook('onResponse', async (req) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') services.membership.nudge();
});
await app.listen({ host: config.host, port: config.port });
const membership = services.membership.start({ onError: (err) => logger.error({ err }, 'membership worker step failed; it will be retried') });
const jobs = services.jobs.start({ onError: (err) => logger.error({ err }, 'background job failed; it will be retried') });
const webhooks = services.webhookWorker.start({ onError: (err) => logger.error({ err }, 'webhook worker step failed; it will be retried') });
// Resumes the imports a stop or crash left running (from their last committed batch), then runs new ones.
const imports = services.imports.worker.start({ onError: (err) => logger.error({ err }, 'import batch failed; it will be retried') });
logger.info({ store: db.dialect }, `Audience is listening on http://localhost:${config.port} (API docs at /docs)`);

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, async () => {
    await app.close();
    await jobs.stop();
    await imports.stop();
    await webhooks.stop();
    await membership.stop();
    await db.close();
    process.exit(0);
  });
}
