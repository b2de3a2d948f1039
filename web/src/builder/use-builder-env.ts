import { useAllSegments, useAttributes, useChannels, useEventNames, useLists, useTags } from '../queries.ts';
import type { BuilderEnv } from './rule-builder.tsx';

/** The lookups the condition editors pick from, from the shared query cache. */
export function useBuilderEnv(o: { errors: Map<string, string>; readOnly: boolean; selfId?: string }): BuilderEnv {
  const attributes = useAttributes();
  const eventNames = useEventNames();
  const tags = useTags();
  const lists = useLists();
  const segments = useAllSegments();
  const channels = useChannels();
  return {
    attributes: attributes.data ?? [], eventNames: eventNames.data ?? [], tags: tags.data ?? [], lists: lists.data ?? [],
    segments: segments.data ?? [], channels: channels.data ?? [], ...o,
  };
}
