// The few WebAssembly globals the CLI uses to compile v86's wasm. Node has them at run time, but
// @types/node leaves their types to lib.dom, which the CLI layer does not load.
declare namespace WebAssembly {
  interface Module {}
  interface Instance {
    readonly exports: Record<string, unknown>;
  }
  function compile(bytes: ArrayBufferView | ArrayBuffer): Promise<Module>;
  function instantiate(module: Module, imports?: object): Promise<Instance>;
}
