// Packed RGB24 to planar YUV 4:2:0 (BT.601, the matrix the outputs are tagged with), the last
// step before every H.264/MPEG-4/MJPEG encoder. Chroma is the mean of each 2x2 block (centred
// siting, as JPEG and MPEG-1); a picture with an odd size repeats its last column and row.
//
// swscale takes 4.4 ms for a 1280x720 frame here (its RGB24 input path filters chroma with the
// context's bicubic kernel); this takes a fraction of that, on the encoder's critical path.
#include "internal.h"

/// 15-bit fixed-point coefficients.
#define FIX(x) ((int)((x) * (1 << 15) + ((x) < 0 ? -0.5 : 0.5)))

typedef struct {
  int yr, yg, yb, y0;
  int ur, ug, ub, vr, vg, vb;
} yuv_matrix;

static yuv_matrix matrix(int full_range) {
  // BT.601 luma weights; chroma (B − Y)/1.772 and (R − Y)/1.402; studio range scales luma to
  // 219 and chroma to 224 levels over 255.
  double ys = full_range ? 1.0 : 219.0 / 255.0, cs = full_range ? 1.0 : 224.0 / 255.0;
  yuv_matrix m = {
      FIX(0.299 * ys),         FIX(0.587 * ys),          FIX(0.114 * ys),
      (full_range ? 0 : 16) << 15,
      FIX(-0.168736 * cs),     FIX(-0.331264 * cs),      FIX(0.5 * cs),
      FIX(0.5 * cs),           FIX(-0.418688 * cs),      FIX(-0.081312 * cs),
  };
  return m;
}

static inline uint8_t clip8(int v) { return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)v; }

/// One row pair of whole 2x2 blocks: `n` (even) pixels of rows `s0` and `s1`. Written as plain
/// loops over pixels and blocks so that the compiler vectorises them (compiled twice, for AVX2
/// and for the baseline).
#define ROW_PAIR_BODY                                                                              \
  const int yround = m->y0 + (1 << 14), cbase = (128 << 17) + (1 << 16);                         \
  for (int x = 0; x < n; x++)                                                                      \
    y0[x] = clip8((yround + m->yr * s0[3 * x] + m->yg * s0[3 * x + 1] + m->yb * s0[3 * x + 2]) >> \
                  15);                                                                             \
  for (int x = 0; x < n; x++)                                                                      \
    y1[x] = clip8((yround + m->yr * s1[3 * x] + m->yg * s1[3 * x + 1] + m->yb * s1[3 * x + 2]) >> \
                  15);                                                                             \
  for (int c = 0; c < n / 2; c++) {                                                                \
    int r = s0[6 * c] + s0[6 * c + 3] + s1[6 * c] + s1[6 * c + 3];                                 \
    int g = s0[6 * c + 1] + s0[6 * c + 4] + s1[6 * c + 1] + s1[6 * c + 4];                         \
    int b = s0[6 * c + 2] + s0[6 * c + 5] + s1[6 * c + 2] + s1[6 * c + 5];                         \
    u[c] = clip8((cbase + m->ur * r + m->ug * g + m->ub * b) >> 17);                               \
    v[c] = clip8((cbase + m->vr * r + m->vg * g + m->vb * b) >> 17);                               \
  }

typedef void row_pair_fn(const uint8_t *restrict s0, const uint8_t *restrict s1, int n,
                         uint8_t *restrict y0, uint8_t *restrict y1, uint8_t *restrict u,
                         uint8_t *restrict v, const yuv_matrix *m);

static void row_pair(const uint8_t *restrict s0, const uint8_t *restrict s1, int n,
                     uint8_t *restrict y0, uint8_t *restrict y1, uint8_t *restrict u,
                     uint8_t *restrict v, const yuv_matrix *m) {
  ROW_PAIR_BODY
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) static void row_pair_avx2(
    const uint8_t *restrict s0, const uint8_t *restrict s1, int n, uint8_t *restrict y0,
    uint8_t *restrict y1, uint8_t *restrict u, uint8_t *restrict v, const yuv_matrix *m) {
  ROW_PAIR_BODY
}
#endif

static row_pair_fn *choose_row_pair(void) {
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx2")) return row_pair_avx2;
#endif
  return row_pair;
}

int cv_rgb24_to_yuv420p(const uint8_t *rgb, int stride, int w, int h, uint8_t *y, int ystride,
                        uint8_t *u, int ustride, uint8_t *v, int vstride, int dw, int dh,
                        int full_range) {
  if (!rgb || !y || !u || !v || w <= 0 || h <= 0 || dw < w || dh < h || stride < 3 * w ||
      ystride < dw || ustride < (dw + 1) / 2 || vstride < (dw + 1) / 2)
    return AVERROR(EINVAL);
  const yuv_matrix m = matrix(full_range);
  row_pair_fn *pair = choose_row_pair();
  // Whole 2x2 blocks inside the picture run vectorised; the edge (odd sizes, and the padding up
  // to `dw`×`dh`) repeats the last column and row, one block at a time.
  const int whole = w & ~1;
  for (int cy = 0; cy < (dh + 1) / 2; cy++) {
    int r0 = 2 * cy < h ? 2 * cy : h - 1;
    int r1 = 2 * cy + 1 < h ? 2 * cy + 1 : h - 1;
    const uint8_t *s0 = rgb + (size_t)r0 * stride, *s1 = rgb + (size_t)r1 * stride;
    uint8_t *y0 = y + (size_t)(2 * cy) * ystride;
    uint8_t *y1 = 2 * cy + 1 < dh ? y0 + ystride : NULL;
    uint8_t *uo = u + (size_t)cy * ustride, *vo = v + (size_t)cy * vstride;
    // The last pair of an odd `dh` has one output row: all of it goes block by block.
    if (y1) pair(s0, s1, whole, y0, y1, uo, vo, &m);
    for (int cx = y1 ? whole / 2 : 0; cx < (dw + 1) / 2; cx++) {
      int c0 = 2 * cx < w ? 2 * cx : w - 1;
      int c1 = 2 * cx + 1 < w ? 2 * cx + 1 : w - 1;
      const uint8_t *p00 = s0 + 3 * c0, *p01 = s0 + 3 * c1;
      const uint8_t *p10 = s1 + 3 * c0, *p11 = s1 + 3 * c1;
      uint8_t a[6] = {p00[0], p00[1], p00[2], p01[0], p01[1], p01[2]};
      uint8_t b[6] = {p10[0], p10[1], p10[2], p11[0], p11[1], p11[2]};
      uint8_t ya[2], yb[2];
      row_pair(a, b, 2, ya, yb, uo + cx, vo + cx, &m);
      y0[2 * cx] = ya[0];
      if (2 * cx + 1 < dw) y0[2 * cx + 1] = ya[1];
      if (y1) {
        y1[2 * cx] = yb[0];
        if (2 * cx + 1 < dw) y1[2 * cx + 1] = yb[1];
      }
    }
  }
  return 0;
}
