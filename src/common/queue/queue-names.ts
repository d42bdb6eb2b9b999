/**
 * The BullMQ queues of the deployment, named here so that generic consumers (metrics, the
 * dashboard, start-up lines) can reach them without importing the features that own them.
 */
export const RECALC_QUEUE = 'recalculation';
export const NOTIFICATIONS_QUEUE = 'notifications';
