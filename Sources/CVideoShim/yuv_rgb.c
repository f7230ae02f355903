// Planar YUV 4:4:4 (8-bit) to packed RGB24: the decoder's conversion for 4:4:4 sources.
//
// swscale has no fast path from 4:4:4 to RGB: its generic scaler took 6.6 ms per 1280x720 frame
// (perf, the 4:4:4 cockatoo clip), more than decoding it. This applies the same matrix
// (swscale's coefficients for the frame's colour space, studio or full range) in 16.16 fixed
// point, rounded to nearest, as a plain loop the compiler vectorises.
#include <math.h>

#include "internal.h"

/// `R = cy·(Y − oy) + crv·V`, `G = cy·(Y − oy) − cgu·U − cgv·V`, `B = cy·(Y − oy) + cbu·U` with
/// U and V centred on 128, in 16.16 fixed point.
typedef struct {
  int cy, oy, crv, cbu, cgu, cgv;
} rgb_matrix;

static rgb_matrix rgb_matrix_for(const int *coefficients, int full_range) {
  // swscale's tables are for studio-range chroma (they include its 255/224 stretch); full-range
  // chroma takes them times 224/255, and studio-range luma is stretched by 255/219 from 16.
  double chroma = full_range ? 224.0 / 255.0 : 1.0;
  rgb_matrix m = {
      full_range ? 1 << 16 : (int)lround(65536.0 * 255.0 / 219.0),
      full_range ? 0 : 16,
      (int)lround(coefficients[0] * chroma),
      (int)lround(coefficients[1] * chroma),
      (int)lround(coefficients[2] * chroma),
      (int)lround(coefficients[3] * chroma),
  };
  return m;
}

/// One row of `n` pixels, as a plain loop: compiled for AVX2 and for the baseline, the loader
/// picking one for this CPU (`CV_MULTIVERSION`).
CV_MULTIVERSION static void row(const uint8_t *restrict y, const uint8_t *restrict u,
                                const uint8_t *restrict v, int n, uint8_t *restrict rgb,
                                const rgb_matrix *m) {
  for (int x = 0; x < n; x++) {
    int luma = m->cy * (y[x] - m->oy) + (1 << 15);
    int cb = u[x] - 128, cr = v[x] - 128;
    rgb[3 * x] = clip8((luma + m->crv * cr) >> 16);
    rgb[3 * x + 1] = clip8((luma - m->cgu * cb - m->cgv * cr) >> 16);
    rgb[3 * x + 2] = clip8((luma + m->cbu * cb) >> 16);
  }
}

int cv_yuv444p_to_rgb24(const uint8_t *y, int ystride, const uint8_t *u, int ustride,
                        const uint8_t *v, int vstride, int w, int h, const int *coefficients,
                        int full_range, uint8_t *rgb, int stride) {
  if (!y || !u || !v || !rgb || !coefficients || w <= 0 || h <= 0 || ystride < w ||
      ustride < w || vstride < w || stride < 3 * w)
    return AVERROR(EINVAL);
  const rgb_matrix m = rgb_matrix_for(coefficients, full_range);
  for (int r = 0; r < h; r++) {
    row(y + (size_t)r * ystride, u + (size_t)r * ustride, v + (size_t)r * vstride, w,
            rgb + (size_t)r * stride, &m);
  }
  return 0;
}
