import { Injectable } from '@nestjs/common';
import { ScoringError, validatePointsScale } from '../calculators';
import { TransactionRunner } from '../common/database/transaction-runner';
import { InvalidInputError, NotFoundError } from '../common/errors/domain-errors';
import { CreatePointsScaleDto, PointsScaleView } from './leaderboards.dto';
import { PointsScale, PointsScaleSettings } from './points-scale.entity';
import { PointsScalesRepository } from './points-scales.repository';
import { toPointsScaleConfig } from './board-config';

@Injectable()
export class PointsScalesService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly scales: PointsScalesRepository,
  ) {}

  async create(dto: CreatePointsScaleDto): Promise<PointsScaleView> {
    const { name, kind, ...settings } = dto;
    // A scale written the new way scores codes by their defaults; one with statusPoints alone, as scales did before the codes.
    if (settings.codes === undefined && settings.statusPoints === undefined) settings.codes = {};
    return this.tx.run(async ({ manager }) => {
      const scale = this.scales.build(manager, { name, kind, config: settings as PointsScaleSettings });
      rejectUnscorable(() => validatePointsScale(toPointsScaleConfig(scale)));
      return toView(await this.scales.save(manager, scale));
    });
  }

  async get(id: number): Promise<PointsScaleView> {
    return toView(await this.require(id));
  }

  async require(id: number): Promise<PointsScale> {
    const scale = await this.tx.run(({ manager }) => this.scales.find(manager, id));
    if (!scale) throw new NotFoundError('Points scale', id);
    return scale;
  }
}

/** Turns the calculators' refusal of a configuration into a 400 that names the setting. */
export function rejectUnscorable(check: () => void): void {
  try {
    check();
  } catch (err) {
    if (err instanceof ScoringError) {
      throw new InvalidInputError([{ field: err.path ?? 'config', message: err.message }]);
    }
    throw err;
  }
}

function toView(scale: PointsScale): PointsScaleView {
  return { id: scale.id, name: scale.name, kind: scale.kind, ...scale.config };
}
