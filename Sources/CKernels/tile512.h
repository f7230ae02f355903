// The AVX-512 micro-tiles of the packed GEMM (gemm.c), in their own file (tile512.c) so gemm.c
// keeps the blocking and the AVX2 and portable tiles. Not part of the module's API.
#ifndef CKERNELS_TILE512_H
#define CKERNELS_TILE512_H

/// An R×32 tile (R = 6, or 4 when `rows` ≤ 4) of `c (+)= A · B` with 16-lane vectors:
/// `c[r][i] (+)= Σ_kk a[6·kk + r] · b(kk, i)` for `r < rows` and `i < 32`, where `b(kk, i)` is
/// `b0[kk·ldb + i]` for `i < 16` and `b1[kk·ldb + i − 16]` for the others (two packed 16-column
/// micro-panels with `ldb` 16, or 32 consecutive pixels of an NCHW plane with `ldb` its row
/// stride). With `accumulate` the tile starts from `c`; with `last` it ends with
/// `clamp(· + bias[r], lo, hi) (+ res)`, `res` (NULL: none) laid out as `c`. Stores rows
/// `0..<rows` only (row stride `ldc`).
void ck_tile512(long kc, const float *a, const float *b0, const float *b1, long ldb, float *c,
                long ldc, long rows, int accumulate, int last, const float *bias, float lo,
                float hi, const float *res);

/// ``ck_tile512`` on 16 columns (`b0` alone): the last micro-panel of an odd count, such as the
/// 49 columns of a 7×7 map after their 32-column tile.
void ck_tile512_16(long kc, const float *a, const float *b, long ldb, float *c, long ldc,
                   long rows, int accumulate, int last, const float *bias, float lo, float hi,
                   const float *res);

/// ``ck_tile512`` on 48 columns (`b0`, `b1`, `b2`) and `tw` (0…4) more right after them: column
/// `48 + i` is `bt[kk·ldt + i]` (a compact tail micro-panel, `ldt = tw`, or the pixels after the
/// 48 with `ldt = ldb`). The 49 columns of a 7×7 map, or the last 52 of a 14×14 one, in one
/// sweep over the weights instead of three.
void ck_tile512_48(long kc, const float *a, const float *b0, const float *b1, const float *b2,
                   long ldb, const float *bt, long ldt, long tw, float *c, long ldc, long rows,
                   int accumulate, int last, const float *bias, float lo, float hi,
                   const float *res);

#endif
