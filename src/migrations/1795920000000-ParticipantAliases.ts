import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rider identity after merges: `participant_alias` holds the name and licence of a rider merged
 * into another (POST /api/participants/:id/merge), so that later imports of the old spelling or
 * licence find the merged rider. A licence lives on one participant or one alias at a time (the
 * merge moves it), hence its own unique index; names repeat freely.
 */
export class ParticipantAliases1795920000000 implements MigrationInterface {
  name = 'ParticipantAliases1795920000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE participant_alias (
        id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        participant_id integer NOT NULL REFERENCES participant(id) ON DELETE CASCADE,
        first_name     text NOT NULL,
        last_name      text NOT NULL,
        external_id    text,
        -- The merged rider's id, kept for the record: that participant row is gone.
        merged_from    integer NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX participant_alias_owner_idx ON participant_alias (participant_id)`);
    // The import's alias probe, as participant_name_idx serves its namesake probe.
    await q.query(`CREATE INDEX participant_alias_name_idx ON participant_alias (lower(last_name), lower(first_name))`);
    await q.query(`CREATE UNIQUE INDEX participant_alias_external_id_uq ON participant_alias (external_id) WHERE external_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE participant_alias`);
  }
}
