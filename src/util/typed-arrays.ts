/** Typed-array columns that grow: `to` (a larger array of the same type) with `from`'s values at its start. */
export function grown<T extends Uint8Array<ArrayBuffer> | Uint32Array<ArrayBuffer> | Int32Array<ArrayBuffer> | Float64Array<ArrayBuffer>>(from: T, to: T): T {
  to.set(from as never);
  return to;
}
