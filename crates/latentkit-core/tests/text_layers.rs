// The class structure of `class_softmax` (frequency binning) and its exact distribution
// (`log_probs`), which decoding, sampling and evaluation will read.
use latentkit_core::layers::class_softmax::{self, default_classes, ClassSoftmax};
use latentkit_core::layers::{mat, mat_mut};
use latentkit_core::rng::Rng;

/// Zipf-like counts of a vocabulary, with a padding-like token 0 heavier than any class.
fn zipf_counts(vocab: usize) -> Vec<u64> {
    (0..vocab).map(|i| if i == 0 { 40 * vocab as u64 } else { (100_000 / (i + 3)) as u64 }).collect()
}

#[test]
fn frequency_binning_gives_every_class_tokens_and_about_equal_counts() {
    for (vocab, classes) in [(2, 1), (2, 2), (10, 10), (97, 5), (4460, default_classes(4460)), (7700, 88)] {
        let counts = zipf_counts(vocab);
        let cs = ClassSoftmax::from_counts(&counts, classes, 8).unwrap();
        assert_eq!(cs.classes(), classes, "V {vocab}");
        let total: u64 = counts.iter().sum();
        let heaviest = *counts.iter().max().unwrap();
        let mut seen = vec![false; vocab];
        for c in 0..classes {
            let members = cs.members(c);
            assert!(!members.is_empty(), "V {vocab}: class {c} is empty");
            let mass: u64 = members.iter().map(|&t| counts[t as usize]).sum();
            // a class holds at most its share plus the token that crossed the boundary
            assert!(mass <= total / classes as u64 + heaviest, "V {vocab}: class {c} holds {mass} of {total}");
            for &t in members {
                assert!(!seen[t as usize] && cs.class_of()[t as usize] as usize == c);
                seen[t as usize] = true;
            }
        }
        assert!(seen.iter().all(|&s| s), "V {vocab}: every token has a class");
        assert_eq!(ClassSoftmax::from_counts(&counts, classes, 8).unwrap(), cs, "deterministic");
        assert_eq!(ClassSoftmax::from_classes(cs.class_of(), 8).unwrap(), cs, "rebuilt from the stored classes");
    }
    assert_eq!([default_classes(4460), default_classes(7700), default_classes(12_500)], [67, 88, 112]);
}

#[test]
fn bad_class_structures_are_refused_with_a_message() {
    let err = |r: latentkit_core::Result<ClassSoftmax>| r.unwrap_err();
    for e in [
        err(ClassSoftmax::from_counts(&[3], 1, 4)),
        err(ClassSoftmax::from_counts(&[3, 2, 1], 0, 4)),
        err(ClassSoftmax::from_counts(&[3, 2, 1], 4, 4)),
        err(ClassSoftmax::from_counts(&[0, 0, 0], 2, 4)),
        err(ClassSoftmax::from_counts(&[3, 2, 1], 2, 0)),
        err(ClassSoftmax::from_classes(&[0, 2, 2], 4)),
        err(ClassSoftmax::from_classes(&[], 4)),
        // a class index as large as a mutated file may hold: refused before anything is sized by it
        err(ClassSoftmax::from_classes(&[0, 2_147_483_648, 1], 4)),
    ] {
        assert_eq!(e.code(), "INVALID_OPTION");
        assert!(e.message().starts_with("class softmax:"), "{}", e.message());
    }
}

#[test]
fn log_probs_are_exact_and_agree_with_the_training_loss() {
    let (vocab, d, n) = (53, 6, 40);
    let cs = ClassSoftmax::from_counts(&zipf_counts(vocab), 7, d).unwrap();
    let mut rng = Rng::new(4, 4);
    let mut draw = |len: usize| (0..len).map(|_| rng.uniform_in(-1.5, 1.5)).collect::<Vec<f32>>();
    let (q, table, own) = (draw(n * d), draw(vocab * d), draw(cs.param_count()));
    let targets: Vec<f32> = (0..n).map(|i| ((i * 17) % vocab) as f32).collect();
    let mut lp = vec![0f32; n * vocab];
    cs.log_probs(mat(&q, n, d), mat(&table, vocab, d), &own, mat_mut(&mut lp, n, vocab));
    for row in lp.chunks(vocab) {
        let total: f64 = row.iter().map(|&l| (l as f64).exp()).sum();
        assert!((total - 1.0).abs() < 1e-5, "a row's probabilities sum to {total}");
    }
    let mut s = class_softmax::Scratch::default();
    let loss = cs.forward(mat(&q, n, d), &targets, mat(&table, vocab, d), &own, 1.0 / n as f64, &mut s);
    let want: f64 = targets.iter().enumerate().map(|(i, &t)| -lp[i * vocab + t as usize] as f64).sum::<f64>() / n as f64;
    assert!((loss - want).abs() < 1e-5 * want.abs().max(1.0), "training loss {loss} vs exact {want}");
    for (i, &l) in s.position_losses().iter().enumerate() {
        let exact = -lp[i * vocab + targets[i] as usize];
        assert!((l - exact).abs() < 1e-4 * exact.abs().max(1.0), "position {i}: {l} vs {exact}");
    }
}

/// Frequency binning written plainly with std's sort: the reference for `from_counts`.
fn binning_reference(counts: &[u64], classes: usize) -> Vec<u32> {
    let mut sorted: Vec<usize> = (0..counts.len()).collect();
    sorted.sort_by(|&a, &b| counts[b].cmp(&counts[a]).then(a.cmp(&b)));
    let total: u128 = counts.iter().map(|&c| c as u128).sum();
    let (mut class_of, mut c, mut before) = (vec![0u32; counts.len()], 0usize, 0u128);
    for (i, &tok) in sorted.iter().enumerate() {
        let share = (before * classes as u128 / total) as usize;
        if i > 0 && c + 1 < classes && (share > c || counts.len() - i <= classes - 1 - c) {
            c += 1;
        }
        class_of[tok] = c as u32;
        before += counts[tok] as u128;
    }
    class_of
}

#[test]
fn frequency_binning_matches_a_plain_reference_with_ties_and_zeros() {
    let mut rng = Rng::new(11, 0);
    for trial in 0..200 {
        let vocab = 2 + rng.below(300) as usize;
        // few distinct counts, so ties are common; zeros too
        let counts: Vec<u64> = (0..vocab).map(|_| rng.below(6) as u64 * rng.below(50) as u64).collect();
        if counts.iter().all(|&c| c == 0) {
            continue;
        }
        let classes = 1 + rng.below(vocab as u32) as usize;
        let cs = ClassSoftmax::from_counts(&counts, classes, 2).unwrap();
        assert_eq!(cs.class_of(), &binning_reference(&counts, classes)[..], "trial {trial}: V {vocab}, {classes} classes");
    }
}
