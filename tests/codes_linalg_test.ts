import { Rng } from "../lib/random/rng.ts";
import { Matrix } from "../lib/tensor/matrix.ts";
import {
  conditionNumber,
  fromRows,
  identity,
  inverse,
  leastSquares,
  multiply,
  orthogonalComplement,
  qr,
  solve,
  svd,
  transpose,
} from "../lib/tensor/linalg.ts";
import { assert, assertClose } from "./assert.ts";

function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  const rng = Rng.named(seed, "linalg-test");
  return Matrix.from(rows, cols, Array.from({ length: rows * cols }, () => rng.normal()));
}

Deno.test("solve and inverse reproduce the identity on random and pivot-needing matrices", () => {
  for (const n of [1, 2, 5, 12]) {
    const a = randomMatrix(n, n, n);
    assertClose(multiply(a, inverse(a)).data, identity(n).data, 1e-12, `n=${n}`);
  }
  // A zero leading pivot forces a row exchange.
  const a = fromRows([[0, 1], [1, 0]]);
  assertClose(solve(a, fromRows([[2], [3]])).data, [3, 2], 0);
});

Deno.test("QR: Q orthogonal, Q·R = A, and the orthogonal complement annihilates A", () => {
  const a = randomMatrix(9, 4, 3);
  const { q, r } = qr(a);
  assertClose(multiply(transpose(q), q).data, identity(9).data, 1e-14);
  assertClose(multiply(q, r).data, a.data, 1e-14);
  for (let i = 1; i < 9; i++) for (let j = 0; j < Math.min(i, 4); j++) assert.equal(r.get(i, j), 0);
  const h = orthogonalComplement(a);
  assert.equal(h.rows, 5);
  assert.ok(multiply(h, a).data.every((v) => Math.abs(v) < 1e-14), "H·A = 0");
  assertClose(multiply(h, transpose(h)).data, identity(5).data, 1e-14);
});

Deno.test("least squares matches the normal equations", () => {
  const a = randomMatrix(10, 3, 4);
  const b = randomMatrix(10, 2, 5);
  const x = leastSquares(a, b);
  const normal = solve(multiply(transpose(a), a), multiply(transpose(a), b));
  assertClose(x.data, normal.data, 1e-12);
});

Deno.test("Jacobi SVD: reconstruction, orthogonality, known singular values and condition numbers", () => {
  for (const [m, n] of [[6, 4], [4, 6], [5, 5]]) {
    const a = randomMatrix(m, n, m * 10 + n);
    const { u, s, v } = svd(a);
    const k = Math.min(m, n);
    const us = u.clone();
    for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) us.set(i, j, u.get(i, j) * s[j]);
    assertClose(multiply(us, transpose(v)).data, a.data, 1e-13, `${m}×${n}`);
    assertClose(multiply(transpose(u), u).data, identity(k).data, 1e-13);
    for (let i = 1; i < k; i++) assert.ok(s[i - 1] >= s[i]);
  }
  // diag(3, 1e-8) rotated: singular values 3 and 1e-8 exactly, κ = 3e8.
  const c = Math.cos(0.3);
  const sn = Math.sin(0.3);
  const rot = fromRows([[c, -sn], [sn, c]]);
  const a = multiply(multiply(rot, fromRows([[3, 0], [0, 1e-8]])), transpose(rot));
  assertClose(svd(a).s, [3, 1e-8], 1e-7);
  assertClose(conditionNumber(a), 3e8, 1e-6);
  assert.equal(conditionNumber(fromRows([[1, 2], [2, 4]])), Infinity);
});
