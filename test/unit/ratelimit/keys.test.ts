import { addressKey, boundedKey } from '../../../src/ratelimit/keys';

describe('addressKey', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['::FFFF:127.0.0.1', '127.0.0.1'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:ffff::1', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002::', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::192.0.2.33', '64:ff9b:0:0::/64'],
  ])('%p → %p', (address, key) => {
    expect(addressKey(address)).toBe(key);
  });

  it('puts every address of one IPv6 /64 in one bucket, and another /64 in another', () => {
    expect(addressKey('2001:db8:aa:bb::1')).toBe(addressKey('2001:db8:aa:bb:1234:5678:9abc:def0'));
    expect(addressKey('2001:db8:aa:bb::1')).not.toBe(addressKey('2001:db8:aa:bc::1'));
  });

  it('keeps IPv4 addresses apart', () => {
    expect(addressKey('10.0.0.1')).not.toBe(addressKey('10.0.0.2'));
  });

  it('has one bucket for callers whose address is unknown', () => {
    expect(addressKey(undefined)).toBe('unknown');
    expect(addressKey('')).toBe('unknown');
  });

  it('bounds anything else that is not an address', () => {
    expect(addressKey('x'.repeat(500)).length).toBeLessThan(80);
  });
});

describe('boundedKey', () => {
  it('keeps ordinary ids as they are', () => {
    expect(boundedKey('demo-analyst')).toBe('demo-analyst');
    expect(boundedKey('a'.repeat(128))).toBe('a'.repeat(128));
  });

  it('hashes ids too long for the key column, stably and distinctly', () => {
    const long = 'u'.repeat(300);
    expect(boundedKey(long)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(boundedKey(long)).toBe(boundedKey(long));
    expect(boundedKey(long)).not.toBe(boundedKey(`${long}x`));
  });
});
