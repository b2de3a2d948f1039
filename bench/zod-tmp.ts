import { z } from 'zod';
const ErrorShape = z.object({ code: z.string(), message: z.string(), path: z.string().optional(), details: z.unknown().optional() });
const ItemResult = z.object({ index: z.number().int(), status: z.enum(['stored', 'duplicate', 'error']), message_id: z.string().optional(), profile_id: z.string().optional(), error: ErrorShape.optional() });
const S = z.object({ results: z.array(ItemResult) });
const data = { results: Array.from({ length: 1000 }, (_, i) => ({ index: i, status: 'stored', message_id: crypto.randomUUID(), profile_id: crypto.randomUUID() })) };
for (let k = 0; k < 3; k++) { const t = performance.now(); for (let j = 0; j < 20; j++) JSON.stringify(z.encode(S, data as any)); console.log('encode+stringify', ((performance.now() - t) / 20).toFixed(2)); }
for (let k = 0; k < 3; k++) { const t = performance.now(); for (let j = 0; j < 20; j++) JSON.stringify(data); console.log('stringify', ((performance.now() - t) / 20).toFixed(2)); }
const body = JSON.stringify({ batch: Array.from({ length: 1000 }, (_, i) => ({ type: 'track', userId: `user-${i}`, event: 'page_viewed', messageId: crypto.randomUUID(), timestamp: new Date().toISOString(), properties: { path: `/products/${i}`, amount: 1.5, currency: 'EUR' } })) });
for (let k = 0; k < 3; k++) { const t = performance.now(); for (let j = 0; j < 20; j++) JSON.parse(body); console.log('parse body', ((performance.now() - t) / 20).toFixed(2), body.length); }
