// The packed GEMM's micro-tiles (gemm.c keeps the blocking, the packing and the portable tile):
// AVX2 + FMA in tile_avx2.c, AVX-512 in tile512.c. Not part of the module's API.
#ifndef CKERNELS_TILES_H
#define CKERNELS_TILES_H

/// The 6×16 micro-tile on AVX2 + FMA: `c[r][i] (+)= Σ_kk a[6·kk + r] · b[16·kk + i]` for
/// `r < 6`, `i < 16` (a packed micro-panel), starting from `c` with `accumulate`, ending with
/// `clamp(· + bias[r], lo, hi) (+ res)` with `last`; rows `ldc` apart.
void ck_tile_avx2_16(long kc, const float *a, const float *b, float *c, long ldc, int accumulate,
                     int last, const float *bias, float lo, float hi, const float *res);
/// ``ck_tile_avx2_16`` on 8 columns (a micro-panel of 16 floats a step, the first 8 used).
void ck_tile_avx2_8(long kc, const float *a, const float *b, float *c, long ldc, int accumulate,
                    int last, const float *bias, float lo, float hi, const float *res);
/// A whole-depth R×16 tile on AVX2 (R = 6, or 4 for `rows` ≤ 4) from X rows `ldb` apart (a
/// packed micro-panel, `ldb` 16, or an NCHW plane in place), bias, clamp and `res` applied,
/// storing its first `rows` rows.
void ck_tile_avx2_direct(long k, const float *a, const float *b, long ldb, float *c, long ldc,
                         long rows, const float *bias, float lo, float hi, const float *res);
/// Up to 4 single columns (`width`) of a micro-tile on AVX2, vectorised over the panel's rows:
/// column `i` is `b[kk·width + i]` (a compact tail micro-panel) and its outputs go to
/// `y[at[i] + r·hw]` for `r < rows`.
void ck_columns_avx2(long kc, const float *a, const float *b, long width, const long *at,
                     long hw, long rows, int accumulate, int last, const float *bias, float lo,
                     float hi, const float *res, float *y);

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
