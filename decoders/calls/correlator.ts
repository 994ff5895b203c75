/**
 * Placeholder pass-through (the messaging engineer replaces it with the real publish → delivery
 * correlator; the constructor/add/flush interface is what the pipeline uses).
 */
import type { Call } from '../core/model';

export class FlowCorrelator {
  private readonly emit: (c: Call) => void;
  constructor(opts: { windowUs?: number; emit: (c: Call) => void }) {
    this.emit = opts.emit;
  }
  add(call: Call): void {
    this.emit(call);
  }
  flush(): void {}
}
