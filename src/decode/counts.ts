/**
 * Per-layer counts of decoded packets, for the summary report. add() runs once per packet and
 * only increments numbers in preallocated arrays; names are built once, in result().
 */
import type { LayerCounts } from '../flow/types.js';
import { Malformed, Packet, PacketKind } from './packet.js';
import { SERVICE_NAMES, serviceIndex } from './services.js';

/** Link types below this are counted in an array; larger values (rare) in a Map. */
const LT_ARRAY = 512;

export class LayerCounter {
  private frames = 0;
  private readonly link = new Float64Array(LT_ARRAY);
  private readonly linkUnsupported = new Float64Array(LT_ARRAY);
  private readonly linkBig = new Map<number, number>();
  private readonly linkBigUnsupported = new Map<number, number>();
  /** Indexed by PacketKind. */
  private readonly kinds = new Float64Array(16);
  /** Indexed by Malformed. */
  private readonly malformed = new Float64Array(4);
  private ethernet = 0;
  private vlanTagged = 0;
  private ipv4 = 0;
  private ipv6 = 0;
  private fragments = 0;
  private tunnelled = 0;
  private truncated = 0;
  /** Indexed by service index (services.ts). */
  private readonly apps = new Float64Array(SERVICE_NAMES.length);

  add(p: Packet): void {
    this.frames++;
    const lt = p.linkType;
    const unsupported = p.kind === PacketKind.UnsupportedLink;
    if (lt >= 0 && lt < LT_ARRAY) {
      this.link[lt]++;
      if (unsupported) this.linkUnsupported[lt]++;
    } else {
      this.linkBig.set(lt, (this.linkBig.get(lt) ?? 0) + 1);
      if (unsupported) this.linkBigUnsupported.set(lt, (this.linkBigUnsupported.get(lt) ?? 0) + 1);
    }
    if (lt === 1) this.ethernet++;
    this.kinds[p.kind]++;
    if (p.kind === PacketKind.Malformed) this.malformed[p.malformed]++;
    if (p.vlanCount > 0) this.vlanTagged++;
    if (p.ipVersion === 4) this.ipv4++;
    else if (p.ipVersion === 6) this.ipv6++;
    if (p.isFragment) this.fragments++;
    if (p.tunnelDepth > 0) this.tunnelled++;
    if (p.truncated) this.truncated++;
    if (p.kind === PacketKind.Tcp || p.kind === PacketKind.Udp) {
      const s = serviceIndex(p.kind === PacketKind.Tcp, p.srcPort, p.dstPort);
      if (s !== 0) this.apps[s]++;
    }
  }

  result(): LayerCounts {
    const linkTypes: Record<number, number> = {};
    const unsupportedLinkTypes: Record<number, number> = {};
    for (let i = 0; i < LT_ARRAY; i++) {
      if (this.link[i] > 0) linkTypes[i] = this.link[i];
      if (this.linkUnsupported[i] > 0) unsupportedLinkTypes[i] = this.linkUnsupported[i];
    }
    for (const [k, v] of this.linkBig) linkTypes[k] = v;
    for (const [k, v] of this.linkBigUnsupported) unsupportedLinkTypes[k] = v;
    const applications: Record<string, number> = {};
    for (let i = 1; i < this.apps.length; i++) if (this.apps[i] > 0) applications[SERVICE_NAMES[i]] = this.apps[i];
    const k = this.kinds;
    return {
      frames: this.frames,
      linkTypes,
      unsupportedLinkTypes,
      ethernet: this.ethernet,
      vlanTagged: this.vlanTagged,
      arp: k[PacketKind.Arp],
      otherLink: k[PacketKind.OtherLink],
      ipv4: this.ipv4,
      ipv6: this.ipv6,
      fragments: this.fragments,
      tunnelled: this.tunnelled,
      tcp: k[PacketKind.Tcp],
      udp: k[PacketKind.Udp],
      icmp: k[PacketKind.Icmp],
      icmp6: k[PacketKind.Icmp6],
      otherIp: k[PacketKind.OtherIp],
      malformed: {
        link: this.malformed[Malformed.Link],
        network: this.malformed[Malformed.Network],
        transport: this.malformed[Malformed.Transport],
      },
      truncated: this.truncated,
      applications,
    };
  }
}
