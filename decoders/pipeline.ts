/**
 * The pipeline: capture bytes → frames → packets → flows (TCP reassembly) → decoders → calls.
 * (Being written: the API below is stable.)
 */
export interface DecodeAsRule {
  /** 'tcp' | 'udp' */
  transport: 'tcp' | 'udp';
  port: number;
  decoderId: string;
}
