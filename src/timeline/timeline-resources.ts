import type { ResourceName } from '../changes/change-log.service';

/** The items a timeline can be read for: their own route (visibility), children in the change log, attachment type. */
export interface TimelineResource {
  path: string;
  /** Its table (a constant, never from the request): the item's own row says it exists and when it was created. */
  table: string;
  children: { resource: ResourceName; key: string }[];
  attachment: string | null;
  /** Its changes reach the budget through a sync job and a recalculation. */
  budget: boolean;
}

export const RESOURCES = {
  RFIs: { path: 'rfis', table: 'rfis', children: [{ resource: 'RFI Replies', key: 'rfiId' }], attachment: 'rfi', budget: false },
  Submittals: { path: 'submittals', table: 'submittals', children: [], attachment: 'submittal', budget: false },
  'Change Orders': { path: 'change_orders', table: 'change_orders', children: [], attachment: null, budget: true },
  Commitments: { path: 'commitments', table: 'commitments', children: [], attachment: null, budget: true },
  Images: { path: 'images', table: 'images', children: [], attachment: 'image', budget: false },
  Drawings: { path: 'drawings', table: 'drawings', children: [], attachment: null, budget: false },
} as const satisfies Partial<Record<ResourceName, TimelineResource>>;

export type TimelineResourceName = keyof typeof RESOURCES;
export const TIMELINE_RESOURCES = Object.keys(RESOURCES) as TimelineResourceName[];
