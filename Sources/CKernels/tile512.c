// The packed GEMM's AVX-512 micro-tiles: 6 rows × 48 or 32 columns in 18 or 12 ZMM
// accumulators (the shape of the AVX2 6×16 tile with vectors of 16), the 48-column one taking up
// to 4 more columns along, and 6 × 16 for an odd micro-panel. On a core with two 512-bit FMA
// pipes (Zen 5 measured here: 134–139 G multiply-adds/s against 67–69 G with 256-bit vectors)
// they do the same work in half the FMAs; twelve or more independent chains still cover the FMA
// latency.
#include "avx2.h"
#include "ckernels.h"
#include "tiles.h"

#if CK_X86
#define MR CK_PANEL_ROWS

/// The tile of `NV` (2 or 3) vectors of 16 columns, from `b0`, `b1` and `b2`, and `TW` (0…4)
/// tail columns after them. The tail goes by rows: the panel's 6 weights of a depth step (8
/// lanes read, the last 2 belonging to the next step and never stored) times the column's
/// value, one 8-lane FMA per column and step beside the vectors' 18, whose time covers the tail
/// accumulators' latency. `NV`, `TW` and `R` are constants in the callers.
CK_AVX512 CK_INLINE static void tile_impl(long kc, const float *a, const float *b0,
                                          const float *b1, const float *b2, long ldb,
                                          const int NV, const float *bt, long ldt, const int TW,
                                          float *c, long ldc, long rows, int accumulate,
                                          int last, const float *bias, float lo, float hi,
                                          const float *res, const int R) {
  __m512 acc[MR][3];
  __m256 tail[4];
  for (int r = 0; r < R; r++) {
    for (int v = 0; v < NV; v++) {
      acc[r][v] = accumulate && r < rows ? _mm512_loadu_ps(c + r * ldc + 16 * v) : _mm512_setzero_ps();
    }
  }
  for (int i = 0; i < TW; i++) tail[i] = _mm256_setzero_ps();
  for (long kk = 0; kk < kc; kk++) {
    _mm_prefetch((const char *)(a + CK_WEIGHTS_AHEAD), _MM_HINT_T0);
    __m512 x[3] = {_mm512_loadu_ps(b0), _mm512_loadu_ps(b1),
                  NV > 2 ? _mm512_loadu_ps(b2) : _mm512_setzero_ps()};
    for (int r = 0; r < R; r++) {
      __m512 av = _mm512_set1_ps(a[r]);
      for (int v = 0; v < NV; v++) acc[r][v] = _mm512_fmadd_ps(av, x[v], acc[r][v]);
    }
    if (TW > 0) {
      __m256 column = _mm256_loadu_ps(a);
      for (int i = 0; i < TW; i++) tail[i] = _mm256_fmadd_ps(column, _mm256_broadcast_ss(bt + i), tail[i]);
    }
    a += MR;
    b0 += ldb;
    b1 += ldb;
    b2 += ldb;
    bt += ldt;
  }
  __m512 vlo = _mm512_set1_ps(lo), vhi = _mm512_set1_ps(hi);
  for (int r = 0; r < R; r++) {
    if (r >= rows) break;
    __m512 bv = _mm512_set1_ps(bias[r]);
    for (int v = 0; v < NV; v++) {
      __m512 o = acc[r][v];
      if (last) {
        o = _mm512_min_ps(_mm512_max_ps(_mm512_add_ps(o, bv), vlo), vhi);
        if (res) o = _mm512_add_ps(o, _mm512_loadu_ps(res + r * ldc + 16 * v));
      }
      _mm512_storeu_ps(c + r * ldc + 16 * v, o);
    }
  }
  for (int i = 0; i < TW; i++) {
    float v[8];
    _mm256_storeu_ps(v, tail[i]);
    for (long r = 0; r < rows; r++) {
      float *out = c + r * ldc + 16 * NV + i;
      float x = v[r] + (accumulate ? *out : 0.0f);
      if (last) {
        x += bias[r];
        x = x < lo ? lo : x;
        x = x > hi ? hi : x;
        if (res) x += res[r * ldc + 16 * NV + i];
      }
      *out = x;
    }
  }
}

CK_AVX512 void ck_tile512(long kc, const float *a, const float *b0, const float *b1, long ldb,
                          float *c, long ldc, long rows, int accumulate, int last,
                          const float *bias, float lo, float hi, const float *res) {
  // No third vector and no tail: `b2` and `bt` are never read.
  if (rows <= 4) {
    tile_impl(kc, a, b0, b1, b1, ldb, 2, b0, 0, 0, c, ldc, rows, accumulate, last, bias, lo, hi,
              res, 4);
  } else {
    tile_impl(kc, a, b0, b1, b1, ldb, 2, b0, 0, 0, c, ldc, rows, accumulate, last, bias, lo, hi,
              res, MR);
  }
}

/// The 16-column tile: one vector a row, so the depth steps alternate between two sets of six
/// accumulators (summed at the end) to keep twelve chains in flight.
CK_AVX512 CK_INLINE static void tile16_impl(long kc, const float *a, const float *b, long ldb,
                                            float *c, long ldc, long rows, int accumulate,
                                            int last, const float *bias, float lo, float hi,
                                            const float *res, const int R) {
  __m512 acc[MR][2];
  for (int r = 0; r < R; r++) {
    acc[r][0] = accumulate && r < rows ? _mm512_loadu_ps(c + r * ldc) : _mm512_setzero_ps();
    acc[r][1] = _mm512_setzero_ps();
  }
  long kk = 0;
  for (; kk + 2 <= kc; kk += 2) {
    _mm_prefetch((const char *)(a + CK_WEIGHTS_AHEAD), _MM_HINT_T0);
    __m512 x0 = _mm512_loadu_ps(b), x1 = _mm512_loadu_ps(b + ldb);
    for (int r = 0; r < R; r++) {
      acc[r][0] = _mm512_fmadd_ps(_mm512_set1_ps(a[r]), x0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(_mm512_set1_ps(a[MR + r]), x1, acc[r][1]);
    }
    a += 2 * MR;
    b += 2 * ldb;
  }
  if (kk < kc) {
    __m512 x0 = _mm512_loadu_ps(b);
    for (int r = 0; r < R; r++) acc[r][0] = _mm512_fmadd_ps(_mm512_set1_ps(a[r]), x0, acc[r][0]);
  }
  __m512 vlo = _mm512_set1_ps(lo), vhi = _mm512_set1_ps(hi);
  for (int r = 0; r < R; r++) {
    if (r >= rows) break;
    __m512 o = _mm512_add_ps(acc[r][0], acc[r][1]);
    if (last) {
      o = _mm512_min_ps(_mm512_max_ps(_mm512_add_ps(o, _mm512_set1_ps(bias[r])), vlo), vhi);
      if (res) o = _mm512_add_ps(o, _mm512_loadu_ps(res + r * ldc));
    }
    _mm512_storeu_ps(c + r * ldc, o);
  }
}

CK_AVX512 void ck_tile512_16(long kc, const float *a, const float *b, long ldb, float *c,
                             long ldc, long rows, int accumulate, int last, const float *bias,
                             float lo, float hi, const float *res) {
  if (rows <= 4) {
    tile16_impl(kc, a, b, ldb, c, ldc, rows, accumulate, last, bias, lo, hi, res, 4);
  } else {
    tile16_impl(kc, a, b, ldb, c, ldc, rows, accumulate, last, bias, lo, hi, res, MR);
  }
}
CK_AVX512 void ck_tile512_48(long kc, const float *a, const float *b0, const float *b1,
                             const float *b2, long ldb, const float *bt, long ldt, long tw,
                             float *c, long ldc, long rows, int accumulate, int last,
                             const float *bias, float lo, float hi, const float *res) {
#define TILE48(TW, R)                                                                              \
  tile_impl(kc, a, b0, b1, b2, ldb, 3, bt, ldt, TW, c, ldc, rows, accumulate, last, bias, lo, hi, \
            res, R)
  if (rows <= 4) {
    switch (tw) {
    case 0: TILE48(0, 4); break;
    case 1: TILE48(1, 4); break;
    case 2: TILE48(2, 4); break;
    case 3: TILE48(3, 4); break;
    default: TILE48(4, 4); break;
    }
  } else {
    switch (tw) {
    case 0: TILE48(0, MR); break;
    case 1: TILE48(1, MR); break;
    case 2: TILE48(2, MR); break;
    case 3: TILE48(3, MR); break;
    default: TILE48(4, MR); break;
    }
  }
#undef TILE48
}
#else
void ck_tile512_48(long kc, const float *a, const float *b0, const float *b1, const float *b2,
                   long ldb, const float *bt, long ldt, long tw, float *c, long ldc, long rows,
                   int accumulate, int last, const float *bias, float lo, float hi,
                   const float *res) {
  (void)kc, (void)a, (void)b0, (void)b1, (void)b2, (void)ldb, (void)bt, (void)ldt, (void)tw;
  (void)c, (void)ldc, (void)rows, (void)accumulate, (void)last, (void)bias, (void)lo, (void)hi;
  (void)res;
}

void ck_tile512_16(long kc, const float *a, const float *b, long ldb, float *c, long ldc,
                   long rows, int accumulate, int last, const float *bias, float lo, float hi,
                   const float *res) {
  (void)kc, (void)a, (void)b, (void)ldb, (void)c, (void)ldc, (void)rows, (void)accumulate;
  (void)last, (void)bias, (void)lo, (void)hi, (void)res;
}

void ck_tile512(long kc, const float *a, const float *b0, const float *b1, long ldb, float *c,
                long ldc, long rows, int accumulate, int last, const float *bias, float lo,
                float hi, const float *res) {
  (void)kc, (void)a, (void)b0, (void)b1, (void)ldb, (void)c, (void)ldc, (void)rows;
  (void)accumulate, (void)last, (void)bias, (void)lo, (void)hi, (void)res;
}
#endif
