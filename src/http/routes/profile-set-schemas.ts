import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { BulkResult } from '../../profile-sets/bulk.ts';
import { JobView, toJobView } from './jobs.ts';

/** What lists and tags share over HTTP: the bulk body and its two answers (counts now, or a job). */
export const SelectionBody = z.object({
  profile_ids: z.array(z.string().max(100)).min(1).max(100_000).optional().describe('Profile ids'),
  rule: z.record(z.string(), z.unknown()).optional().describe('Instead of ids: a segment rule; everyone it matches now'),
}).refine((b) => (b.profile_ids === undefined) !== (b.rule === undefined), { message: 'give profile_ids or rule (one of them)', path: ['profile_ids'] })
  .describe('Over 10,000 profiles the change runs as a background job (202); up to that it is one transaction (200)');

/** The service's view of the body: ids, or a rule read in the workspace time zone. */
export function selection(body: z.infer<typeof SelectionBody>, timezone: string): { profileIds: string[] } | { rule: unknown; timezone: string } {
  return body.rule !== undefined ? { rule: body.rule, timezone } : { profileIds: body.profile_ids ?? [] };
}

export const BulkCounts = z.object({
  changed: z.number().describe('Profiles added or removed'),
  unchanged: z.number().describe('Profiles that were already in (add) or not in (remove)'),
  invalid: z.number().describe('Ids that are malformed or not a profile of this workspace'),
});

export const bulkResponses = { 200: BulkCounts, 202: z.object({ job: JobView }) };

export function sendBulk(reply: FastifyReply, result: BulkResult): FastifyReply {
  return 'job' in result ? reply.status(202).send({ job: toJobView(result.job) }) : reply.status(200).send(result.done);
}

export const Name = z.string().trim().min(1).max(200);
