//! Checks and timings of the kernels that run inside a built wasm: the parity report
//! (SIMD against the scalar twin, on seeded operands of awkward shapes) and the product
//! timings of the benchmark. Kept out of the kernel dispatcher so that it stays the hot
//! loops alone.
//!
//! Behind the `diagnostics` cargo feature (and `cfg(test)`): it serves tests and the
//! benchmark, not users. The SIMD path runs only in a wasm build, so scripts/build-wasm.sh
//! builds a second, test-only wasm with this feature (src/generated/diagnostics/ of the SDK,
//! never packed) for the SDK's parity test and the bench's GEMM timings. Moving it out took the
//! shipped wasm from 234,999 to 220,031 bytes raw and from 101,415 to 95,507 gzip (14.6 and
//! 5.8 KiB): the report, the timing loop and the scalar twins, which it otherwise never calls.

use crate::io::json::NumberFormat;
use crate::kernels::{active, scalar, AdamStep, SIMD_ENABLED};
use crate::rng::Rng;

/// Runs the three products through the active and the scalar implementation on seeded
/// random operands of awkward shapes; JSON `{ simd, cases: [{ name, maxAbsDiff }] }`.
/// `num` formats the differences (see `json::NumberFormat`).
pub fn parity_report_json(num: NumberFormat) -> String {
    let mut cases = Vec::new();
    for &(m, n, k) in PARITY_SHAPES {
        for (name, f_active, f_scalar) in PRODUCTS {
            for accumulate in [false, true] {
                let diff = parity_case(m, n, k, *f_active, *f_scalar, accumulate);
                cases.push(format!(
                    "{{\"name\":\"{name} {m}x{n}x{k}{}\",\"maxAbsDiff\":{}}}",
                    if accumulate { " +=" } else { "" },
                    num(diff as f64)
                ));
            }
        }
    }
    cases.push(format!("{{\"name\":\"adam\",\"maxAbsDiff\":{}}}", num(adam_parity() as f64)));
    cases.push(format!("{{\"name\":\"bias_sigmoid\",\"maxAbsDiff\":{}}}", num(sigmoid_parity() as f64)));
    format!("{{\"simd\":{},\"cases\":[{}]}}", SIMD_ENABLED, cases.join(","))
}

type Gemm = fn(usize, usize, usize, &[f32], &[f32], &mut [f32], bool);

const PRODUCTS: &[(&str, Gemm, Gemm)] = &[
    ("nn", active::gemm_nn, scalar::gemm_nn),
    ("nt", active::gemm_nt, scalar::gemm_nt),
    ("tn", active::gemm_tn, scalar::gemm_tn),
];

/// Shapes that exercise full micro-tiles, remainders in rows and columns, k = 1, and the
/// sizes of the seed model.
pub const PARITY_SHAPES: &[(usize, usize, usize)] =
    &[(1, 1, 1), (1, 100, 64), (2, 70, 9), (3, 7, 5), (4, 8, 16), (5, 9, 3), (17, 33, 65), (32, 64, 100), (64, 100, 32)];

fn adam_parity() -> f32 {
    let mut rng = Rng::new(5, 5);
    let n = 1003;
    let mut fill = |scale: f32| (0..n).map(|_| rng.uniform_in(-scale, scale)).collect::<Vec<f32>>();
    let (p, g, m) = (fill(1.0), fill(0.1), fill(0.01));
    let v: Vec<f32> = fill(0.01).iter().map(|x| x * x).collect();
    let mut worst = 0f32;
    for (l2, decay) in [(0.0, 1.0), (0.01, 1.0), (0.0, 0.999)] {
        let s = AdamStep { step_size: 1e-3 / 0.1, bc2_sqrt: 0.0447, beta1: 0.9, beta2: 0.999, eps: 1e-7, l2, decay };
        let (mut p1, mut m1, mut v1) = (p.clone(), m.clone(), v.clone());
        let (mut p2, mut m2, mut v2) = (p.clone(), m.clone(), v.clone());
        active::adam(&mut p1, &g, &mut m1, &mut v1, &s);
        scalar::adam(&mut p2, &g, &mut m2, &mut v2, &s);
        for (x, y) in p1.iter().chain(&m1).chain(&v1).zip(p2.iter().chain(&m2).chain(&v2)) {
            worst = worst.max((x - y).abs());
        }
    }
    worst
}

fn sigmoid_parity() -> f32 {
    let mut rng = Rng::new(6, 6);
    let cols = 13;
    // values across the whole range, including ones whose exp under- and overflows
    let z: Vec<f32> = (0..cols * 40).map(|i| if i % 17 == 0 { rng.uniform_in(-300.0, 300.0) } else { rng.uniform_in(-20.0, 20.0) }).collect();
    let bias: Vec<f32> = (0..cols).map(|_| rng.uniform_in(-1.0, 1.0)).collect();
    let (mut z1, mut z2) = (z.clone(), z);
    let (mut a1, mut a2) = (vec![0f32; z1.len()], vec![0f32; z2.len()]);
    active::bias_sigmoid(&mut z1, &bias, &mut a1);
    scalar::bias_sigmoid(&mut z2, &bias, &mut a2);
    a1.iter().chain(&z1).zip(a2.iter().chain(&z2)).map(|(x, y)| if x.to_bits() == y.to_bits() { 0.0 } else { (x - y).abs().max(f32::MIN_POSITIVE) }).fold(0.0, f32::max)
}

fn parity_case(m: usize, n: usize, k: usize, f_active: Gemm, f_scalar: Gemm, accumulate: bool) -> f32 {
    let mut rng = Rng::new((m * 1_000_003 + n * 1009 + k) as u64, 99);
    let mut fill = |len: usize| (0..len).map(|_| rng.uniform_in(-1.0, 1.0)).collect::<Vec<f32>>();
    let a = fill(m * k);
    let b = fill(k * n);
    let c0 = fill(m * n);
    let (mut c1, mut c2) = (c0.clone(), c0);
    f_active(m, n, k, &a, &b, &mut c1, accumulate);
    f_scalar(m, n, k, &a, &b, &mut c2, accumulate);
    c1.iter().zip(&c2).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

/// Runs `reps` products of `kind` ("nn", "nt" or "tn") with C (m×n) on fixed operands and
/// returns a checksum, so a benchmark can time the kernels alone. None for an unknown kind
/// or sizes above 2^24 elements per operand.
pub fn bench_products(kind: &str, m: usize, n: usize, k: usize, reps: u32) -> Option<f32> {
    let f: Gemm = match kind {
        "nn" => active::gemm_nn,
        "nt" => active::gemm_nt,
        "tn" => active::gemm_tn,
        _ => return None,
    };
    let limit = 1 << 24;
    if m * k > limit || k * n > limit || m * n > limit {
        return None;
    }
    let a: Vec<f32> = (0..m * k).map(|i| (i % 13) as f32 * 0.01).collect();
    let b: Vec<f32> = (0..k * n).map(|i| (i % 7) as f32 * 0.02).collect();
    let mut c = vec![0f32; m * n];
    for _ in 0..reps {
        f(m, n, k, &a, &b, &mut c, false);
    }
    Some(c.iter().sum())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::{gemm_nn, gemm_nt, gemm_tn};

    /// f64 definition of the three products, independent of both implementations.
    fn reference(m: usize, n: usize, k: usize, a: impl Fn(usize, usize) -> f32, b: impl Fn(usize, usize) -> f32) -> Vec<f64> {
        let mut c = vec![0f64; m * n];
        for i in 0..m {
            for j in 0..n {
                c[i * n + j] = (0..k).map(|p| a(i, p) as f64 * b(p, j) as f64).sum();
            }
        }
        c
    }

    #[test]
    fn products_match_the_f64_definition() {
        for &(m, n, k) in PARITY_SHAPES {
            let mut rng = Rng::new(11, (m + n + k) as u64);
            let x: Vec<f32> = (0..m * k).map(|_| rng.uniform_in(-1.0, 1.0)).collect();
            let y: Vec<f32> = (0..k * n).map(|_| rng.uniform_in(-1.0, 1.0)).collect();
            let tol = 1e-5 * k as f64;
            // nn: A (m×k), B (k×n)
            let want = reference(m, n, k, |i, p| x[i * k + p], |p, j| y[p * n + j]);
            let mut c = vec![0f32; m * n];
            gemm_nn(m, n, k, &x, &y, &mut c, false);
            assert!(c.iter().zip(&want).all(|(g, w)| (*g as f64 - w).abs() < tol), "nn {m}x{n}x{k}");
            // nt: A (m×k), B stored (n×k)
            let want = reference(m, n, k, |i, p| x[i * k + p], |p, j| y[j * k + p]);
            gemm_nt(m, n, k, &x, &y, &mut c, false);
            assert!(c.iter().zip(&want).all(|(g, w)| (*g as f64 - w).abs() < tol), "nt {m}x{n}x{k}");
            // tn: A stored (k×m), B (k×n)
            let want = reference(m, n, k, |i, p| x[p * m + i], |p, j| y[p * n + j]);
            gemm_tn(m, n, k, &x, &y, &mut c, false);
            assert!(c.iter().zip(&want).all(|(g, w)| (*g as f64 - w).abs() < tol), "tn {m}x{n}x{k}");
            // accumulate adds onto what is there
            let before = c.clone();
            gemm_tn(m, n, k, &x, &y, &mut c, true);
            assert!(c.iter().zip(&before).all(|(g, b)| (*g - 2.0 * b).abs() <= 1e-6 * b.abs().max(1.0)));
        }
    }

    #[test]
    fn parity_report_is_exact() {
        let report = parity_report_json(&|x| format!("{x}"));
        assert!(report.contains("\"cases\":["));
        // every case must report exactly zero difference
        let nonzero = report.split("maxAbsDiff\":").skip(1).filter(|s| !s.starts_with("0}") && !s.starts_with("0.0}")).count();
        assert_eq!(nonzero, 0, "{report}");
    }
}
