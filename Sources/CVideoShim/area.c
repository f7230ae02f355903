// RGB24 shrinking by area averaging with OpenCV's INTER_AREA weights (what the Python reference
// resizes frames with): each destination pixel is the mean of the source box it covers, the
// boundary pixels weighted by the fraction inside. Separable: a vertical pass over whole rows
// (contiguous, so it vectorises), then a horizontal pass on the few rows left.
//
// swscale's SWS_AREA is a different filter and the slowest step of a 720p frame's trip to the
// model (4.1 ms for 1280x720 -> 224x224 here against 0.6 ms).
#include "internal.h"

#include <libavutil/mem.h>
#include <math.h>
#include <stdlib.h>

/// One source index and its weight in one destination index.
typedef struct {
  int src;
  float weight;
} area_tap;

/// The taps of every destination index (`first[d]..<first[d + 1]` in `taps`), for shrinking
/// `ssize` samples to `dsize`: destination `d` covers `[d·s, (d+1)·s)` with `s = ssize / dsize`,
/// and weights sum to 1. Returns the tap count, or -1 without memory.
static int area_taps(int ssize, int dsize, area_tap **taps_out, int **first_out) {
  double scale = (double)ssize / dsize;
  int capacity = ssize + 2 * dsize;
  area_tap *taps = av_malloc_array(capacity, sizeof(area_tap));
  int *first = av_malloc_array(dsize + 1, sizeof(int));
  if (!taps || !first) {
    av_free(taps);
    av_free(first);
    return -1;
  }
  int k = 0;
  for (int d = 0; d < dsize; d++) {
    first[d] = k;
    double f1 = d * scale, f2 = f1 + scale;
    double cell = fmin(scale, ssize - f1);
    // The same bounds and thresholds as OpenCV's computeResizeAreaTab.
    int s1 = (int)ceil(f1), s2 = (int)floor(f2);
    if (s2 > ssize - 1) s2 = ssize - 1;
    if (s1 > s2) s1 = s2;
    if (s1 - f1 > 1e-3) taps[k++] = (area_tap){s1 - 1, (float)((s1 - f1) / cell)};
    for (int s = s1; s < s2; s++) taps[k++] = (area_tap){s, (float)(1.0 / cell)};
    if (f2 - s2 > 1e-3) taps[k++] = (area_tap){s2, (float)(fmin(fmin(f2 - s2, 1.0), cell) / cell)};
  }
  first[dsize] = k;
  *taps_out = taps;
  *first_out = first;
  return k;
}

/// The vertical pass of one destination row: `rows[i] = Σ w·src_row[i]` over the row's taps, in
/// tap order (each element's sum is the same whatever the vector width; no FMA is enabled, so
/// `w·x` is rounded before it is added, as the portable build does). Compiled twice, for AVX2
/// (8 floats a step instead of 4) and for the baseline.
#define VERTICAL_BODY                                                                              \
  if (first == last)                                                                               \
    for (long i = 0; i < n; i++) rows[i] = 0;                                                      \
  for (int t = first; t < last; t++) {                                                             \
    const uint8_t *restrict row = src + (size_t)taps[t].src * sstride;                             \
    float w = taps[t].weight;                                                                      \
    if (t == first)                                                                                \
      for (long i = 0; i < n; i++) rows[i] = w * (float)row[i];                                    \
    else                                                                                           \
      for (long i = 0; i < n; i++) rows[i] += w * (float)row[i];                                   \
  }

typedef void vertical_fn(const uint8_t *src, int sstride, const area_tap *taps, int first,
                         int last, long n, float *restrict rows);

static void vertical(const uint8_t *src, int sstride, const area_tap *taps, int first, int last,
                     long n, float *restrict rows) {
  VERTICAL_BODY
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) static void vertical_avx2(const uint8_t *src, int sstride,
                                                          const area_tap *taps, int first,
                                                          int last, long n,
                                                          float *restrict rows) {
  VERTICAL_BODY
}
#endif

static vertical_fn *choose_vertical(void) {
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx2")) return vertical_avx2;
#endif
  return vertical;
}

/// `rintf(v)` clamped to [0, 255], for v >= 0 and v < 2^23 (sums of positive weights times bytes):
/// adding and subtracting 2^23 rounds to an integer in the current (nearest-even) mode exactly as
/// `rintf` does, without a libm call per channel (no SSE4.1 `roundss` in the baseline).
static inline uint8_t round_byte(float v) {
  float q = (v + 8388608.0f) - 8388608.0f;
  return q <= 0 ? 0 : q >= 255 ? 255 : (uint8_t)q;
}

int cv_resize_area_rgb24(const uint8_t *src, int sw, int sh, int sstride, uint8_t *dst, int dw,
                         int dh, int dstride) {
  if (!src || !dst || dw <= 0 || dh <= 0 || sw < dw || sh < dh || sstride < 3 * sw ||
      dstride < 3 * dw)
    return AVERROR(EINVAL);
  area_tap *xt = NULL, *yt = NULL;
  int *xf = NULL, *yf = NULL;
  float *rows = av_malloc_array((size_t)3 * sw, sizeof(float));
  int ret = 0;
  if (!rows || area_taps(sw, dw, &xt, &xf) < 0 || area_taps(sh, dh, &yt, &yf) < 0) {
    ret = AVERROR(ENOMEM);
    goto done;
  }
  long n = 3L * sw;
  vertical_fn *vertical_pass = choose_vertical();
  for (int dy = 0; dy < dh; dy++) {
    // Vertical: the weighted sum of the source rows under this destination row (every row has at
    // least one tap; 0 + w·x is w·x, so the first tap is stored rather than added to zeros).
    vertical_pass(src, sstride, yt, yf[dy], yf[dy + 1], n, rows);
    // Horizontal.
    uint8_t *out = dst + (size_t)dy * dstride;
    for (int dx = 0; dx < dw; dx++) {
      float r = 0, g = 0, b = 0;
      for (int t = xf[dx]; t < xf[dx + 1]; t++) {
        const float *p = rows + 3 * xt[t].src;
        float w = xt[t].weight;
        r += w * p[0];
        g += w * p[1];
        b += w * p[2];
      }
      // Round half to even, as OpenCV's saturate_cast.
      out[3 * dx] = round_byte(r);
      out[3 * dx + 1] = round_byte(g);
      out[3 * dx + 2] = round_byte(b);
    }
  }
done:
  av_free(rows);
  av_free(xt);
  av_free(xf);
  av_free(yt);
  av_free(yf);
  return ret;
}
