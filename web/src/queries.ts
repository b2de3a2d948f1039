import { useQuery } from '@tanstack/react-query';
import { get } from './api.ts';
import type { Attribute, Channel, EventName, List, Page, Segment, Tag } from './types.ts';

/** The workspace's lookups, shared by several pages and cached for a minute. */
const LOOKUP = { staleTime: 60_000 };

export const useAttributes = () =>
  useQuery({ queryKey: ['attributes'], queryFn: ({ signal }) => get<{ data: Attribute[] }>('/v1/attributes', signal).then((r) => r.data), ...LOOKUP });
export const useTags = () =>
  useQuery({ queryKey: ['tags'], queryFn: ({ signal }) => get<{ data: Tag[] }>('/v1/tags', signal).then((r) => r.data), ...LOOKUP });
export const useLists = () =>
  useQuery({ queryKey: ['lists'], queryFn: ({ signal }) => get<{ data: List[] }>('/v1/lists', signal).then((r) => r.data), ...LOOKUP });
export const useChannels = () =>
  useQuery({ queryKey: ['channels'], queryFn: ({ signal }) => get<{ data: Channel[] }>('/v1/channels', signal).then((r) => r.data), ...LOOKUP });
export const useEventNames = () =>
  useQuery({ queryKey: ['event-names'], queryFn: ({ signal }) => get<{ data: EventName[] }>('/v1/event-names', signal).then((r) => r.data), ...LOOKUP });
/** Every segment (for pickers and the profile's "segments it is in"). */
export const useAllSegments = () =>
  useQuery({
    queryKey: ['segments', 'all'],
    queryFn: ({ signal }) => get<Page<Segment>>('/v1/segments?limit=500&sort=name', signal).then((r) => r.data),
    ...LOOKUP,
  });
