import { AdminKeys } from './admin-keys';

describe('AdminKeys', () => {
  const keys = new AdminKeys([
    { name: 'alice', secret: 'first-key-0123456789' },
    { name: 'key#2', secret: 'second-key-0123456789' },
  ]);

  it('names the holder of a presented key, and nobody for an unknown one', () => {
    expect(keys.holderOf('first-key-0123456789')).toBe('alice');
    expect(keys.holderOf('second-key-0123456789')).toBe('key#2');
    expect(keys.holderOf('alice')).toBeNull();
  });

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

  it('reads the password of a Basic header, whatever the user', () => {
    const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;
    expect(AdminKeys.fromBasicHeader(basic('admin:first-key-0123456789'))).toBe('first-key-0123456789');
    expect(AdminKeys.fromBasicHeader(basic(':pass:with:colons'))).toBe('pass:with:colons');
    expect(AdminKeys.fromBasicHeader(basic('no-colon'))).toBeNull();
    expect(AdminKeys.fromBasicHeader(basic('user:'))).toBeNull();
    expect(AdminKeys.fromBasicHeader('Bearer abc')).toBeNull();
    expect(AdminKeys.fromBasicHeader('Basic !!!')).toBeNull();
    expect(AdminKeys.fromBasicHeader(undefined)).toBeNull();
  });
});
