import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ATTRIBUTE_TYPES } from '../../attributes/types.ts';
import { rejectUnstorableInput } from '../text-guard.ts';
import type { RoutePlugin } from './index.ts';

const Attribute = z.object({
  name: z.string(),
  type: z.enum(ATTRIBUTE_TYPES),
  label: z.string(),
  standard: z.boolean().describe('Every workspace has it'),
  derived: z.boolean().describe('Computed (age, from birthdate); read-only'),
});

/** The attribute registry: standard, derived and custom attributes with their types. */
export const attributeRoutes: RoutePlugin = async (app, { services }) => {
  app.addHook('preValidation', rejectUnstorableInput);
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/v1/attributes', {
    config: { scope: 'read' },
    schema: { tags: ['attributes'], summary: 'Every attribute: standard, derived (age) and custom, with its type', response: { 200: z.object({ data: z.array(Attribute) }) } },
  }, async (req) => ({ data: await services.attributes.list(req.auth.workspaceId) }));

  r.post('/v1/attributes', {
    config: { scope: 'write' },
    schema: {
      tags: ['attributes'],
      summary: 'Declare a custom attribute (201); declaring it again with the same type is a 200, with another type a 409',
      description: 'Custom attributes are also created on first use, with a type inferred from the first value. Values written later are coerced to the type ("42" into a number is 42) or refused with a 422.',
      body: z.object({
        name: z.string().min(1).max(200).describe('Letters, digits and _, starting with a letter; at most 64 characters; not a standard name'),
        type: z.enum(ATTRIBUTE_TYPES),
        label: z.string().min(1).max(200).optional(),
      }),
      response: { 200: Attribute, 201: Attribute },
    },
  }, async (req, reply) => {
    const { attribute, created } = await services.attributes.declare(req.auth.workspaceId, req.body);
    return reply.status(created ? 201 : 200).send(attribute);
  });
};
