import { currentSession } from './session';

/**
 * Server-Sent Events over fetch: EventSource cannot send the Bearer header the admin stream
 * needs. Parses the text/event-stream format and reconnects after a drop until stopped.
 */
export interface SseMessage {
  type: string;
  data: string;
}

/** Splits a buffer of stream text into whole messages and the unfinished rest. */
export function parseSse(buffer: string): { messages: SseMessage[]; rest: string } {
  const messages: SseMessage[] = [];
  const blocks = buffer.replace(/\r\n?/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let type = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':') || line === '') continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length > 0) messages.push({ type, data: data.join('\n') });
  }
  return { messages, rest };
}

export function subscribeSse(path: string, onMessage: (m: SseMessage) => void, onOpen: () => void = () => {}): () => void {
  const abort = new AbortController();
  const run = async () => {
    while (!abort.signal.aborted) {
      try {
        const { key } = currentSession();
        const res = await fetch(path, { headers: key ? { Authorization: `Bearer ${key}`, Accept: 'text/event-stream' } : {}, signal: abort.signal });
        if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
        onOpen();
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const parsed = parseSse(buffer + value);
          buffer = parsed.rest;
          parsed.messages.forEach(onMessage);
        }
      } catch {
        if (abort.signal.aborted) return;
      }
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  };
  void run();
  return () => abort.abort();
}
