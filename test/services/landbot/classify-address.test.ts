import assert from 'node:assert/strict';
import { classifyAddress } from '../../../src/services/landbot/classify-address.js';

describe('classifyAddress', () => {
  const expectKind = (cases: Array<[string, ReturnType<typeof classifyAddress>]>) => {
    for (const [address, kind] of cases) assert.equal(classifyAddress(address), kind, address);
  };

  it('finds every non-public IPv4 range, at both of its edges', () => {
    expectKind([
      ['0.0.0.0', 'unspecified'],
      ['0.1.2.3', 'reserved'],
      ['0.255.255.255', 'reserved'],
      ['10.0.0.0', 'private'],
      ['10.255.255.255', 'private'],
      ['100.64.0.0', 'shared (carrier-grade NAT)'],
      ['100.127.255.255', 'shared (carrier-grade NAT)'],
      ['127.0.0.1', 'loopback'],
      ['127.255.255.254', 'loopback'],
      ['169.254.0.1', 'link-local'],
      ['169.254.169.254', 'link-local'],
      ['172.16.0.0', 'private'],
      ['172.31.255.255', 'private'],
      ['192.168.0.1', 'private'],
      ['192.168.255.255', 'private'],
      ['192.0.0.8', 'reserved'],
      ['192.0.2.1', 'reserved'],
      ['198.18.0.1', 'reserved'],
      ['198.19.255.255', 'reserved'],
      ['198.51.100.7', 'reserved'],
      ['203.0.113.9', 'reserved'],
      ['224.0.0.1', 'multicast'],
      ['239.255.255.255', 'multicast'],
      ['240.0.0.1', 'reserved'],
      ['255.255.255.255', 'broadcast'],
    ]);
  });

  it('lets public IPv4 addresses through, including the neighbours of the ranges', () => {
    expectKind([
      ['1.1.1.1', null],
      ['8.8.8.8', null],
      ['9.255.255.255', null],
      ['11.0.0.0', null],
      ['100.63.255.255', null],
      ['100.128.0.0', null],
      ['126.255.255.255', null],
      ['128.0.0.0', null],
      ['169.253.255.255', null],
      ['169.255.0.0', null],
      ['172.15.255.255', null],
      ['172.32.0.0', null],
      ['192.167.255.255', null],
      ['192.169.0.0', null],
      ['198.17.255.255', null],
      ['198.20.0.0', null],
      ['223.255.255.255', null],
    ]);
  });

  it('finds the non-public IPv6 ranges', () => {
    expectKind([
      ['::', 'unspecified'],
      ['0:0:0:0:0:0:0:0', 'unspecified'],
      ['::1', 'loopback'],
      ['0000:0000:0000:0000:0000:0000:0000:0001', 'loopback'],
      ['fe80::1', 'link-local'],
      ['fe80::1%eth0', 'link-local'],
      ['febf:ffff::1', 'link-local'],
      ['fec0::1', 'private'],
      ['fc00::1', 'unique-local'],
      ['fd12:3456:789a::1', 'unique-local'],
      ['ff02::1', 'multicast'],
      ['ff05::1:3', 'multicast'],
      ['2001:db8::1', 'reserved'],
      ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved'],
      ['100::1', 'reserved'],
      ['64:ff9b:1::a00:1', 'private'],
      ['::7f00:1', 'reserved'],
      ['::127.0.0.1', 'reserved'],
      ['[::1]', 'loopback'],
    ]);
  });

  it('judges an IPv6 address that carries an IPv4 one by that IPv4 address', () => {
    expectKind([
      ['::ffff:127.0.0.1', 'loopback'],
      ['::ffff:7f00:1', 'loopback'],
      ['0:0:0:0:0:ffff:7f00:0001', 'loopback'],
      ['::FFFF:A9FE:A9FE', 'link-local'],
      ['::ffff:169.254.169.254', 'link-local'],
      ['::ffff:10.1.2.3', 'private'],
      ['::ffff:192.168.1.1', 'private'],
      ['::ffff:0.0.0.0', 'unspecified'],
      ['64:ff9b::127.0.0.1', 'loopback'],
      ['64:ff9b::a00:1', 'private'],
      ['2002:7f00:1::1', 'loopback'],
      ['2002:c0a8:101::1', 'private'],
      ['::ffff:8.8.8.8', null],
      ['64:ff9b::808:808', null],
      ['2002:808:808::1', null],
    ]);
  });

  it('lets public IPv6 addresses through', () => {
    expectKind([
      ['2606:4700:4700::1111', null],
      ['2a00:1450:4007:80a::200e', null],
      ['fe00::1', null],
      ['fbff::1', null],
    ]);
  });

  it('treats anything that is not an address as reserved, never as public', () => {
    expectKind([
      ['', 'reserved'],
      ['localhost', 'reserved'],
      ['127.1', 'reserved'],
      ['2130706433', 'reserved'],
      ['1.2.3.256', 'reserved'],
      ['::ffff:1.2.3', 'reserved'],
    ]);
  });
});
