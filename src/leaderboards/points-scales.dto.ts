import { ApiProperty, PartialType } from '@nestjs/swagger';
import { PageView } from '../common/paging';
import { CreatePointsScaleDto, PointsScaleView } from './leaderboards.dto';

/**
 * PATCH /api/points-scales/:id: the create DTO with every field optional, so the scale's fields
 * (including any added later) are editable with the same validation. A setting set to null is
 * removed (it falls back to its default); name and kind cannot be null.
 */
export class UpdatePointsScaleDto extends PartialType(CreatePointsScaleDto) {}

export class PointsScalePage extends PageView<PointsScaleView> {
  @ApiProperty({ type: [PointsScaleView], description: 'Oldest first (by id)' })
  items: PointsScaleView[];
}
