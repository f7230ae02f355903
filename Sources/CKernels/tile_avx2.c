// The packed GEMM's AVX2 + FMA micro-tiles (see tiles.h; gemm.c chooses them): 6×16 and 6×8 on
// packed micro-panels, a whole-depth 6- or 4-row tile that also reads X in place, and the
// column kernel for a narrow tail.
#include "avx2.h"
#include "ckernels.h"
#include "tiles.h"

#define MR CK_PANEL_ROWS
#define NR 16

#if CK_X86
/// The 6×16 (nv = 2) or 6×8 (nv = 1) micro-tile with AVX2 + FMA.
CK_AVX2 CK_INLINE static void tile_avx2_impl(long kc, const float *a, const float *b, float *c,
                                          long ldc, const int nv, int accumulate, int last,
                                          const float *bias, float lo, float hi,
                                          const float *res) {
  __m256 acc[MR][2];
  for (int r = 0; r < MR; r++) {
    for (int v = 0; v < nv; v++) {
      acc[r][v] = accumulate ? _mm256_loadu_ps(c + r * ldc + 8 * v) : _mm256_setzero_ps();
    }
  }
  for (long kk = 0; kk < kc; kk++) {
    _mm_prefetch((const char *)(a + CK_WEIGHTS_AHEAD), _MM_HINT_T0);
    __m256 b0 = _mm256_load_ps(b);
    __m256 b1 = nv > 1 ? _mm256_load_ps(b + 8) : b0;
    for (int r = 0; r < MR; r++) {
      __m256 av = _mm256_broadcast_ss(a + r);
      acc[r][0] = _mm256_fmadd_ps(av, b0, acc[r][0]);
      if (nv > 1) acc[r][1] = _mm256_fmadd_ps(av, b1, acc[r][1]);
    }
    a += MR;
    b += NR;
  }
  if (last) {
    __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
    for (int r = 0; r < MR; r++) {
      __m256 bv = _mm256_broadcast_ss(bias + r);
      for (int v = 0; v < nv; v++) {
        acc[r][v] = _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(acc[r][v], bv), vlo), vhi);
        if (res) acc[r][v] = _mm256_add_ps(acc[r][v], _mm256_loadu_ps(res + r * ldc + 8 * v));
      }
    }
  }
  for (int r = 0; r < MR; r++) {
    for (int v = 0; v < nv; v++) _mm256_storeu_ps(c + r * ldc + 8 * v, acc[r][v]);
  }
}

/// A whole-depth R×16 tile (R = 6, or 4 for a last panel of at most 4 rows: 8 FMAs a step
/// instead of 12; a 32-row stem or 16-row project computed 6 rows for 2 or 4) read straight
/// from an NCHW-style X (row `kk` at `b + kk·ldb`, no packing) with bias, clamp and residual,
/// storing its first `rows` rows.
CK_AVX2 CK_INLINE static void tile_avx2_direct_impl(long k, const float *a, const float *b,
                                                    long ldb, float *c, long ldc, long rows,
                                                    const float *bias, float lo, float hi,
                                                    const float *res, const int R) {
  __m256 acc[MR][2];
  for (int r = 0; r < R; r++) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
  for (long kk = 0; kk < k; kk++) {
    _mm_prefetch((const char *)(a + CK_WEIGHTS_AHEAD), _MM_HINT_T0);
    __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
    for (int r = 0; r < R; r++) {
      __m256 av = _mm256_broadcast_ss(a + r);
      acc[r][0] = _mm256_fmadd_ps(av, b0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(av, b1, acc[r][1]);
    }
    a += MR;
    b += ldb;
  }
  __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
  for (int r = 0; r < R; r++) {
    if (r >= rows) break;
    __m256 bv = _mm256_broadcast_ss(bias + r);
    for (int v = 0; v < 2; v++) {
      __m256 o = _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(acc[r][v], bv), vlo), vhi);
      if (res) o = _mm256_add_ps(o, _mm256_loadu_ps(res + r * ldc + 8 * v));
      _mm256_storeu_ps(c + r * ldc + 8 * v, o);
    }
  }
}

CK_AVX2 void ck_tile_avx2_direct(long k, const float *a, const float *b, long ldb, float *c,
                                     long ldc, long rows, const float *bias, float lo, float hi,
                                     const float *res) {
  if (rows <= 4) {
    tile_avx2_direct_impl(k, a, b, ldb, c, ldc, rows, bias, lo, hi, res, 4);
  } else {
    tile_avx2_direct_impl(k, a, b, ldb, c, ldc, rows, bias, lo, hi, res, MR);
  }
}

CK_AVX2 void ck_tile_avx2_16(long kc, const float *a, const float *b, float *c, long ldc,
                                 int accumulate, int last, const float *bias, float lo,
                                 float hi, const float *res) {
  tile_avx2_impl(kc, a, b, c, ldc, 2, accumulate, last, bias, lo, hi, res);
}

CK_AVX2 void ck_tile_avx2_8(long kc, const float *a, const float *b, float *c, long ldc,
                                int accumulate, int last, const float *bias, float lo, float hi,
                                const float *res) {
  tile_avx2_impl(kc, a, b, c, ldc, 1, accumulate, last, bias, lo, hi, res);
}

/// Up to 4 single columns of a micro-tile (a narrow tail such as the 49th column of a 7×7
/// map), vectorised over the panel's 6 rows instead of 16 columns: one FMA per depth step and
/// column instead of six, with `U` interleaved accumulators per column so the FMAs do not wait
/// on each other. Lanes 6 and 7 read the next step's weights and are never stored. Column `i`
/// is `b[kk·W + i]` (a compact tail, ``panel_stride``); its outputs go to `y[at[i] + r·hw]` for
/// `r < rows`.
CK_AVX2 CK_INLINE static void columns_avx2_impl(long kc, const float *a, const float *b,
                                                const int W, const int U, const long *at, long hw,
                                                long rows, int accumulate, int last,
                                                const float *bias, float lo, float hi,
                                                const float *res, float *y) {
  __m256 acc[4][4];
  for (int i = 0; i < W; i++) {
    for (int u = 0; u < U; u++) acc[i][u] = _mm256_setzero_ps();
  }
  long kk = 0;
  for (; kk + U <= kc; kk += U) {
    for (int u = 0; u < U; u++) {
      __m256 av = _mm256_loadu_ps(a + (kk + u) * MR);
      const float *bk = b + (kk + u) * W;
      for (int i = 0; i < W; i++) acc[i][u] = _mm256_fmadd_ps(av, _mm256_broadcast_ss(bk + i), acc[i][u]);
    }
  }
  for (; kk < kc; kk++) {
    __m256 av = _mm256_loadu_ps(a + kk * MR);
    for (int i = 0; i < W; i++) {
      acc[i][0] = _mm256_fmadd_ps(av, _mm256_broadcast_ss(b + kk * W + i), acc[i][0]);
    }
  }
  for (int i = 0; i < W; i++) {
    __m256 sum = acc[i][0];
    for (int u = 1; u < U; u++) sum = _mm256_add_ps(sum, acc[i][u]);
    float v[8];
    _mm256_storeu_ps(v, sum);
    for (long r = 0; r < rows; r++) {
      float *out = y + at[i] + r * hw;
      float x = v[r] + (accumulate ? *out : 0.0f);
      if (last) {
        x += bias[r];
        x = x < lo ? lo : x;
        x = x > hi ? hi : x;
        if (res) x += res[at[i] + r * hw];
      }
      *out = x;
    }
  }
}

CK_AVX2 void ck_columns_avx2(long kc, const float *a, const float *b, long width,
                                 const long *at, long hw, long rows, int accumulate, int last,
                                 const float *bias, float lo, float hi, const float *res,
                                 float *y) {
  switch (width) {
  case 1: columns_avx2_impl(kc, a, b, 1, 4, at, hw, rows, accumulate, last, bias, lo, hi, res, y); break;
  case 2: columns_avx2_impl(kc, a, b, 2, 4, at, hw, rows, accumulate, last, bias, lo, hi, res, y); break;
  case 3: columns_avx2_impl(kc, a, b, 3, 2, at, hw, rows, accumulate, last, bias, lo, hi, res, y); break;
  default: columns_avx2_impl(kc, a, b, 4, 2, at, hw, rows, accumulate, last, bias, lo, hi, res, y); break;
  }
}
#endif
