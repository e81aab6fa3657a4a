//! Transcendental functions written out in f32 arithmetic only (Cephes-style
//! polynomials), so that the same inputs give the same bits natively and in every wasm
//! runtime. std's `exp`/`ln` call the platform libm on native targets, whose last bits
//! differ from the wasm build's; training would then not be bit-reproducible across them.

const LOG2E: f32 = std::f32::consts::LOG2_E;
// ln 2 split in a high part with few mantissa bits and a correction (Cody–Waite).
const LN2_HI: f32 = 0.693_359_4;
const LN2_LO: f32 = -2.121_944_4e-4;

/// e^x, within ~2 ulp; overflows to +inf above 88.72 and flushes to 0 below -103.9.
#[inline]
pub fn exp(x: f32) -> f32 {
    if x.is_nan() {
        return x;
    }
    if x > 88.722_84 {
        return f32::INFINITY;
    }
    if x < -103.972_08 {
        return 0.0;
    }
    let n = (x * LOG2E + 0.5).floor();
    let r = x - n * LN2_HI - n * LN2_LO;
    let r2 = r * r;
    let p = ((((1.987_569_1e-4 * r + 1.398_199_9e-3) * r + 8.333_452e-3) * r + 4.166_579_6e-2) * r
        + 1.666_666_5e-1)
        * r
        + 5e-1;
    let y = p * r2 + r + 1.0;
    scale_by_pow2(y, n as i32)
}

/// y * 2^n for n in [-151, 128], exact (two steps keep subnormal results right).
#[inline]
fn scale_by_pow2(y: f32, n: i32) -> f32 {
    if n > 127 {
        return y * pow2(127) * pow2(n - 127);
    }
    if n < -126 {
        return y * pow2(-126) * pow2((n + 126).max(-126));
    }
    y * pow2(n)
}

#[inline]
fn pow2(n: i32) -> f32 {
    f32::from_bits(((n + 127) as u32) << 23)
}

/// Natural logarithm for x > 0 (returns -inf at 0, NaN below 0).
#[inline]
pub fn ln(x: f32) -> f32 {
    if x.is_nan() || x < 0.0 {
        return f32::NAN;
    }
    if x == 0.0 {
        return f32::NEG_INFINITY;
    }
    if x.is_infinite() {
        return x;
    }
    // Split x = m * 2^e with m in [sqrt(1/2), sqrt(2)).
    let (mut m, mut e) = frexp(x);
    if m < std::f32::consts::FRAC_1_SQRT_2 {
        e -= 1;
        m = m + m - 1.0;
    } else {
        m -= 1.0;
    }
    let z = m * m;
    // Horner's rule over the Cephes logf coefficients, highest degree first.
    const C: [f32; 9] = [
        7.037_683_6e-2, -1.151_461e-1, 1.167_699_9e-1, -1.242_014_1e-1, 1.424_932_3e-1, -1.666_805_7e-1,
        2.000_071_4e-1, -2.499_999_4e-1, 3.333_333e-1,
    ];
    let mut p = C[0];
    for &c in &C[1..] {
        p = p * m + c;
    }
    let mut y = p * m * z;
    let ef = e as f32;
    y += ef * LN2_LO;
    y -= 0.5 * z;
    m + y + ef * LN2_HI
}

/// x = m * 2^e with m in [0.5, 1), for finite positive x (subnormals included).
#[inline]
fn frexp(x: f32) -> (f32, i32) {
    let mut bits = x.to_bits();
    let mut e = ((bits >> 23) & 0xff) as i32;
    let mut adjust = 0;
    if e == 0 {
        // subnormal: scale up by 2^25 first
        let scaled = x * 33_554_432.0;
        bits = scaled.to_bits();
        e = ((bits >> 23) & 0xff) as i32;
        adjust = -25;
    }
    let m = f32::from_bits((bits & 0x807f_ffff) | (126 << 23));
    (m, e - 126 + adjust)
}

/// ln(1 + x) for x >= 0, accurate for small x (used by the stable BCE).
#[inline]
pub fn ln_1p(x: f32) -> f32 {
    let u = 1.0 + x;
    if u == 1.0 {
        x
    } else {
        // Corrects the rounding of 1 + x (Goldberg's trick).
        ln(u) * (x / (u - 1.0))
    }
}

/// Logistic sigmoid, stable for large |x|.
#[inline]
pub fn sigmoid(x: f32) -> f32 {
    if x >= 0.0 {
        1.0 / (1.0 + exp(-x))
    } else {
        let e = exp(x);
        e / (1.0 + e)
    }
}

/// Hyperbolic tangent; odd, saturates to ±1 beyond |x| > 9.
#[inline]
pub fn tanh(x: f32) -> f32 {
    let a = x.abs();
    let t = if a < 0.625 {
        // Cephes tanhf polynomial: avoids the cancellation of 1 - 2/(e^2x + 1) near 0.
        let z = a * a;
        let p = (((-5.704_988_7e-3 * z + 2.063_908_5e-2) * z - 5.373_971_4e-2) * z + 1.333_144_2e-1) * z
            - 3.333_328e-1;
        a + a * z * p
    } else if a > 9.0 {
        1.0
    } else {
        1.0 - 2.0 / (exp(2.0 * a) + 1.0)
    };
    if x < 0.0 {
        -t
    } else {
        t
    }
}

/// Slope of leaky relu below 0: max(z, 0.01·z).
pub const LEAKY_RELU_SLOPE: f32 = 0.01;
const GELU_C: f32 = 0.797_884_6; // sqrt(2/pi)
const GELU_K: f32 = 0.044_715;

/// ELU (α = 1): z for z > 0, e^z − 1 otherwise.
#[inline]
pub fn elu(z: f32) -> f32 {
    if z > 0.0 {
        z
    } else {
        exp(z) - 1.0
    }
}

/// ELU's derivative from z and a = elu(z): 1 for z > 0, a + 1 = e^z otherwise.
#[inline]
pub fn elu_derivative(z: f32, a: f32) -> f32 {
    if z > 0.0 {
        1.0
    } else {
        a + 1.0
    }
}

/// GELU, tanh approximation (as in GPT-2 and `approximate=True` elsewhere).
#[inline]
pub fn gelu(z: f32) -> f32 {
    0.5 * z * (1.0 + tanh(GELU_C * (z + GELU_K * z * z * z)))
}

/// GELU's derivative (of the tanh form) at z.
#[inline]
pub fn gelu_derivative(z: f32) -> f32 {
    let t = tanh(GELU_C * (z + GELU_K * z * z * z));
    0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * GELU_C * (1.0 + 3.0 * GELU_K * z * z)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel_err(a: f32, b: f64) -> f64 {
        ((a as f64) - b).abs() / b.abs().max(1e-30)
    }

    #[test]
    fn exp_matches_f64_within_a_few_ulp() {
        let mut x = -87.0f32;
        while x < 88.0 {
            assert!(rel_err(exp(x), (x as f64).exp()) < 4e-7, "exp({x})");
            x += 0.0137;
        }
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(100.0), f32::INFINITY);
        assert_eq!(exp(-200.0), 0.0);
        assert!(exp(-100.0) > 0.0 && rel_err(exp(-100.0), (-100f64).exp()) < 1e-3);
    }

    #[test]
    fn ln_matches_f64() {
        let mut x = 1e-30f32;
        while x < 1e30 {
            assert!(((ln(x) as f64) - (x as f64).ln()).abs() < 3e-7 * (x as f64).ln().abs().max(1.0), "ln({x})");
            x *= 1.37;
        }
        assert_eq!(ln(1.0), 0.0);
        assert_eq!(ln(0.0), f32::NEG_INFINITY);
        assert!(ln(-1.0).is_nan());
        assert!((ln(1e-40) as f64 - (1e-40f64).ln()).abs() < 1e-4);
    }

    #[test]
    fn ln_1p_small_and_large() {
        for &x in &[0.0f32, 1e-10, 1e-5, 0.1, 0.5, 1.0] {
            assert!(rel_err(ln_1p(x), (x as f64).ln_1p()) < 3e-7 || x == 0.0, "ln_1p({x})");
        }
    }

    #[test]
    fn tanh_and_sigmoid_match_f64() {
        let mut x = -12.0f32;
        while x < 12.0 {
            assert!(((tanh(x) as f64) - (x as f64).tanh()).abs() < 3e-7, "tanh({x})");
            let s = 1.0 / (1.0 + (-(x as f64)).exp());
            assert!(((sigmoid(x) as f64) - s).abs() < 3e-7, "sigmoid({x})");
            x += 0.0093;
        }
        assert_eq!(tanh(-0.0), -0.0);
        assert_eq!(sigmoid(-200.0), 0.0);
        assert_eq!(sigmoid(200.0), 1.0);
    }
}
