/**
 * `--format har` in bounded memory: each HTTP-carried call becomes its HAR entry as it arrives,
 * kept as text in a SortedSpool (on disk past its budget) keyed by start time, and the log is
 * written at the end: the same text as `JSON.stringify(toHar(calls), null, 2)`, without holding
 * the calls (a HAR of every body can be many times the capture's size).
 */
import type { Call } from '../decoders/core/model';
import { harEntry, skippedComment, toHar } from '../decoders/export/har';
import { isHttpCarried } from '../decoders/export/common';
import { SortedSpool, sortableNumber, type SpoolOptions } from './platform/sorted-spool';
import { ParentLinks } from './platform/parent-links';

/** Calls remembered as possible batch parents, and inner calls waiting for a parent seen later. */
const RECENT_PARENTS = 1 << 16;
const MAX_PENDING = 1 << 14;
/** What JSON.stringify(…, null, 2) writes around an entry of `{ log: { entries: [entry] } }`. */
const WRAP_HEAD = '{\n  "log": {\n    "entries": [\n';
const WRAP_TAIL = '\n    ]\n  }\n}';

export class HarWriter {
  private readonly spool: SortedSpool;
  /** Inner calls reported before their batch wait: left out if it comes, entries of their own if not. */
  private readonly links = new ParentLinks<true, Call>(RECENT_PARENTS, MAX_PENDING);
  private skipped = 0;
  private seq = 0;

  constructor(
    private readonly creatorVersion: string,
    spoolOpts?: SpoolOptions,
  ) {
    this.spool = new SortedSpool(spoolOpts);
  }

  addCall(c: Call): void {
    this.links.remember(c.id, true);
    // Inner calls of this batch that came first: it stands for them.
    this.links.children(c.id);
    if (c.parentId === undefined) return this.entry(c);
    if (this.links.parent(c.parentId)) return;
    for (const x of this.links.wait(c.parentId, c) ?? []) this.entry(x);
  }

  private entry(c: Call): void {
    if (!isHttpCarried(c)) {
      this.skipped++;
      return;
    }
    const e = harEntry(c);
    // Ties keep the order the calls came in (as a stable sort of the entries does).
    // Indented as in the whole log, in one pass: printed inside the log's nesting, then cut out.
    const text = JSON.stringify({ log: { entries: [e] } }, null, 2);
    this.spool.add(e.startedDateTime + sortableNumber(this.seq++), text.slice(WRAP_HEAD.length, text.length - WRAP_TAIL.length));
  }

  /** The HAR text, a piece at a time; `pause` is awaited now and then (back-pressure). */
  async finish(write: (s: string) => void, pause: () => Promise<void> = async () => {}): Promise<void> {
    // (before the log's head: a spool that could not spill fails the run with nothing written)
    if (this.spool.failure) throw this.spool.failure;
    for (const x of this.links.orphans()) this.entry(x);
    // The log of no calls as toHar prints it, cut open where the entries go.
    const shell = JSON.stringify(toHar([], { creatorVersion: this.creatorVersion }), null, 2);
    write(shell.slice(0, shell.lastIndexOf('[') + 1));
    let first = true;
    await this.spool.drain((text) => {
      write((first ? '\n' : ',\n') + text);
      first = false;
    }, pause);
    write(first ? ']' : '\n    ]');
    if (this.skipped) write(`,\n    "comment": ${JSON.stringify(skippedComment(this.skipped))}`);
    write('\n  }\n}\n');
  }
}
