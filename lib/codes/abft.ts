/**
 * ABFT, algorithm-based fault tolerance (Huang & Abraham 1984), as a code with the grid's
 * interface: W's row blocks get checksum blocks (their sum and, for location, their weighted sum
 * with weights 1..qr), and likewise its column blocks. The forward products then carry the
 * checksums of s = W·x and the backward products those of c = Wᵀ·δ, exactly the checksum
 * relations of Huang–Abraham's checksum matrix, verified and corrected by the same decoder.
 *
 * With `checksums = 1` (plain sums) a stage detects one error; with 2 it locates and corrects one.
 *
 * @example
 * ```ts
 * import { abftCode } from "./abft.ts";
 * const code = abftCode({ qr: 5, qc: 4 });
 * code.nodes;          // 5·6 + 2·4 = 38
 * code.forward.bounds; // (7, 5): corrects 1, detects 2
 * ```
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import { checksumSystematic } from "./generators.ts";
import { GridCode } from "./grid.ts";

/** Parameters of {@link abftCode}. */
export interface AbftParams {
  /** Row blocks of W. */
  readonly qr: number;
  /** Column blocks of W. */
  readonly qc: number;
  /** Checksum blocks per dimension: 1 (sum: detect) or 2 (sum and weighted sum: correct one); default 2. */
  readonly checksums?: number;
}

/** The ABFT code; see the module documentation. */
export function abftCode(params: AbftParams): GridCode {
  const { qr, qc, checksums = 2 } = params;
  if (checksums !== 1 && checksums !== 2) {
    throw new UsageError(
      `ABFT code: checksums must be 1 (detect) or 2 (locate and correct), got ${checksums}`,
    );
  }
  const shape = { pr: qr + checksums, qr, pc: qc + checksums, qc };
  if (!(Number.isInteger(qr) && qr >= 1 && Number.isInteger(qc) && qc >= 1)) {
    throw new UsageError(`ABFT code: qr and qc must be positive integers, got ${qr} and ${qc}`);
  }
  return new GridCode("abft", shape, checksumSystematic(shape.pr, qr), checksumSystematic(shape.pc, qc));
}
