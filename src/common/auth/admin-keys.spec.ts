import { AdminKeys } from './admin-keys';

describe('AdminKeys', () => {
  const keys = new AdminKeys(['first-key-0123456789', 'second-key-0123456789']);

  it('accepts any configured key and nothing else', () => {
    expect(keys.matches('first-key-0123456789')).toBe(true);
    expect(keys.matches('second-key-0123456789')).toBe(true);
    expect(keys.matches('first-key-012345678')).toBe(false);
    expect(keys.matches('')).toBe(false);
  });

  it('reads only well-formed bearer headers', () => {
    expect(AdminKeys.fromHeader('Bearer abc')).toBe('abc');
    expect(AdminKeys.fromHeader('bearer abc')).toBe('abc');
    expect(AdminKeys.fromHeader('Basic abc')).toBeNull();
    expect(AdminKeys.fromHeader('Bearer a b')).toBeNull();
    expect(AdminKeys.fromHeader(undefined)).toBeNull();
  });

  it('with no keys configured, nothing matches', () => {
    expect(new AdminKeys([]).matches('anything')).toBe(false);
  });
});
