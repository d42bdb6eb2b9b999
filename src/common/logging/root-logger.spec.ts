import { resolveLogFormat } from './root-logger';

describe('resolveLogFormat', () => {
  it('auto is pretty only for a development terminal', () => {
    expect(resolveLogFormat('auto', 'development', true)).toBe('pretty');
    expect(resolveLogFormat('auto', 'development', false)).toBe('json'); // piped, e.g. into a log shipper
    expect(resolveLogFormat('auto', 'production', true)).toBe('json');
    expect(resolveLogFormat('auto', 'test', true)).toBe('json');
  });

  it('an explicit format wins', () => {
    expect(resolveLogFormat('pretty', 'production', false)).toBe('pretty');
    expect(resolveLogFormat('json', 'development', true)).toBe('json');
  });
});
