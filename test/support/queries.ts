import { Client } from 'pg';

/** A query node-pg was asked to send: the client it went to, and its first argument (a text, a query config, or a submittable such as a pipeline). */
export interface SentQuery {
  client: Client;
  query: unknown;
}

/** Runs `work` while recording every query node-pg is asked to send; each is still sent. */
export async function recordingQueries<T>(work: () => Promise<T>): Promise<{ result: T; sent: SentQuery[] }> {
  const sent: SentQuery[] = [];
  const original = Client.prototype.query;
  const spy = jest.spyOn(Client.prototype, 'query').mockImplementation(function (this: Client, ...args: unknown[]) {
    sent.push({ client: this, query: args[0] });
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as never);
  try {
    return { result: await work(), sent };
  } finally {
    spy.mockRestore();
  }
}

/** A sent query's SQL text ('' for one without: a pipeline's statements are its own, see statementsOf). */
export function sqlOf(query: unknown): string {
  return typeof query === 'string' ? query : (query as { text?: unknown } | null)?.text as string ?? '';
}

/** The full texts of a pipeline's statements (common/database/pipeline.ts); null for any other query. */
export function statementsOf(query: unknown): string[] | null {
  const q = query as { submit?: unknown; statements?: { text: string }[] } | null;
  return typeof q === 'object' && q !== null && typeof q.submit === 'function' && q.statements ? q.statements.map((s) => s.text.trim()) : null;
}
