import { AUTH, TestApp } from './test-app';

/** Small builders over the real HTTP API, so tests read as the organiser's steps. */
export class Fixtures {
  constructor(private readonly t: TestApp) {}

  async series(body: object = { name: 'Schools Cup', customLabels: { custom1: 'School', custom2: 'Club', custom3: 'Team' } }): Promise<number> {
    return this.created('/api/series', body);
  }

  async event(seriesId: number, body: object = {}): Promise<number> {
    return this.created(`/api/series/${seriesId}/events`, { name: 'Round', date: '2026-03-14', ...body });
  }

  async scale(body: object = { name: 'F1', kind: 'TABLE', table: [25, 18, 15, 12, 10, 8, 6, 4, 2, 1] }): Promise<number> {
    return this.created('/api/points-scales', body);
  }

  async leaderboard(body: object): Promise<number> {
    return this.created('/api/leaderboards', body);
  }

  async resultSet(eventId: number, category: string, state: 'DRAFT' | 'PROVISIONAL' = 'PROVISIONAL'): Promise<number> {
    return this.created(`/api/events/${eventId}/result-sets`, { category, state });
  }

  async replaceRows(resultSetId: number, rows: object[]): Promise<void> {
    const res = await this.t.http().put(`/api/result-sets/${resultSetId}/results`).set(AUTH).send(rows);
    if (res.status !== 200) throw new Error(`PUT rows answered ${res.status}: ${JSON.stringify(res.body)}`);
  }

  async transition(resultSetId: number, to: string): Promise<void> {
    const res = await this.t.http().post(`/api/result-sets/${resultSetId}/transitions`).set(AUTH).send({ to });
    if (res.status !== 200) throw new Error(`transition answered ${res.status}: ${JSON.stringify(res.body)}`);
  }

  private async created(path: string, body: object): Promise<number> {
    const res = await this.t.http().post(path).set(AUTH).send(body);
    if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body.id;
  }
}

export function rider(firstName: string, lastName: string, extra: object = {}): object {
  return { participant: { firstName, lastName }, status: 'FIN', ...extra };
}

/** Counts rows of a table, for "nothing was written" checks. */
export async function countRows(t: TestApp, table: string): Promise<number> {
  const [row] = await t.db.query(`SELECT count(*)::int AS n FROM ${table}`);
  return row.n;
}
