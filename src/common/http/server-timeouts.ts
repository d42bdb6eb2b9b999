import type { Server } from 'node:http';
import { AppConfig } from '../../config/config';

/**
 * Bounds how long a client may take to send a request, so slow senders (slowloris, a stalled
 * upload) do not hold sockets for Node's default 5 minutes; Node answers 408 and closes.
 * Node checks these on a timer (30 s by default), so the check runs more often, in step with
 * the shortest timeout. Must be applied before listen(): the timer starts on 'listening'.
 */
export function applyServerTimeouts(server: Server, config: AppConfig): void {
  server.requestTimeout = config.httpRequestTimeoutMs;
  server.headersTimeout = config.httpHeadersTimeoutMs;
  // A constructor option in the typings, but read from the server when it starts listening.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.max(50, Math.min(1_000, Math.floor(config.httpHeadersTimeoutMs / 4)));
}
