import { PLACED_STATUSES, Status, STATUSES } from '../calculators/packed-format';

/** Every status a result may carry (the calculators' codes: FIN, DNF, DNS, DSQ and the RRS codes DNC … RDG). */
export const RESULT_STATUSES: readonly ResultStatus[] = STATUSES;
export type ResultStatus = Status;
/** Statuses that keep a place: a finisher, or a penalty on the place (ZFP, SCP, DPI). */
export const PLACED_RESULT_STATUSES: readonly ResultStatus[] = PLACED_STATUSES;

/** A non-finisher sent with a place (as timing systems export a DNF): the place is dropped, and this says so. */
export function placeIgnored(status: ResultStatus, position: number): string {
  return `a ${status} rider has no place; the place ${position} was ignored`;
}
