/** The queues of DESIGN.md "Asynchronous model". */
export const QUEUE_NAMES = ['budget', 'sync', 'uploads', 'webhooks'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];
