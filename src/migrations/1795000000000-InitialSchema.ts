import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole domain model of DESIGN.md, laid down at once so later features add logic, not churn.
 * The database enforces what it can: keys, state codes, the event-xor-leaderboard rule of a
 * result set, one public set per race, one live standings set per board, unique standings keys.
 */
export class InitialSchema1795000000000 implements MigrationInterface {
  name = 'InitialSchema1795000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE series (
        id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        season        text,
        custom1_label text,
        custom2_label text,
        custom3_label text,
        created_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE event (
        id                integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        series_id         integer NOT NULL REFERENCES series(id) ON DELETE CASCADE,
        name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        date              date NOT NULL,
        starred           boolean NOT NULL DEFAULT false,
        points_multiplier double precision NOT NULL DEFAULT 1 CHECK (points_multiplier > 0),
        created_at        timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX event_series_idx ON event (series_id, date)`);
    await q.query(`
      CREATE TABLE custom_list (
        id        integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        series_id integer NOT NULL REFERENCES series(id) ON DELETE CASCADE,
        slot      smallint NOT NULL CHECK (slot BETWEEN 1 AND 3),
        name      text NOT NULL,
        UNIQUE (series_id, slot)
      )`);
    await q.query(`
      CREATE TABLE custom_list_value (
        id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        custom_list_id integer NOT NULL REFERENCES custom_list(id) ON DELETE CASCADE,
        name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200)
      )`);
    await q.query(`CREATE UNIQUE INDEX custom_list_value_name_uq ON custom_list_value (custom_list_id, lower(name))`);
    await q.query(`
      CREATE TABLE participant (
        id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        external_id text,
        first_name  text NOT NULL,
        last_name   text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX participant_external_id_uq ON participant (external_id) WHERE external_id IS NOT NULL`);
    await q.query(`CREATE INDEX participant_name_idx ON participant (lower(last_name), lower(first_name))`);

    await q.query(`
      CREATE TABLE points_scale (
        id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        kind       text NOT NULL CHECK (kind IN ('TABLE', 'LINEAR', 'FIELD_SIZE', 'PERCENT_OF_FIELD')),
        config     jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE leaderboard (
        id                integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        series_id         integer NOT NULL REFERENCES series(id) ON DELETE CASCADE,
        name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        type              text NOT NULL CHECK (type IN ('INDIVIDUAL', 'SCHOOL', 'TOP_SCHOOLS', 'GROUP')),
        points_scale_id   integer NOT NULL REFERENCES points_scale(id),
        event_scope       text NOT NULL DEFAULT 'ALL' CHECK (event_scope IN ('ALL', 'STARRED', 'LISTED')),
        best_of           integer CHECK (best_of >= 1),
        drop_worst        integer CHECK (drop_worst >= 0),
        min_events        integer CHECK (min_events >= 0),
        below_min_events  text NOT NULL DEFAULT 'UNRANKED' CHECK (below_min_events IN ('UNRANKED', 'EXCLUDE')),
        counting_riders   integer CHECK (counting_riders >= 1),
        min_riders        integer CHECK (min_riders >= 0),
        group_by          text[] NOT NULL DEFAULT '{}',
        tie_breaks        text[] NOT NULL DEFAULT '{COUNTBACK,MOST_RECENT}',
        ranking           text NOT NULL DEFAULT 'STANDARD' CHECK (ranking IN ('STANDARD', 'DENSE')),
        initial_state     char(1) NOT NULL DEFAULT 'P' CHECK (initial_state IN ('-', 'P')),
        active            boolean NOT NULL DEFAULT true,
        created_at        timestamptz NOT NULL DEFAULT now(),
        updated_at        timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX leaderboard_series_idx ON leaderboard (series_id) WHERE active`);
    await q.query(`
      CREATE TABLE leaderboard_category (
        leaderboard_id integer NOT NULL REFERENCES leaderboard(id) ON DELETE CASCADE,
        code           text NOT NULL CHECK (length(code) BETWEEN 1 AND 100),
        multiplier     double precision NOT NULL DEFAULT 1 CHECK (multiplier > 0),
        ordinal        smallint NOT NULL,
        PRIMARY KEY (leaderboard_id, code)
      )`);
    await q.query(`
      CREATE TABLE leaderboard_event (
        leaderboard_id integer NOT NULL REFERENCES leaderboard(id) ON DELETE CASCADE,
        event_id       integer NOT NULL REFERENCES event(id) ON DELETE CASCADE,
        listed         boolean NOT NULL DEFAULT false,
        non_droppable  boolean NOT NULL DEFAULT false,
        PRIMARY KEY (leaderboard_id, event_id)
      )`);

    // state codes: DRAFT '-', PROVISIONAL 'P', APPROVED 'A', REPLACED 'R', DELETED 'D', FAILED 'F'
    await q.query(`
      CREATE TABLE result_set (
        id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        event_id       integer REFERENCES event(id) ON DELETE CASCADE,
        category       text CHECK (length(category) BETWEEN 1 AND 100),
        leaderboard_id integer REFERENCES leaderboard(id) ON DELETE CASCADE,
        state          char(1) NOT NULL CHECK (state IN ('-', 'P', 'A', 'R', 'D', 'F')),
        state_before_failure char(1) CHECK (state_before_failure IN ('-', 'P', 'A', 'D')),
        error_message  text,
        replaces_id    integer REFERENCES result_set(id) ON DELETE SET NULL,
        computed_at    timestamptz,
        created_at     timestamptz NOT NULL DEFAULT now(),
        updated_at     timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT result_set_owner_ck CHECK (
          (event_id IS NOT NULL AND category IS NOT NULL AND leaderboard_id IS NULL)
          OR (event_id IS NULL AND category IS NULL AND leaderboard_id IS NOT NULL)),
        CONSTRAINT result_set_failed_ck CHECK ((state = 'F') = (state_before_failure IS NOT NULL)),
        CONSTRAINT result_set_race_not_failed_ck CHECK (state <> 'F' OR leaderboard_id IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX result_set_event_idx ON result_set (event_id, category)`);
    await q.query(`CREATE UNIQUE INDEX result_set_public_race_uq ON result_set (event_id, category) WHERE state IN ('P', 'A')`);
    await q.query(`CREATE UNIQUE INDEX result_set_open_revision_uq ON result_set (replaces_id) WHERE state NOT IN ('R', 'D')`);
    await q.query(`CREATE UNIQUE INDEX result_set_live_standings_uq ON result_set (leaderboard_id) WHERE state <> 'R'`);

    await q.query(`
      CREATE TABLE race_result (
        id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        result_set_id  integer NOT NULL REFERENCES result_set(id) ON DELETE CASCADE,
        participant_id integer REFERENCES participant(id),
        custom1_id     integer REFERENCES custom_list_value(id),
        custom2_id     integer REFERENCES custom_list_value(id),
        custom3_id     integer REFERENCES custom_list_value(id),
        category       text,
        bib            text,
        position       integer CHECK (position >= 1),
        status         text NOT NULL DEFAULT 'FIN' CHECK (status IN ('FIN', 'DNF', 'DNS', 'DSQ')),
        time_ms        integer CHECK (time_ms >= 0),
        points         double precision,
        seq            integer,
        group_key      text,
        name           text,
        group_name     text,
        breakdown      jsonb,
        CONSTRAINT race_result_placed_finisher_ck CHECK (position IS NULL OR status = 'FIN'),
        CONSTRAINT race_result_row_kind_ck CHECK (group_key IS NOT NULL OR participant_id IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX race_result_set_idx ON race_result (result_set_id)`);
    // Standings rows are keyed by group_key; race rows have none and are unique by rider instead.
    await q.query(`CREATE UNIQUE INDEX race_result_standings_key_uq ON race_result (result_set_id, group_key) WHERE group_key IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX race_result_rider_uq ON race_result (result_set_id, participant_id) WHERE group_key IS NULL`);
    await q.query(`CREATE INDEX race_result_standings_seq_idx ON race_result (result_set_id, seq) WHERE group_key IS NOT NULL`);

    // The durable pending mark (outbox): a board is pending while results_version > standings_version.
    await q.query(`
      CREATE TABLE recalc_outbox (
        leaderboard_id    integer PRIMARY KEY REFERENCES leaderboard(id) ON DELETE CASCADE,
        results_version   bigint NOT NULL DEFAULT 0,
        standings_version bigint NOT NULL DEFAULT 0,
        first_pending_at  timestamptz,
        last_changed_at   timestamptz,
        CHECK (standings_version <= results_version)
      )`);
    await q.query(`CREATE INDEX recalc_outbox_pending_idx ON recalc_outbox (first_pending_at) WHERE first_pending_at IS NOT NULL`);
    await q.query(`
      CREATE TABLE recalc_run (
        id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        leaderboard_id  integer NOT NULL REFERENCES leaderboard(id) ON DELETE CASCADE,
        job_id          text NOT NULL,
        trigger         text NOT NULL CHECK (trigger IN ('AUTO', 'MANUAL', 'SWEEP', 'RETRY')),
        status          text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed')),
        queued_at       timestamptz NOT NULL DEFAULT now(),
        started_at      timestamptz,
        finished_at     timestamptz,
        results_version bigint,
        rows_inserted   integer,
        rows_updated    integer,
        rows_deleted    integer,
        attempts        integer NOT NULL DEFAULT 0,
        error           text,
        summary         jsonb
      )`);
    await q.query(`CREATE INDEX recalc_run_board_idx ON recalc_run (leaderboard_id, id DESC)`);
    await q.query(`CREATE UNIQUE INDEX recalc_run_job_uq ON recalc_run (job_id)`);

    // A failure episode lasts from the first failed run to the next successful one.
    await q.query(`
      CREATE TABLE failure_episode (
        id               integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        leaderboard_id   integer NOT NULL REFERENCES leaderboard(id) ON DELETE CASCADE,
        result_set_id    integer REFERENCES result_set(id) ON DELETE SET NULL,
        error_message    text NOT NULL,
        failed_at        timestamptz NOT NULL DEFAULT now(),
        closed_at        timestamptz,
        emailed_at       timestamptz,
        email_attempts   integer NOT NULL DEFAULT 0,
        next_email_at    timestamptz NOT NULL DEFAULT now(),
        last_email_error text
      )`);
    await q.query(`CREATE UNIQUE INDEX failure_episode_open_uq ON failure_episode (leaderboard_id) WHERE closed_at IS NULL`);
    await q.query(`CREATE INDEX failure_episode_unsent_idx ON failure_episode (next_email_at) WHERE emailed_at IS NULL`);
    await q.query(`
      CREATE TABLE notification (
        id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        episode_id     integer NOT NULL REFERENCES failure_episode(id) ON DELETE CASCADE,
        leaderboard_id integer NOT NULL REFERENCES leaderboard(id) ON DELETE CASCADE,
        kind           text NOT NULL CHECK (kind IN ('FAILURE', 'RECOVERY')),
        message        text NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now(),
        read_at        timestamptz,
        UNIQUE (episode_id, kind)
      )`);
    await q.query(`
      CREATE TABLE retry_token (
        id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        episode_id  integer NOT NULL REFERENCES failure_episode(id) ON DELETE CASCADE,
        token_hash  bytea NOT NULL UNIQUE,
        expires_at  timestamptz NOT NULL,
        used_at     timestamptz,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'retry_token', 'notification', 'failure_episode', 'recalc_run', 'recalc_outbox', 'race_result',
      'result_set', 'leaderboard_event', 'leaderboard_category', 'leaderboard', 'points_scale',
      'participant', 'custom_list_value', 'custom_list', 'event', 'series',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
