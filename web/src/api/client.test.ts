// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { currentSession, signIn } from '../session';
import { api, ok } from './client';

afterEach(() => vi.unstubAllGlobals());

describe('the API client', () => {
  it('sends the key as a Bearer header and signs out on a 401 with the reason', async () => {
    signIn('  secret-key ');
    const seen: string[] = [];
    vi.stubGlobal('fetch', async (request: Request) => {
      seen.push(request.headers.get('authorization') ?? '');
      return new Response(JSON.stringify({ statusCode: 401, message: 'This needs an admin key' }), { status: 401, headers: { 'content-type': 'application/json' } });
    });
    await expect(ok(api.GET('/api/series/{id}', { params: { path: { id: 1 } } }))).rejects.toThrow('This needs an admin key');
    expect(seen).toEqual(['Bearer secret-key']);
    expect(currentSession()).toEqual({ key: null, reason: 'Signed out: This needs an admin key' });
    expect(sessionStorage.length).toBe(0);
    expect(localStorage.length).toBe(0);
  });
});
