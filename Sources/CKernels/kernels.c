#include "kernels.h"
#include <math.h>

#if defined(__x86_64__) && defined(__linux__)
#define CLONES __attribute__((target_clones("avx2", "default")))
#else
#define CLONES
#endif

enum { MR = 4, NR = 8 };

/// C[m, n] += Σ_k A(m, k) · B[k, n], with A(m, k) = a[m·aRow + k·aColumn]; inlined into each clone
/// so that each is compiled for its CPU. Blocks of MR × NR of C
/// stay in registers while k runs, so the inner loop is loads of B and multiply-adds only; every
/// element still sums its k terms in ascending order (the same bits on every CPU).
__attribute__((always_inline)) static inline void gemm(size_t M, size_t N, size_t K, const double *a, size_t aRow, size_t aColumn,
                        const double *restrict b, size_t ldb, double *restrict c, size_t ldc) {
    size_t m = 0;
    for (; m + MR <= M; m += MR) {
        size_t n = 0;
        for (; n + NR <= N; n += NR) {
            double acc[MR][NR];
            for (size_t r = 0; r < MR; r++)
                for (size_t q = 0; q < NR; q++) acc[r][q] = c[(m + r) * ldc + n + q];
            for (size_t k = 0; k < K; k++) {
                const double *restrict row = b + k * ldb + n;
                for (size_t r = 0; r < MR; r++) {
                    const double value = a[(m + r) * aRow + k * aColumn];
                    for (size_t q = 0; q < NR; q++) acc[r][q] += value * row[q];
                }
            }
            for (size_t r = 0; r < MR; r++)
                for (size_t q = 0; q < NR; q++) c[(m + r) * ldc + n + q] = acc[r][q];
        }
        for (size_t r = 0; r < MR; r++)
            for (size_t q = n; q < N; q++) {
                double sum = c[(m + r) * ldc + q];
                for (size_t k = 0; k < K; k++) sum += a[(m + r) * aRow + k * aColumn] * b[k * ldb + q];
                c[(m + r) * ldc + q] = sum;
            }
    }
    for (; m < M; m++) {
        double *restrict target = c + m * ldc;
        for (size_t k = 0; k < K; k++) {
            const double value = a[m * aRow + k * aColumn];
            const double *restrict row = b + k * ldb;
            for (size_t q = 0; q < N; q++) target[q] += value * row[q];
        }
    }
}

CLONES
void sweep_gemm(size_t M, size_t N, size_t K, const double *a, size_t aRow, size_t aColumn, const double *b, size_t ldb,
                double *c, size_t ldc) {
    gemm(M, N, K, a, aRow, aColumn, b, ldb, c, ldc);
}

CLONES
void sweep_affine(size_t rows, size_t inWidth, size_t out, const double *a, const double *w, const double *b, double *z) {
    for (size_t i = 0; i < rows; i++)
        for (size_t k = 0; k < out; k++) z[i * out + k] = b[k];
    gemm(rows, out, inWidth, a, inWidth, 1, w, out, z, out);
}

CLONES
void sweep_outer_accumulate(size_t rows, size_t inWidth, size_t out, const double *input, const double *delta, double *g) {
    gemm(inWidth, out, rows, input, 1, inWidth, delta, out, g, out);
}

CLONES
void sweep_backpropagate(size_t rows, size_t inWidth, size_t out, const double *delta, const double *wt, double *p) {
    gemm(rows, inWidth, out, delta, out, 1, wt, inWidth, p, inWidth);
}

CLONES
void sweep_axpy(size_t n, double a, const double *x, double *y) {
    for (size_t i = 0; i < n; i++) y[i] += a * x[i];
}

CLONES
void sweep_adam(size_t n, double rate, double *restrict p, double *restrict m, double *restrict v, const double *restrict g) {
    const double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
    for (size_t i = 0; i < n; i++) {
        m[i] = beta1 * m[i] + (1 - beta1) * g[i];
        v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
        p[i] -= rate * m[i] / (sqrt(v[i]) + epsilon);
    }
}

CLONES
double sweep_dot(size_t n, const double *restrict x, const double *restrict y) {
    double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (size_t q = 0; q < 8; q++) acc[q] += x[i + q] * y[i + q];
    for (size_t q = 0; i < n; i++, q++) acc[q] += x[i] * y[i];
    return ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7]));
}

CLONES
void sweep_gaussian_terms(size_t n, double x, const double *restrict mu, const double *restrict inverseSigma,
                          const double *restrict logNorm, double *restrict terms) {
    for (size_t i = 0; i < n; i++) {
        const double z = (x - mu[i]) * inverseSigma[i];
        terms[i] += logNorm[i] - 0.5 * z * z;
    }
}

/// e^x for −40 < x ≤ 0 (0 below −40), with the same operations on every CPU and no branch, so a
/// loop of it vectorises: x = k·ln2 + r with |r| ≤ ln2/2 (k rounded by the 1.5·2⁵² trick, ln2 in
/// two parts as fdlibm), e^r by its Taylor series to r¹³ (error below 2⁻⁵⁵), 2^k from the
/// exponent bits. Within about one ulp of the correctly rounded value.
__attribute__((always_inline)) static inline double exp_nonpositive(double x) {
    const double magic = 6755399441055744.0;  // 1.5 · 2^52: adding it rounds to an integer
    const double ln2hi = 6.93147180369123816490e-01, ln2lo = 1.90821492927058770002e-10;
    const double clamped = x > -40.0 ? x : -40.0;
    const double shifted = clamped * 1.44269504088896338700e+00 + magic;
    const double k = shifted - magic;
    const double r = (clamped - k * ln2hi) - k * ln2lo;
    double p = 1.0 / 6227020800.0;  // 1/13!
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    union { double d; long long i; } bits = {shifted}, magicBits = {magic}, scale;
    scale.i = (bits.i - magicBits.i + 1023) << 52;
    const double value = p * scale.d;
    return x > -40.0 ? value : 0.0;
}

CLONES
void sweep_gaussian_log_terms(size_t n, double x, const double *restrict mu, const double *restrict inverseSigma,
                              const double *restrict logBase, double *restrict terms) {
    for (size_t i = 0; i < n; i++) {
        const double z = (x - mu[i]) * inverseSigma[i];
        terms[i] = logBase[i] - 0.5 * z * z;
    }
}

CLONES
double sweep_log_sum_exp(size_t n, const double *terms) {
    double tops[4] = {-INFINITY, -INFINITY, -INFINITY, -INFINITY};
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        for (size_t j = 0; j < 4; j++) tops[j] = terms[i + j] > tops[j] ? terms[i + j] : tops[j];
    double top = tops[0];
    for (size_t j = 1; j < 4; j++) top = tops[j] > top ? tops[j] : top;
    for (; i < n; i++) top = terms[i] > top ? terms[i] : top;
    if (!(top > -INFINITY && top < INFINITY)) return top;
    double sums[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    i = 0;
    for (; i + 8 <= n; i += 8)
        for (size_t j = 0; j < 8; j++) sums[j] += exp_nonpositive(terms[i + j] - top);
    double sum = 0;
    for (; i < n; i++) sum += exp_nonpositive(terms[i] - top);
    for (size_t j = 0; j < 8; j++) sum += sums[j];
    return top + log(sum);
}

double sweep_exp_nonpositive(double x) { return exp_nonpositive(x); }
