import { ClientRequest, request as httpRequest } from 'node:http';
import { AddressInfo } from 'node:net';
import { TestApp } from './test-app';
import { AUTH } from './sandbox';

/** A Server-Sent Events client: what it has received so far, raw, and a way to hang up. */
export interface SseClient {
  readonly received: string;
  /** Resolves once the response headers have arrived (the server has subscribed the client). */
  readonly connected: Promise<void>;
  close(): void;
}

/** Makes the app listen on a free local port (once) and returns its port. */
export async function listening(t: TestApp): Promise<number> {
  const server = t.app.getHttpServer();
  if (!server.listening) await t.app.listen(0, '127.0.0.1');
  return (server.address() as AddressInfo).port;
}

export function openSse(port: number, path: string, headers: Record<string, string> = AUTH): SseClient {
  let received = '';
  let req: ClientRequest;
  const connected = new Promise<void>((resolve, reject) => {
    req = httpRequest({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (received += chunk));
      res.on('error', () => undefined);
      resolve();
    });
    req.on('error', (err) => (err.message.includes('socket hang up') || (err as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(err)));
    req.end();
  });
  return {
    get received() {
      return received;
    },
    connected,
    close: () => req.destroy(),
  };
}
