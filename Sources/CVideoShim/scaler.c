// RGB24 → RGB24 resizing with a fit (stretch, centre-crop, letterbox), and the upright transform.
// Shrinking by area runs area.c; the other filters, and enlarging, run swscale.
#include "cvshim.h"
#include "internal.h"

#include <libavutil/mem.h>
#include <libswscale/swscale.h>
#include <string.h>

struct cv_scaler {
  struct SwsContext *sws;
};

int cv_scaler_create(cv_scaler **out) {
  if (!out) return AVERROR(EINVAL);
  *out = av_mallocz(sizeof(cv_scaler));
  return *out ? 0 : AVERROR(ENOMEM);
}

void cv_scaler_free(cv_scaler **s) {
  if (!s || !*s) return;
  sws_freeContext((*s)->sws);
  av_freep(s);
}

static int sws_filter(int filter) {
  switch (filter) {
  case CV_SCALE_AREA: return SWS_AREA;
  case CV_SCALE_BICUBIC: return SWS_BICUBIC;
  default: return SWS_BILINEAR;
  }
}

int cv_scaler_scale(cv_scaler *s, const uint8_t *src, int sw, int sh, int sstride, uint8_t *dst,
                    int dw, int dh, int dstride, int fit, int filter, uint8_t pad_value,
                    cv_rect *content) {
  if (!s || !src || !dst || sw <= 0 || sh <= 0 || dw <= 0 || dh <= 0 || sstride < 3 * sw ||
      dstride < 3 * dw)
    return AVERROR(EINVAL);

  // Source rectangle used, destination rectangle filled.
  int sx = 0, sy = 0, cw = sw, ch = sh;
  int dx = 0, dy = 0, ow = dw, oh = dh;
  if (fit == CV_FIT_CROP) {
    // Largest centred source rectangle with the destination's aspect ratio.
    if ((int64_t)sw * dh > (int64_t)sh * dw) {
      cw = (int)(((int64_t)sh * dw + dh / 2) / dh);
      if (cw < 1) cw = 1;
      sx = (sw - cw) / 2;
    } else {
      ch = (int)(((int64_t)sw * dh + dw / 2) / dw);
      if (ch < 1) ch = 1;
      sy = (sh - ch) / 2;
    }
  } else if (fit == CV_FIT_PAD) {
    if ((int64_t)sw * dh > (int64_t)sh * dw) {
      oh = (int)(((int64_t)sh * dw + sw / 2) / sw);
      if (oh < 1) oh = 1;
      dy = (dh - oh) / 2;
    } else {
      ow = (int)(((int64_t)sw * dh + sh / 2) / sh);
      if (ow < 1) ow = 1;
      dx = (dw - ow) / 2;
    }
    for (int y = 0; y < dh; y++) memset(dst + (size_t)y * dstride, pad_value, (size_t)dw * 3);
  }
  if (content) {
    if (fit == CV_FIT_CROP) *content = (cv_rect){sx, sy, cw, ch};
    else *content = (cv_rect){dx, dy, ow, oh};
  }

  const uint8_t *from = src + (size_t)sy * sstride + (size_t)sx * 3;
  uint8_t *to = dst + (size_t)dy * dstride + (size_t)dx * 3;
  if (cw == ow && ch == oh) {
    for (int y = 0; y < ch; y++) memcpy(to + (size_t)y * dstride, from + (size_t)y * sstride, (size_t)cw * 3);
    return 0;
  }
  if (filter == CV_SCALE_AREA && cw >= ow && ch >= oh)
    return cv_resize_area_rgb24(from, cw, ch, sstride, to, ow, oh, dstride);
  s->sws = sws_getCachedContext(s->sws, cw, ch, AV_PIX_FMT_RGB24, ow, oh, AV_PIX_FMT_RGB24,
                                sws_filter(filter) | SWS_ACCURATE_RND, NULL, NULL, NULL);
  if (!s->sws) return AVERROR(EINVAL);
  const uint8_t *sp[4] = {from, NULL, NULL, NULL};
  int ss[4] = {sstride, 0, 0, 0};
  uint8_t *dp[4] = {to, NULL, NULL, NULL};
  int ds[4] = {dstride, 0, 0, 0};
  int ret = sws_scale(s->sws, sp, ss, 0, ch, dp, ds);
  return ret < 0 ? ret : 0;
}

void cv_rgb_transform(const uint8_t *src, int w, int h, int src_stride, uint8_t *dst,
                      int dst_stride, int rotation, int hflip) {
  int ow = (rotation == 90 || rotation == 270) ? h : w;
  for (int y = 0; y < h; y++) {
    const uint8_t *row = src + (size_t)y * src_stride;
    for (int x = 0; x < w; x++) {
      int nx, ny;  // position after a clockwise rotation
      switch (rotation) {
      case 90: nx = h - 1 - y; ny = x; break;
      case 180: nx = w - 1 - x; ny = h - 1 - y; break;
      case 270: nx = y; ny = w - 1 - x; break;
      default: nx = x; ny = y; break;
      }
      if (hflip) nx = ow - 1 - nx;
      uint8_t *p = dst + (size_t)ny * dst_stride + (size_t)nx * 3;
      p[0] = row[3 * x];
      p[1] = row[3 * x + 1];
      p[2] = row[3 * x + 2];
    }
  }
}
