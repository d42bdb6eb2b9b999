import { scoreRace } from './points';
import { PointsScaleConfig, RaceScorer } from './types';

/**
 * Race scores kept from one computation to the next, for a caller that hands the calculators the
 * same results arrays run after run and never writes into them (the worker: its RacePackMemo
 * keeps each race's decoded results while the race's pack is unchanged). A race's scores are
 * kept on its results array (a WeakMap: they go when the array goes) with everything else
 * scoreRace reads: the scale (as JSON), the multiplier and the riders entered in the series.
 * Any of these different, the race is scored again. So after a one-result edit only the edited
 * race, or every race when the scale or the field changed, is scored. Output is unchanged:
 * scoreRace is a function of exactly these inputs.
 */
export class RaceScoreMemo {
  private readonly scores = new WeakMap<Int32Array, { key: string; milli: Float64Array }>();

  /** A scorer for one computation on `scale`: each race scored once, or taken from an earlier computation's. */
  scorer(scale: PointsScaleConfig): RaceScorer {
    const scaleKey = JSON.stringify(scale);
    return (results, multiplier, enteredInSeries) => {
      const key = `${multiplier} ${enteredInSeries} ${scaleKey}`;
      const kept = this.scores.get(results);
      if (kept !== undefined && kept.key === key) return kept.milli;
      const milli = scoreRace(scale, results, multiplier, enteredInSeries);
      this.scores.set(results, { key, milli });
      return milli;
    };
  }
}

/** scoreRace on `scale`, nothing kept. */
export function plainScorer(scale: PointsScaleConfig): RaceScorer {
  return (results, multiplier, enteredInSeries) => scoreRace(scale, results, multiplier, enteredInSeries);
}
