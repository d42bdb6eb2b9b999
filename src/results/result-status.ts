export const RESULT_STATUSES = ['FIN', 'DNF', 'DNS', 'DSQ'] as const;
export type ResultStatus = (typeof RESULT_STATUSES)[number];
