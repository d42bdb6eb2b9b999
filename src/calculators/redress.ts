/** Redress (RDG) by average, RRS A9: scored once every other event score of the rider is known. */
import { STATUS_CODE } from './packed-format';
import { resolveCodes } from './status-codes';
import { kindStatus, ScoreStore } from './store';
import { PointsScaleConfig } from './types';

const { RDG } = STATUS_CODE;

/**
 * Gives each RDG line of an averaging rule the average of the rider's event scores without an
 * RDG (all of them, or those of the rule's events), to the nearest tenth (0.05 up), and updates
 * its event score. With no such score to average, the line keeps the DNC score scoreRace gave.
 * Individual boards only: `raceEvent` is each race's event id.
 */
export function applyRedress(store: ScoreStore, scale: PointsScaleConfig, raceEvent: number[]): void {
  const rule = resolveCodes(scale)[RDG];
  if (rule.rule !== 'REDRESS') return;
  const { firstLine, lineKind, lineMilli, lineRace, milli, scoreStart } = store;
  let any = false;
  for (let l = 0; l < store.lines && !any; l++) any = kindStatus(lineKind[l]) === RDG;
  if (!any) return;
  const listed = rule.eventIds === null ? null : new Set(rule.eventIds);
  const isRedress = (s: number) => {
    for (let l = firstLine[s]; l < firstLine[s + 1]; l++) if (kindStatus(lineKind[l]) === RDG) return true;
    return false;
  };
  for (let e = 0; e < store.entries; e++) {
    const first = scoreStart[e];
    const end = scoreStart[e + 1];
    let sum = 0;
    let n = 0;
    let redressed = false;
    for (let s = first; s < end; s++) {
      if (isRedress(s)) redressed = true;
      else if (listed === null || listed.has(raceEvent[lineRace[firstLine[s]]])) (sum += milli[s]), (n += 1);
    }
    if (!redressed || n === 0) continue;
    // In thousandths: to the nearest hundred, halves up (the epsilon absorbs binary fractions).
    const average = Math.floor(sum / n / 100 + 0.5 + 1e-9) * 100;
    for (let s = first; s < end; s++) {
      if (!isRedress(s)) continue;
      let total = 0;
      for (let l = firstLine[s]; l < firstLine[s + 1]; l++) {
        if (kindStatus(lineKind[l]) === RDG) lineMilli[l] = average;
        total += lineMilli[l];
      }
      milli[s] = total;
    }
  }
}
