#ifndef SWEEP_KERNELS_H
#define SWEEP_KERNELS_H

#include <stddef.h>

/// Dense kernels of the built-in models and of TPE's densities, compiled twice (AVX2 and baseline x86-64) and chosen at
/// load time by the CPU (GCC/Clang target_clones). They compute every element with the same
/// operations in the same order whichever copy runs — no fused multiply-add, no reassociation; the
/// one reduction, sweep_dot, fixes its own order — so results are bit-identical on every CPU.
/// Matrices are row-major.

/// C[m, n] += Σ_k A(m, k) · B[k, n]  (M × K times K × N), A(m, k) = a[m·aRow + k·aColumn],
/// B[k, n] = b[k·ldb + n], C[m, n] = c[m·ldc + n]; each element sums its k terms in order.
void sweep_gemm(size_t M, size_t N, size_t K, const double *a, size_t aRow, size_t aColumn, const double *b, size_t ldb,
                double *c, size_t ldc);

/// z[i, :] = b + Σ_j a[i, j] · w[j, :]  (rows × inWidth times inWidth × out).
void sweep_affine(size_t rows, size_t inWidth, size_t out, const double *a, const double *w, const double *b, double *z);

/// g[j, :] += Σ_i input[i, j] · delta[i, :]  (the weight gradient).
void sweep_outer_accumulate(size_t rows, size_t inWidth, size_t out, const double *input, const double *delta, double *g);

/// p[i, :] += Σ_k delta[i, k] · wt[k, :]  (wt: out × inWidth, Wᵀ).
void sweep_backpropagate(size_t rows, size_t inWidth, size_t out, const double *delta, const double *wt, double *p);

/// y[i] += a · x[i].
void sweep_axpy(size_t n, double a, const double *x, double *y);

/// Σ x[i]·y[i], summed in eight interleaved partial sums combined in a fixed order: vectorisable
/// without reassociation, so the same bits on every CPU (not those of a sequential sum).
double sweep_dot(size_t n, const double *x, const double *y);

/// terms[i] += logNorm[i] − ½·((x − mu[i])·inverseSigma[i])²: one axis of a Parzen mixture's log density.
void sweep_gaussian_terms(size_t n, double x, const double *mu, const double *inverseSigma, const double *logNorm, double *terms);

/// terms[i] = logBase[i] − ½·((x − mu[i])·inverseSigma[i])²: a univariate Parzen mixture's terms.
void sweep_gaussian_log_terms(size_t n, double x, const double *mu, const double *inverseSigma, const double *logBase,
                              double *terms);

/// log Σ e^terms[i]: the largest term plus the log of the others' exponentials relative to it
/// (those below e^−40 of it left out), summed in eight interleaved partial sums combined in a fixed
/// order, with an exponential of fixed operations: vectorised, and the same bits on every CPU.
double sweep_log_sum_exp(size_t n, const double *terms);

/// e^x for −40 < x ≤ 0 (0 below −40) as sweep_log_sum_exp computes it (for its tests).
double sweep_exp_nonpositive(double x);

/// One Adam step (β₁ 0.9, β₂ 0.999, ε 1e-8) with the bias-corrected `rate`: m, v and p in place.
void sweep_adam(size_t n, double rate, double *p, double *m, double *v, const double *g);

#endif
