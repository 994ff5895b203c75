/**
 * The order of the definition scans and the point a capture opened meanwhile waits for. Scans run
 * one after the other; each calls `listed` once it knows the files the decoding worker needs (the
 * .proto/.thrift/.wsdl files), then goes on reading the rest (OpenAPI and AsyncAPI documents).
 * `ready` waits for the newest scan's `listed`, not for the whole scan. Pure: no vscode, so it is
 * unit-tested (test/extension/scan-gate.test.ts).
 */
export class ScanGate {
  private running?: Promise<void>;
  /** Resolves when the newest scan has listed its files (or ended); undefined when none is under way. */
  private listing?: Promise<void>;

  /** Queue a scan after the ones under way; resolves when it has ended. */
  run(scan: (listed: () => void) => Promise<void>): Promise<void> {
    let listed!: () => void;
    const listing = new Promise<void>((r) => (listed = r));
    this.listing = listing;
    const go = async () => {
      try {
        await scan(listed);
      } finally {
        // A scan that failed or forgot to say so has listed all it will.
        listed();
        if (this.listing === listing) this.listing = undefined;
      }
    };
    const next = (this.running ?? Promise.resolve()).then(go, go);
    this.running = next;
    return next;
  }

  /** Resolves when the newest scan has listed its files, at once when none is under way, or after `ms`. */
  ready(ms: number): Promise<void> {
    const listing = this.listing;
    if (!listing) return Promise.resolve();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((r) => (timer = setTimeout(r, ms)));
    return Promise.race([listing, late]).finally(() => clearTimeout(timer));
  }

  /** Is a scan under way (listed or not)? */
  get busy(): boolean {
    return this.listing !== undefined;
  }
}
