/**
 * The admin key for this tab: sessionStorage only (never localStorage, never a URL), so closing
 * the tab signs out. Listeners hear sign-in and sign-out, with the reason for a forced one.
 */
const KEY = 'podium.adminKey';

export interface SessionState {
  key: string | null;
  /** Why the last sign-out happened when it was not asked for (a 401), shown on the sign-in form. */
  reason: string | null;
}

type Listener = (state: SessionState) => void;
const listeners = new Set<Listener>();
let reason: string | null = null;

export function currentSession(): SessionState {
  return { key: sessionStorage.getItem(KEY), reason };
}

export function signIn(key: string): void {
  sessionStorage.setItem(KEY, key.trim());
  reason = null;
  notify();
}

export function signOut(why: string | null = null): void {
  sessionStorage.removeItem(KEY);
  reason = why;
  notify();
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notify(): void {
  const state = currentSession();
  for (const l of listeners) l(state);
}
