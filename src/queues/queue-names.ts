/** The queues of DESIGN.md "Asynchronous model": the platform's own work. */
export const PLATFORM_QUEUES = ['budget', 'sync', 'uploads', 'webhooks'] as const;
/** Every queue: the platform's, and `activity`, where synthetic users' actions wait for their time. */
export const QUEUE_NAMES = [...PLATFORM_QUEUES, 'activity'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];
export type PlatformQueue = (typeof PLATFORM_QUEUES)[number];
