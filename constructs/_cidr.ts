import { isIPv4, isIPv6 } from 'net';

/**
 * Why a CIDR (already of the schema's shape) is not one a NetworkPolicy `ipBlock` takes
 * canonically, or undefined when it is: the address must be valid and have no bits set past the
 * prefix (`10.20.1.0/16` means `10.20.0.0/16`; newer API servers warn, and a reader is misled).
 */
export function cidrProblem(cidr: string): string | undefined {
  const [address, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (isIPv4(address)) {
    if (bits > 32) return 'has a prefix longer than 32 bits';
    const value = address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
    const hostBits = value % 2 ** (32 - bits);
    if (hostBits === 0) return undefined;
    const network = value - hostBits;
    return `has bits set after the prefix length: the network is ${[24, 16, 8, 0].map((s) => Math.floor(network / 2 ** s) % 256).join('.')}/${bits}`;
  }
  if (!isIPv6(address)) return 'is not an IPv4 or IPv6 address with a prefix length';
  if (bits > 128) return 'has a prefix longer than 128 bits';
  const words = expandIPv6(address);
  const network = words.map((word, i) => {
    const keep = Math.min(16, Math.max(0, bits - i * 16));
    return keep === 16 ? word : word & (0xffff << (16 - keep)) & 0xffff;
  });
  if (network.every((word, i) => word === words[i])) return undefined;
  return `has bits set after the prefix length: the network is ${network.map((w) => w.toString(16)).join(':')}/${bits}`;
}

/** The eight 16-bit words of an IPv6 address (`::` expanded). */
function expandIPv6(address: string): number[] {
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const parse = (part: string | undefined) => (part ? part.split(':') : []).flatMap((w) => {
    if (w.includes('.')) {
      const o = w.split('.').map(Number);
      return [o[0] * 256 + o[1], o[2] * 256 + o[3]];
    }
    return [parseInt(w, 16)];
  });
  const left = parse(head);
  const right = parse(tail);
  return [...left, ...Array(8 - left.length - right.length).fill(0), ...right];
}
