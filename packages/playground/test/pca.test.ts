import { describe, expect, it } from "vitest";
import { pca, project } from "../src/pca.js";

describe("power-iteration PCA", () => {
  it("finds the directions of largest variance, strongest first", () => {
    // Points spread 10 along (1, 1, 0)/√2, 2 along (1, -1, 0)/√2, 0.1 along z.
    const rows = 400;
    const data = new Float64Array(rows * 3);
    for (let r = 0; r < rows; r++) {
      const a = 10 * Math.sin(r * 1.7);
      const b = 2 * Math.cos(r * 0.9);
      const c = 0.1 * Math.sin(r * 3.1);
      data.set([(a + b) / Math.SQRT2 + 5, (a - b) / Math.SQRT2 - 3, c + 1], r * 3);
    }
    const p = pca(data, rows, 3, 2);
    const [v1, v2] = p.components as [Float64Array, Float64Array];
    expect(Math.abs(v1[0]!)).toBeCloseTo(Math.SQRT1_2, 2);
    expect(Math.abs(v1[1]!)).toBeCloseTo(Math.SQRT1_2, 2);
    expect(Math.sign(v1[0]!)).toBe(Math.sign(v1[1]!));
    expect(Math.abs(v2[0]!)).toBeCloseTo(Math.SQRT1_2, 2);
    expect(Math.sign(v2[0]!)).toBe(-Math.sign(v2[1]!));
    expect(p.variances[0]! / p.totalVariance).toBeGreaterThan(0.9);
    expect(p.variances[0]!).toBeGreaterThan(p.variances[1]!);
    // Orthonormal.
    expect(v1.reduce((s, x, i) => s + x * v2[i]!, 0)).toBeCloseTo(0, 6);
    // Projections are centred and carry the component variances.
    const xy = project(p, data, rows);
    let mx = 0, vx = 0;
    for (let r = 0; r < rows; r++) mx += xy[2 * r]! / rows;
    for (let r = 0; r < rows; r++) vx += (xy[2 * r]! - mx) ** 2 / (rows - 1);
    expect(mx).toBeCloseTo(0, 3);
    expect(vx / p.variances[0]!).toBeCloseTo(1, 3);
  });

  it("handles degenerate data: one dimension, one row, constant rows", () => {
    const one = pca([1, 2, 3, 4], 4, 1, 2);
    expect(one.components).toHaveLength(2);
    expect(Math.abs(one.components[0]![0]!)).toBeCloseTo(1, 6);
    expect(Array.from(one.components[1]!)).toEqual([0]);
    const flat = pca([1, 1, 1, 1, 1, 1], 3, 2, 2);
    expect(flat.variances).toEqual([0, 0]);
    expect(Array.from(project(flat, [1, 1], 1))).toEqual([0, 0]);
    const single = pca([3, 4], 1, 2, 2);
    expect(single.variances).toEqual([0, 0]);
  });
});
