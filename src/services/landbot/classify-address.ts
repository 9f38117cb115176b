import { isIPv4, isIPv6 } from 'node:net';

/** Why an address is not a public unicast one; each kind reads as "a … address" in a refusal. */
export type NonPublicKind =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'unique-local'
  | 'shared (carrier-grade NAT)'
  | 'multicast'
  | 'broadcast'
  | 'reserved';

interface Range {
  prefix: number[];
  bits: number;
  kind: NonPublicKind;
}

// Most specific first: the first match wins.
const IPV4_RANGES: Range[] = [
  { prefix: [255, 255, 255, 255], bits: 32, kind: 'broadcast' },
  { prefix: [0, 0, 0, 0], bits: 32, kind: 'unspecified' },
  { prefix: [0], bits: 8, kind: 'reserved' }, // "this network": some stacks route 0.x to the host itself
  { prefix: [10], bits: 8, kind: 'private' },
  { prefix: [100, 64], bits: 10, kind: 'shared (carrier-grade NAT)' },
  { prefix: [127], bits: 8, kind: 'loopback' },
  { prefix: [169, 254], bits: 16, kind: 'link-local' },
  { prefix: [172, 16], bits: 12, kind: 'private' },
  { prefix: [192, 0, 0], bits: 24, kind: 'reserved' },
  { prefix: [192, 0, 2], bits: 24, kind: 'reserved' },
  { prefix: [192, 168], bits: 16, kind: 'private' },
  { prefix: [198, 18], bits: 15, kind: 'reserved' },
  { prefix: [198, 51, 100], bits: 24, kind: 'reserved' },
  { prefix: [203, 0, 113], bits: 24, kind: 'reserved' },
  { prefix: [224], bits: 4, kind: 'multicast' },
  { prefix: [240], bits: 4, kind: 'reserved' },
];

const IPV6_RANGES: Range[] = [
  { prefix: [], bits: 128, kind: 'unspecified' },
  { prefix: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], bits: 128, kind: 'loopback' },
  { prefix: [], bits: 96, kind: 'reserved' }, // deprecated IPv4-compatible ::a.b.c.d
  { prefix: [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01], bits: 48, kind: 'private' }, // local-use NAT64
  { prefix: [0x01, 0x00], bits: 64, kind: 'reserved' }, // discard-only
  { prefix: [0x20, 0x01, 0x00, 0x00], bits: 32, kind: 'reserved' }, // Teredo: the IPv4 behind it is hidden
  { prefix: [0x20, 0x01, 0x0d, 0xb8], bits: 32, kind: 'reserved' }, // documentation
  { prefix: [0xfc], bits: 7, kind: 'unique-local' },
  { prefix: [0xfe, 0x80], bits: 10, kind: 'link-local' },
  { prefix: [0xfe, 0xc0], bits: 10, kind: 'private' }, // deprecated site-local
  { prefix: [0xff], bits: 8, kind: 'multicast' },
];

/** IPv6 forms that carry an IPv4 address, which is what the packets finally reach: [prefix, bits, offset of the IPv4]. */
const IPV4_CARRIERS: Array<{ prefix: number[]; bits: number; offset: number }> = [
  { prefix: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff], bits: 96, offset: 12 }, // IPv4-mapped ::ffff:a.b.c.d
  { prefix: [0x00, 0x64, 0xff, 0x9b], bits: 96, offset: 12 }, // NAT64 64:ff9b::a.b.c.d
  { prefix: [0x20, 0x02], bits: 16, offset: 2 }, // 6to4 2002:aabb:ccdd::
];

/**
 * What kind of non-public address this is, or null for a public unicast address. Unparsable input counts as
 * reserved, so a caller can never mistake garbage for a safe address.
 */
export function classifyAddress(address: string): NonPublicKind | null {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''); // URL brackets, IPv6 zone id
  if (isIPv4(bare)) return match(ipv4Bytes(bare), IPV4_RANGES);
  if (!isIPv6(bare)) return 'reserved';
  const bytes = ipv6Bytes(bare);
  for (const carrier of IPV4_CARRIERS) {
    if (startsWith(bytes, carrier.prefix, carrier.bits)) return match(bytes.slice(carrier.offset, carrier.offset + 4), IPV4_RANGES);
  }
  return match(bytes, IPV6_RANGES);
}

function match(bytes: number[], ranges: Range[]): NonPublicKind | null {
  return ranges.find((r) => startsWith(bytes, r.prefix, r.bits))?.kind ?? null;
}

/** True when the first `bits` bits of `bytes` equal those of `prefix` (missing prefix bytes are zero). */
function startsWith(bytes: number[], prefix: number[], bits: number): boolean {
  for (let bit = 0; bit < bits; bit += 8) {
    const take = Math.min(8, bits - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    const index = bit / 8;
    if (((bytes[index] ?? 0) & mask) !== ((prefix[index] ?? 0) & mask)) return false;
  }
  return true;
}

function ipv4Bytes(address: string): number[] {
  return address.split('.').map(Number);
}

/** 16 bytes of a valid IPv6 text form, with `::` and a dotted IPv4 tail expanded. */
function ipv6Bytes(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = ipv4Bytes(dotted[1]!);
    text = `${text.slice(0, dotted.index)}${((a! << 8) | b!).toString(16)}:${((c! << 8) | d!).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  return groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}
