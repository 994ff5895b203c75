/**
 * The few host globals every target of `decoders/` has (Node ≥ 20, browsers, web workers).
 * Declared here because `decoders/` compiles without DOM or Node types, to stay platform-neutral.
 */
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
}
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
