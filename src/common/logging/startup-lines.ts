import { AppConfig } from '../../config/config';
import { RECALC_QUEUE } from '../queue/queue-names';

/** The start-up and shutdown lines every role writes: what this process is and where to reach it. */

export const servesHttp = (config: AppConfig): boolean => config.appRole !== 'worker';
const runsWorker = (config: AppConfig): boolean => config.appRole !== 'api';

/** http://localhost:3000/admin, API …/api, docs …/api/docs (when on): where a person finds Podium. */
export function whereToFind(baseUrl: string, config: AppConfig): string {
  return `console ${baseUrl}/admin, API ${baseUrl}/api${config.apiDocs ? `, docs ${baseUrl}/api/docs` : ' (docs off: API_DOCS=false)'}`;
}

export function startingLine(config: AppConfig): string {
  const where = servesHttp(config) ? `; ${whereToFind(`http://localhost:${config.port}`, config)}` : '; no HTTP API in this process';
  return `Podium starting: role ${config.appRole}, NODE_ENV ${config.nodeEnv}${where}`;
}

export function listeningLine(host: string, port: number, config: AppConfig): string {
  const urlHost = (h: string) => (h.includes(':') ? `[${h}]` : h);
  const browsable = host === '0.0.0.0' || host === '::' ? 'localhost' : urlHost(host);
  return `Listening on http://${urlHost(host)}:${port}; ${whereToFind(`http://${browsable}:${port}`, config)}`;
}

export function readyLine(config: AppConfig): string {
  const queue = `queue "${config.redisPrefix}:${RECALC_QUEUE}"`;
  return runsWorker(config)
    ? `Podium ready: role ${config.appRole}, ${queue}, worker concurrency ${config.workerConcurrency}`
    : `Podium ready: role ${config.appRole}, enqueuing on ${queue} for the worker processes`;
}
