/**
 * The merging side of a sharded run (issue 6, docs/performance.md "Worker threads"): each shard
 * numbers its flows by the 1-based global index of their first packet (a provisional id, the same
 * packet numbering in every shard since every shard reads every packet) and reports, in batches,
 * the provisional ids of the flows it created and a watermark W ("every flow created at a packet
 * ≤ W has been reported"). A flow's ordinary id — what one thread would have given it — is its rank
 * among all flows' first packets:
 *
 *   final(i) = number of flows, over all shards, whose provisional id ≤ i
 *
 * which is exact once every shard's watermark is ≥ i. Records whose rank is not known yet wait
 * here (a min-heap on the provisional id) until the slowest shard's watermark passes them.
 */

/** A growable sorted list of one shard's created provisional ids. */
class IdList {
  a = new Float64Array(1024);
  n = 0;

  push(ids: ArrayLike<number>, count: number): void {
    if (count === 0) return;
    if (this.n + count > this.a.length) {
      let cap = this.a.length * 2;
      while (cap < this.n + count) cap *= 2;
      const b = new Float64Array(cap);
      b.set(this.a.subarray(0, this.n));
      this.a = b;
    }
    let last = this.n > 0 ? this.a[this.n - 1] : -Infinity;
    for (let k = 0; k < count; k++) {
      const x = ids[k];
      if (!(x > last)) throw new Error(`shard merge: created ids out of order (${x} after ${last})`);
      this.a[this.n + k] = last = x;
    }
    this.n += count;
  }

  /** Number of ids ≤ x (the lists are strictly increasing: first-packet indices). */
  countAtMost(x: number): number {
    const a = this.a;
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** The ranks of provisional ids, from the shards' created-id lists and watermarks. */
export class IdRanker {
  private readonly lists: IdList[];
  private readonly marks: Float64Array;

  constructor(readonly shards: number) {
    this.lists = Array.from({ length: shards }, () => new IdList());
    this.marks = new Float64Array(shards);
  }

  /** Shard `s` created flows with these provisional ids (ascending, after every earlier one). */
  created(s: number, ids: ArrayLike<number>, count = ids.length): void {
    this.lists[s].push(ids, count);
  }

  /** Shard `s` has reported every flow it created at a packet ≤ w (Infinity: at its end). */
  watermark(s: number, w: number): void {
    if (w < this.marks[s]) throw new Error(`shard merge: watermark of shard ${s} went back (${w} < ${this.marks[s]})`);
    this.marks[s] = w;
  }

  /** Shard s's latest watermark (0 before its first). */
  markOf(s: number): number {
    return this.marks[s];
  }

  /** Provisional ids ≤ this have a known rank. */
  get safe(): number {
    let m = Infinity;
    for (let s = 0; s < this.shards; s++) if (this.marks[s] < m) m = this.marks[s];
    return m;
  }

  /** The ordinary id of the flow whose provisional id is i (valid when i ≤ safe). */
  rank(i: number): number {
    let r = 0;
    for (let s = 0; s < this.shards; s++) r += this.lists[s].countAtMost(i);
    return r;
  }
}

interface Segment<P> {
  /** The shard that made its records. */
  shard: number;
  /** The watermark that closed it: its records were made at packets ≤ mark (-1: still open). */
  mark: number;
  ids: number[];
  vals: P[];
  /** Records before this index have been emitted (by the end-of-capture streaming in release()). */
  pos: number;
}

function segment<P>(shard: number): Segment<P> {
  return { shard, mark: -1, ids: [], vals: [], pos: 0 };
}

/**
 * Records in, records with their final id out. Each shard's stream is records interleaved with
 * watermarks; the records between two watermarks M₁ < M₂ of a shard (a segment) were made while
 * it processed packets M₁+1 … M₂. Segments are released in the order of their closing marks (those
 * of equal marks merged by provisional id) once every shard's watermark has reached the mark: then
 * every id in them is ≤ the slowest watermark, so its rank is known. The shards flush at the same packet counts (they read
 * the same bytes), so records reach `emit` in the order one thread would have made them, except
 * within one segment's span of packets. (The Reorder
 * behind `emit` then sees nearly the one-thread order, which matters once it has to release lines
 * early; pushing records as they came would let a shard that runs ahead fill it with lines whose
 * smaller-id neighbours in the other shard are not made yet.)
 */
export class ShardMerger<P> {
  readonly ranker: IdRanker;
  private readonly segs: Segment<P>[][];
  private readonly open: Segment<P>[];
  private held = 0;
  /** Records received from each shard and not emitted yet. */
  private readonly heldBy: Int32Array;

  constructor(
    readonly shards: number,
    private readonly emit: (id: number, payload: P) => void,
  ) {
    this.ranker = new IdRanker(shards);
    this.open = Array.from({ length: shards }, (_, s) => segment<P>(s));
    this.heldBy = new Int32Array(shards);
    this.segs = Array.from({ length: shards }, () => []);
  }

  /** Shard s created flows with these provisional ids (ascending, after every earlier one). */
  created(s: number, ids: ArrayLike<number>, count = ids.length): void {
    this.ranker.created(s, ids, count);
  }

  /** A record of shard s, made after its last watermark. */
  record(s: number, provisional: number, payload: P): void {
    const o = this.open[s];
    o.ids.push(provisional);
    o.vals.push(payload);
    this.held++;
    this.heldBy[s]++;
  }

  /**
   * Shard s has processed `w` packets (Infinity: all) and reported every flow it created and every
   * record it made by then (created() and record() before this call). A repeated mark is no news.
   */
  watermark(s: number, w: number): void {
    if (w === this.ranker.markOf(s)) return;
    this.ranker.watermark(s, w); // throws if the mark went back
    const o = this.open[s];
    if (o.pos < o.ids.length) {
      o.mark = w;
      this.segs[s].push(o);
    }
    if (o.ids.length > 0) this.open[s] = segment<P>(s);
  }

  /**
   * Emit every record the watermarks now allow, in mark order. The shards' segments closed by the
   * same mark are merged by provisional id (smallest head first): at the capture's end every shard
   * releases its remaining flows in id order (FlowTracker.finish) in one segment closed at Infinity,
   * and merging them gives the one-thread order; one shard's whole burst before the other's would
   * overflow the Reorder's cap with tens of thousands of lines on a big capture.
   */
  release(): void {
    const safe = this.ranker.safe;
    for (;;) {
      let bestMark = Infinity;
      let found = false;
      for (let s = 0; s < this.shards; s++) {
        const q = this.segs[s];
        if (q.length > 0 && q[0].mark <= safe && (!found || q[0].mark < bestMark)) {
          found = true;
          bestMark = q[0].mark;
        }
      }
      if (!found) break;
      const group: Segment<P>[] = [];
      for (let s = 0; s < this.shards; s++) {
        const q = this.segs[s];
        if (q.length > 0 && q[0].mark === bestMark) group.push(q.shift()!);
      }
      for (;;) {
        let g = -1;
        for (let i = 0; i < group.length; i++) {
          const x = group[i];
          if (x.pos < x.ids.length && (g < 0 || x.ids[x.pos] < group[g].ids[group[g].pos])) g = i;
        }
        if (g < 0) break;
        this.take(group[g]);
      }
    }
    this.stream(safe);
  }

  /**
   * The end of the capture: each shard's remaining flows come in id order after its last
   * watermark, and the segment they form closes only when the shard is done (Infinity). Rather
   * than hold every shard's burst until all are done (~97 000 lines on big.pcap), merge the shards'
   * tails as they arrive: the smallest head goes out while every shard not done has one (a shard
   * not done may still send a smaller id) and its rank is known. Only when nothing closed waits.
   */
  private stream(safe: number): void {
    for (;;) {
      let g: Segment<P> | null = null;
      for (let s = 0; s < this.shards; s++) {
        const q = this.segs[s];
        if (q.length > 0 && q[0].mark !== Infinity) return; // a closed segment waits for the slowest shard
        const tail = q.length > 0 ? q[0] : this.open[s];
        if (tail.pos >= tail.ids.length) {
          if (this.ranker.markOf(s) !== Infinity) return;
          if (q.length > 0) q.shift();
          continue;
        }
        if (g === null || tail.ids[tail.pos] < g.ids[g.pos]) g = tail;
      }
      if (g === null || g.ids[g.pos] > safe) return;
      this.take(g);
    }
  }

  private take(seg: Segment<P>): void {
    const id = seg.ids[seg.pos];
    const v = seg.vals[seg.pos];
    seg.vals[seg.pos] = undefined as P; // let the payload go
    seg.pos++;
    this.held--;
    this.heldBy[seg.shard]--;
    this.emit(this.ranker.rank(id), v);
  }

  /** Records received and not emitted yet. */
  get waiting(): number {
    return this.held;
  }

  /** Shard s's latest watermark (0 before its first, Infinity once it has reported everything). */
  markOf(s: number): number {
    return this.ranker.markOf(s);
  }

  /** Records received from shard s and not emitted yet. */
  waitingFrom(s: number): number {
    return this.heldBy[s];
  }
}
