/**
 * The bytes of one on-disk checkpoint: a JSON header (loop position, metrics rows, counters, RNG
 * states, …) followed by binary sections (blocks, biases, norms or weights), each 8-byte aligned.
 *
 * Layout: `CNCKPT01` (8 bytes), header length (uint32 LE), section count (uint32 LE), section
 * lengths (float64 LE each, bytes), the UTF-8 header padded to 8 bytes, then the sections, each
 * padded to 8 bytes. The checksum lives in the manifest (lib/train/checkpoint-store.ts).
 *
 * @module
 */

const MAGIC = "CNCKPT01";

/** What a checkpoint holds: JSON-able state and binary sections. */
export interface CheckpointContent {
  readonly header: Readonly<Record<string, unknown>>;
  readonly sections: readonly Uint8Array[];
}

const pad8 = (n: number) => Math.ceil(n / 8) * 8;

/** JSON keeps NaN and ±Infinity (metrics, fault values) as `{"$number": "NaN"}`. */
const keepNonFinite = (_: string, v: unknown) =>
  typeof v === "number" && !Number.isFinite(v) ? { $number: String(v) } : v;
const reviveNonFinite = (_: string, v: unknown) =>
  v !== null && typeof v === "object" && "$number" in v ? Number((v as { $number: string }).$number) : v;

/** Serialises a checkpoint. */
export function encodeCheckpoint(content: CheckpointContent): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify(content.header, keepNonFinite));
  const fixed = 16 + 8 * content.sections.length;
  let total = fixed + pad8(header.length);
  for (const s of content.sections) total += pad8(s.length);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(8, header.length, true);
  view.setUint32(12, content.sections.length, true);
  content.sections.forEach((s, i) => view.setFloat64(16 + 8 * i, s.length, true));
  out.set(header, fixed);
  let at = fixed + pad8(header.length);
  for (const s of content.sections) {
    out.set(s, at);
    at += pad8(s.length);
  }
  return out;
}

/** Parses a checkpoint written by {@link encodeCheckpoint}; throws on a malformed file. */
export function decodeCheckpoint(bytes: Uint8Array): CheckpointContent {
  const malformed = (why: string) => new Error(`not a codenet checkpoint (${why})`);
  if (bytes.length < 16 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw malformed("bad magic");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(8, true);
  const count = view.getUint32(12, true);
  const fixed = 16 + 8 * count;
  if (fixed > bytes.length) throw malformed("truncated section table");
  const lengths = Array.from({ length: count }, (_, i) => view.getFloat64(16 + 8 * i, true));
  let at = fixed + pad8(headerLength);
  const need = at + lengths.reduce((s, n) => s + pad8(n), 0);
  if (need !== bytes.length) throw malformed(`${bytes.length} bytes, the table says ${need}`);
  const header = JSON.parse(
    new TextDecoder().decode(bytes.subarray(fixed, fixed + headerLength)),
    reviveNonFinite,
  );
  const sections = lengths.map((n) => {
    const s = bytes.slice(at, at + n);
    at += pad8(n);
    return s;
  });
  return { header, sections };
}

/** SHA-256 of `bytes` as lowercase hex. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}
