import { AddressInfo } from 'node:net';
import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP peer in-process: collects parsed messages; can refuse mail while "down". */
export interface TestSmtp {
  url: string;
  messages: ParsedMail[];
  accepting: boolean;
  /** Called with each message before the server answers the sender (the send is still in flight). */
  onMessage?: (mail: ParsedMail) => Promise<void>;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<TestSmtp> {
  const state: { accepting: boolean; onMessage?: (mail: ParsedMail) => Promise<void> } = { accepting: true };
  const messages: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onMailFrom(_address, _session, callback) {
      if (state.accepting) return callback();
      const err = Object.assign(new Error('Service not available'), { responseCode: 421 });
      callback(err);
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then(async (mail) => {
          await state.onMessage?.(mail);
          messages.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    get accepting() {
      return state.accepting;
    },
    set accepting(value: boolean) {
      state.accepting = value;
    },
    get onMessage() {
      return state.onMessage;
    },
    set onMessage(hook: ((mail: ParsedMail) => Promise<void>) | undefined) {
      state.onMessage = hook;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
