// The only host globals src/core may use. Both browsers and Node provide them, so core stays
// portable while `lib: ["ES2022"]` and `types: []` keep DOM and node:* out of reach.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}
