// Encode + mux, after FFmpeg's doc/examples/encode_video.c and transcode.c: send/receive,
// flush by sending NULL, av_packet_rescale_ts, AV_CODEC_FLAG_GLOBAL_HEADER, av_write_trailer.
// Unlike the examples, nothing is muxed after an encoder error and every allocation is checked.
#include "cvshim.h"
#include "internal.h"
#include "output_audio.h"

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
#include <string.h>

static int lists(const enum AVPixelFormat *list, enum AVPixelFormat f) {
  for (const enum AVPixelFormat *p = list; *p != AV_PIX_FMT_NONE; p++)
    if (*p == f) return 1;
  return 0;
}

static enum AVPixelFormat choose_pix_fmt(const AVCodec *codec) {
  const enum AVPixelFormat *list = codec->pix_fmts;
  if (!list) return AV_PIX_FMT_YUV420P;
  // MJPEG refuses limited-range YUV by default: full-range 4:2:0 for it.
  if (codec->id == AV_CODEC_ID_MJPEG && lists(list, AV_PIX_FMT_YUVJ420P)) return AV_PIX_FMT_YUVJ420P;
  if (lists(list, AV_PIX_FMT_YUV420P)) return AV_PIX_FMT_YUV420P;
  return avcodec_find_best_pix_fmt_of_list(list, AV_PIX_FMT_RGB24, 0, NULL);
}

static int is_mov_family(const AVOutputFormat *f) {
  return f && (!strcmp(f->name, "mp4") || !strcmp(f->name, "mov") || !strcmp(f->name, "ipod") ||
               !strcmp(f->name, "ismv") || !strcmp(f->name, "3gp") || !strcmp(f->name, "f4v"));
}

int cv_output_open(cv_output **out, const cv_output_config *c) {
  if (!out || !c || !c->url || !c->codec_name || c->width <= 0 || c->height <= 0 ||
      c->tb_num <= 0 || c->tb_den <= 0)
    return AVERROR(EINVAL);
  *out = NULL;
  int ret = 0;
  AVDictionary *codec_opts = NULL;
  cv_output *o = av_mallocz(sizeof(*o));
  if (!o) return AVERROR(ENOMEM);
  o->in_w = c->width;
  o->in_h = c->height;
  o->in_tb = (AVRational){c->tb_num, c->tb_den};
  o->last_pts = INT64_MIN;

  const char *name = c->name_for_format ? c->name_for_format : c->url;
  const AVOutputFormat *format = c->format_name ? cv_find_muxer(c->format_name) : NULL;
  ret = c->format_name && !format
            ? AVERROR_MUXER_NOT_FOUND
            : avformat_alloc_output_context2(&o->fmt, format, NULL, name);
  if (ret < 0 || !o->fmt) {
    ret = c->format_name ? AVERROR_MUXER_NOT_FOUND : AVERROR(EINVAL);
    goto fail;
  }
  // The muxer was chosen by the final name; bytes go to `url` (a temporary file), which is also
  // what the MP4 muxer reopens for its faststart pass.
  av_freep(&o->fmt->url);
  if (!(o->fmt->url = av_strdup(c->url))) {
    ret = AVERROR(ENOMEM);
    goto fail;
  }
  const AVCodec *codec = avcodec_find_encoder_by_name(c->codec_name);
  if (!codec) {
    ret = AVERROR_ENCODER_NOT_FOUND;
    goto fail;
  }
  if (codec->type != AVMEDIA_TYPE_VIDEO) {
    ret = AVERROR(EINVAL);
    goto fail;
  }
  if (avformat_query_codec(o->fmt->oformat, codec->id, FF_COMPLIANCE_NORMAL) == 0) {
    ret = AVERROR(EINVAL);  // e.g. H.264 into a WebM: the caller names both in its message
    goto fail;
  }
  o->enc = avcodec_alloc_context3(codec);
  o->vst = avformat_new_stream(o->fmt, NULL);
  o->frame = av_frame_alloc();
  o->pkt = av_packet_alloc();
  if (!o->enc || !o->vst || !o->frame || !o->pkt) {
    ret = AVERROR(ENOMEM);
    goto fail;
  }

  enum AVPixelFormat pix = choose_pix_fmt(codec);
  const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(pix);
  // 4:2:0 (or 4:2:2) needs even sizes: pad by one edge-replicated row/column.
  int wmask = desc ? (1 << desc->log2_chroma_w) - 1 : 0;
  int hmask = desc ? (1 << desc->log2_chroma_h) - 1 : 0;
  o->enc->width = (c->width + wmask) & ~wmask;
  o->enc->height = (c->height + hmask) & ~hmask;
  o->enc->pix_fmt = pix;
  o->enc->sample_aspect_ratio = (AVRational){1, 1};
  int full_range = pix == AV_PIX_FMT_YUVJ420P || pix == AV_PIX_FMT_YUVJ422P || pix == AV_PIX_FMT_YUVJ444P;
  if (desc && !(desc->flags & AV_PIX_FMT_FLAG_RGB)) {
    o->enc->colorspace = AVCOL_SPC_SMPTE170M;  // the RGB→YUV matrix used (BT.601)
    o->enc->color_range = full_range ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG;
  }
  AVRational tb = o->in_tb;
  av_reduce(&tb.num, &tb.den, tb.num, tb.den, INT_MAX);
  // MPEG-4 Part 2 and H.263 store the time base in 16 bits.
  if ((codec->id == AV_CODEC_ID_MPEG4 || codec->id == AV_CODEC_ID_H263 ||
       codec->id == AV_CODEC_ID_H263P || codec->id == AV_CODEC_ID_MSMPEG4V3) && tb.den > 65535)
    tb = (AVRational){1, 1000};
  o->enc->time_base = tb;
  if (c->fps_num > 0 && c->fps_den > 0) o->enc->framerate = (AVRational){c->fps_num, c->fps_den};
  o->enc->thread_count = c->threads > 0 ? c->threads : 0;
  if (c->gop > 0) o->enc->gop_size = c->gop;
  if (o->fmt->oformat->flags & AVFMT_GLOBALHEADER) o->enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;

  if (c->preset && c->preset[0] && av_opt_set(o->enc->priv_data, "preset", c->preset, 0) < 0) {
    ret = AVERROR_OPTION_NOT_FOUND;
    goto fail;
  }
  if (c->crf >= 0) {
    if (av_opt_set_double(o->enc->priv_data, "crf", c->crf, 0) >= 0) {
      if (codec->id == AV_CODEC_ID_VP9 || codec->id == AV_CODEC_ID_VP8) o->enc->bit_rate = 0;
    } else {
      // Codecs without CRF (mpeg4, mjpeg): a fixed quantiser of similar quality.
      int q = 2 + c->crf / 8;
      o->enc->flags |= AV_CODEC_FLAG_QSCALE;
      o->enc->global_quality = FF_QP2LAMBDA * q;
    }
  }
  if ((ret = cv_options_copy_dict(c->codec_options, &codec_opts)) < 0) goto fail;
  if ((ret = avcodec_open2(o->enc, codec, &codec_opts)) < 0) goto fail;
  if (av_dict_count(codec_opts) > 0) {
    ret = AVERROR_OPTION_NOT_FOUND;
    goto fail;
  }
  if ((ret = avcodec_parameters_from_context(o->vst->codecpar, o->enc)) < 0) goto fail;
  o->vst->time_base = o->enc->time_base;
  if (o->enc->framerate.num > 0) o->vst->avg_frame_rate = o->enc->framerate;

  o->frame->format = o->enc->pix_fmt;
  o->frame->width = o->enc->width;
  o->frame->height = o->enc->height;
  if ((ret = av_frame_get_buffer(o->frame, 0)) < 0) goto fail;
  o->sws = sws_getContext(o->enc->width, o->enc->height, AV_PIX_FMT_RGB24, o->enc->width,
                          o->enc->height, pix, SWS_BICUBIC, NULL, NULL, NULL);
  if (!o->sws) {
    ret = AVERROR(EINVAL);
    goto fail;
  }
  if (desc && !(desc->flags & AV_PIX_FMT_FLAG_RGB))
    sws_setColorspaceDetails(o->sws, sws_getCoefficients(SWS_CS_DEFAULT), 1,
                             sws_getCoefficients(SWS_CS_DEFAULT), full_range, 0, 1 << 16, 1 << 16);

  if ((ret = cv_options_copy_dict(c->format_options, &o->fmt_opts)) < 0) goto fail;
  if (is_mov_family(o->fmt->oformat) && !av_dict_get(o->fmt_opts, "movflags", NULL, 0))
    av_dict_set(&o->fmt_opts, "movflags",
                c->seekable ? "+faststart" : "+frag_keyframe+empty_moov+default_base_moof", 0);
  if (!(o->fmt->oformat->flags & AVFMT_NOFILE)) {
    if ((ret = avio_open2(&o->fmt->pb, c->url, AVIO_FLAG_WRITE, NULL, NULL)) < 0) goto fail;
  }
  av_dict_free(&codec_opts);
  *out = o;
  return 0;

fail:
  av_dict_free(&codec_opts);
  cv_output_close(&o);
  return ret;
}

void cv_output_close(cv_output **po) {
  if (!po || !*po) return;
  cv_output *o = *po;
  cv_output_audio_free(o);
  if (o->fmt && !(o->fmt->oformat->flags & AVFMT_NOFILE)) avio_closep(&o->fmt->pb);
  avformat_free_context(o->fmt);
  avcodec_free_context(&o->enc);
  av_frame_free(&o->frame);
  av_packet_free(&o->pkt);
  sws_freeContext(o->sws);
  av_free(o->padded);
  av_dict_free(&o->fmt_opts);
  av_freep(po);
}

int cv_output_write_header_once(cv_output *o) {
  if (o->header_written) return 0;
  int ret = avformat_write_header(o->fmt, &o->fmt_opts);
  if (ret < 0) return ret;
  o->header_written = 1;
  if (av_dict_count(o->fmt_opts) > 0) return AVERROR_OPTION_NOT_FOUND;
  return 0;
}

// Sends one frame (or NULL to flush) and muxes every packet the encoder returns.
static int encode_video(cv_output *o, AVFrame *frame) {
  int ret = avcodec_send_frame(o->enc, frame);
  if (ret < 0) return ret;
  for (;;) {
    ret = avcodec_receive_packet(o->enc, o->pkt);
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return 0;
    if (ret < 0) return ret;
    av_packet_rescale_ts(o->pkt, o->enc->time_base, o->vst->time_base);
    o->pkt->stream_index = o->vst->index;
    ret = av_interleaved_write_frame(o->fmt, o->pkt);
    if (ret < 0) return ret;
  }
}

// Copies the caller's RGB into a buffer one column/row larger, replicating the last one.
static const uint8_t *padded_rgb(cv_output *o, const uint8_t *rgb, int stride, int *out_stride) {
  int w = o->enc->width, h = o->enc->height;
  size_t need = (size_t)w * 3 * (size_t)h;
  if (need > o->padded_size) {
    av_free(o->padded);
    o->padded = av_malloc(need);
    o->padded_size = o->padded ? need : 0;
    if (!o->padded) return NULL;
  }
  for (int y = 0; y < h; y++) {
    int sy = y < o->in_h ? y : o->in_h - 1;
    uint8_t *d = o->padded + (size_t)y * w * 3;
    memcpy(d, rgb + (size_t)sy * stride, (size_t)o->in_w * 3);
    for (int x = o->in_w; x < w; x++) memcpy(d + 3 * x, d + 3 * (o->in_w - 1), 3);
  }
  *out_stride = w * 3;
  return o->padded;
}

int cv_output_write_video(cv_output *o, const uint8_t *rgb, int stride, int64_t pts,
                          int64_t duration) {
  if (!o || !rgb || stride < 3 * o->in_w || o->finished) return AVERROR(EINVAL);
  int ret = cv_output_write_header_once(o);
  if (ret < 0) return ret;
  if ((ret = av_frame_make_writable(o->frame)) < 0) return ret;

  enum AVPixelFormat pix = o->enc->pix_fmt;
  if (pix == AV_PIX_FMT_YUV420P || pix == AV_PIX_FMT_YUVJ420P) {
    // The common case (H.264, MPEG-4, MJPEG) without swscale; it repeats the edge itself.
    AVFrame *f = o->frame;
    ret = cv_rgb24_to_yuv420p(rgb, stride, o->in_w, o->in_h, f->data[0], f->linesize[0],
                              f->data[1], f->linesize[1], f->data[2], f->linesize[2],
                              o->enc->width, o->enc->height,
                              o->enc->color_range == AVCOL_RANGE_JPEG);
    if (ret < 0) return ret;
  } else {
    const uint8_t *src = rgb;
    int src_stride = stride;
    if (o->enc->width != o->in_w || o->enc->height != o->in_h) {
      src = padded_rgb(o, rgb, stride, &src_stride);
      if (!src) return AVERROR(ENOMEM);
    }
    const uint8_t *sp[4] = {src, NULL, NULL, NULL};
    int ss[4] = {src_stride, 0, 0, 0};
    if ((ret = sws_scale(o->sws, sp, ss, 0, o->enc->height, o->frame->data, o->frame->linesize)) <
        0)
      return ret;
  }

  int64_t p = av_rescale_q(pts, o->in_tb, o->enc->time_base);
  if (o->last_pts != INT64_MIN && p <= o->last_pts) p = o->last_pts + 1;  // keep pts increasing
  o->last_pts = p;
  o->frame->pts = p;
  o->frame->pkt_duration = duration > 0 ? av_rescale_q(duration, o->in_tb, o->enc->time_base) : 0;
  if ((ret = encode_video(o, o->frame)) < 0) return ret;
  o->frames++;
  return 0;
}

int cv_output_finish(cv_output *o) {
  if (!o || o->finished) return AVERROR(EINVAL);
  o->finished = 1;
  int ret = cv_output_write_header_once(o);
  if (ret < 0) return ret;
  if ((ret = encode_video(o, NULL)) < 0) return ret;
  if ((ret = cv_output_audio_flush(o)) < 0) return ret;
  if ((ret = av_write_trailer(o->fmt)) < 0) return ret;
  if (!(o->fmt->oformat->flags & AVFMT_NOFILE)) {
    avio_flush(o->fmt->pb);
    ret = o->fmt->pb->error;
    avio_closep(&o->fmt->pb);
    if (ret < 0) return ret;
  }
  return 0;
}

int cv_output_info_get(const cv_output *o, cv_output_info *info) {
  if (!o || !info) return AVERROR(EINVAL);
  memset(info, 0, sizeof(*info));
  cv_copy_name(info->muxer, sizeof(info->muxer), o->fmt->oformat->name);
  cv_copy_name(info->codec, sizeof(info->codec), o->enc->codec->name);
  cv_copy_name(info->pix_fmt, sizeof(info->pix_fmt), av_get_pix_fmt_name(o->enc->pix_fmt));
  info->width = o->enc->width;
  info->height = o->enc->height;
  info->frames_written = o->frames;
  info->audio_packets_written = o->audio_packets;
  return 0;
}
