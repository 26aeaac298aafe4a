/**
 * Addresses typed by users, normalised to the form records carry (dotted quad; IPv6 in RFC 5952
 * form) with the decoder's own parser and formatter.
 */
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../decode/addr.js';
import { UsageError } from './errors.js';

/** Validate and normalise an address given on the command line (`[v6]` brackets allowed). */
export function parseAddress(s: string): string {
  const t = s.replace(/^\[(.*)\]$/, '$1');
  const v4 = parseIPv4(t);
  if (v4 !== null) return formatIPv4(v4);
  const v6 = parseIPv6(t);
  if (v6 !== null) return formatIPv6(v6);
  throw new UsageError(`'${s}' is not an IPv4 or IPv6 address`);
}
