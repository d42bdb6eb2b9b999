import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { PointsScale, PointsScaleSettings } from './points-scale.entity';

/** Points scales (how positions become points). */
@Injectable()
export class PointsScalesRepository {
  /** A new, unsaved scale: validated before it is inserted. */
  build(manager: EntityManager, fields: { name: string; kind: PointsScale['kind']; config: PointsScaleSettings }): PointsScale {
    return manager.getRepository(PointsScale).create(fields);
  }

  save(manager: EntityManager, scale: PointsScale): Promise<PointsScale> {
    return manager.getRepository(PointsScale).save(scale);
  }

  /** The scale of a board being computed: its absence fails the run (EntityNotFoundError). */
  get(manager: EntityManager, id: number): Promise<PointsScale> {
    return manager.getRepository(PointsScale).findOneByOrFail({ id });
  }

  find(manager: EntityManager, id: number): Promise<PointsScale | null> {
    return manager.getRepository(PointsScale).findOneBy({ id });
  }
}
