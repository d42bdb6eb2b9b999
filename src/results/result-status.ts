import { PLACED_STATUSES, RegisteredCodes, Status, STATUSES } from '../calculators/packed-format';
import { knownCodes } from '../calculators/validate';

/** The built-in statuses (the calculators' codes: FIN, DNF, DNS, DSQ and the RRS codes DNC … RDG). */
export const RESULT_STATUSES: readonly Status[] = STATUSES;
/** A result's status: a built-in one, or an organiser-defined code of the registry (status_code). */
export type ResultStatus = string;
/** Statuses that keep a place: a finisher, or a penalty on the place (ZFP, SCP, DPI). Organiser-defined codes are unplaced. */
export const PLACED_RESULT_STATUSES: readonly ResultStatus[] = PLACED_STATUSES;
/** How a status is written: capitals and digits, a capital first (the registry's rule; every built-in fits). */
export const STATUS_FORMAT = /^[A-Z][A-Z0-9]{1,9}$/;

/** A non-finisher sent with a place (as timing systems export a DNF): the place is dropped, and this says so. */
export function placeIgnored(status: ResultStatus, position: number): string {
  return `a ${status} rider has no place; the place ${position} was ignored`;
}

/** Whether results may carry `status` now: a built-in code, or one of the registry's. */
export function isKnownStatus(status: string, registered: RegisteredCodes): boolean {
  return STATUSES.includes(status as Status) || Object.prototype.hasOwnProperty.call(registered, status);
}

/** What a message about an unknown status lists: every code but FIN, built-in then the registry's. */
export function knownStatusList(registered: RegisteredCodes): string {
  return knownCodes(registered).join(', ');
}
