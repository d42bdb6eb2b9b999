import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { PageWindow } from '../common/paging';
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

  /** The scale, locked until the transaction ends, so two edits apply one after the other. */
  findForUpdate(manager: EntityManager, id: number): Promise<PointsScale | null> {
    return manager.getRepository(PointsScale).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** A page of scales, oldest first. */
  async page(manager: EntityManager, page: PageWindow): Promise<{ total: number; rows: PointsScale[] }> {
    const [rows, total] = await manager.getRepository(PointsScale).findAndCount({ order: { id: 'ASC' }, skip: page.offset, take: page.limit });
    return { total, rows };
  }

  /** Every board scored with the scale, active or not (as a board's own config change marks it). */
  async boardsUsing(manager: EntityManager, scaleId: number): Promise<number[]> {
    const rows: { id: number }[] = await manager.query('SELECT id FROM leaderboard WHERE points_scale_id = $1 ORDER BY id', [scaleId]);
    return rows.map((row) => row.id);
  }
}
