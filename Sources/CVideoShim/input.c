// Demux + decode, after FFmpeg's doc/examples/demux_decode.c: the send/receive loop, drain by
// sending NULL, best_effort_timestamp. Error paths differ: damage is counted, not fatal, and
// end of stream is a return value.
#include "cvshim.h"
#include "internal.h"

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libavutil/time.h>
#include <libswscale/swscale.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct cv_input {
  cv_log_sink log;  // FFmpeg's error messages about this input are counted here
  AVFormatContext *fmt;
  AVCodecContext *dec;
  AVStream *video;
  int video_index;
  int audio_index;  // -1: none or not wanted
  int want_audio;
  AVPacket *pkt;
  AVFrame *frame;
  int draining;     // NULL sent to the decoder
  int finished;     // decoder returned EOF
  int frame_ready;
  int peeked;       // a frame decoded by cv_input_peek waits in `frame`
  cv_packet *pending_audio;

  // display transform of the stream (frames may override)
  int rotation, hflip;

  // RGB conversion
  struct SwsContext *sws;
  int sws_colorspace, sws_range;
  uint8_t *tmp;     // rotated frames are converted here first
  size_t tmp_size;

  // interrupt / timeout
  atomic_int interrupted;
  int64_t io_timeout_us;
  _Atomic int64_t last_progress_us;
  int timed_out;
  AVIOContext *pipe_io;  // standard input read with a timeout (pipe_io.c)

  cv_input_stats stats;
};

static int interrupt_cb(void *opaque) {
  cv_input *in = opaque;
  if (atomic_load(&in->interrupted)) return 1;
  if (in->io_timeout_us > 0) {
    int64_t idle = av_gettime_relative() - atomic_load(&in->last_progress_us);
    if (idle > in->io_timeout_us) {
      in->timed_out = 1;
      return 1;
    }
  }
  return 0;
}

static void touch(cv_input *in) { atomic_store(&in->last_progress_us, av_gettime_relative()); }

// Clockwise rotation (0/90/180/270) and mirror of a display matrix, exactly as the ffmpeg CLI
// (fftools get_rotation and its transpose/hflip/vflip choice) turns video upright.
static void matrix_transform(const int32_t *m, int *rotation, int *hflip) {
  double theta = -round(av_display_rotation_get(m));
  if (isnan(theta)) theta = 0;
  theta -= 360 * floor(theta / 360 + 0.9 / 360);
  *rotation = 0;
  *hflip = 0;
  if (fabs(theta - 90) < 1.0) {
    *rotation = 90;         // "clock", or "cclock_flip" (a transpose) when mirrored
    *hflip = m[3] > 0;
  } else if (fabs(theta - 180) < 1.0) {
    int h = m[0] < 0, v = m[4] < 0;  // hflip and/or vflip
    *rotation = v ? 180 : 0;
    *hflip = h != v;
  } else if (fabs(theta - 270) < 1.0) {
    *rotation = 270;        // "cclock", or "clock_flip" (a transverse) when mirrored
    *hflip = m[3] < 0;
  }
}

// EXIF orientation (1..8) → rotate clockwise, then mirror horizontally.
static int exif_transform(int orientation, int *rotation, int *hflip) {
  static const int rot[9] = {0, 0, 0, 180, 180, 90, 90, 270, 270};
  static const int flip[9] = {0, 0, 1, 0, 1, 1, 0, 1, 0};
  if (orientation < 1 || orientation > 8) return 0;
  *rotation = rot[orientation];
  *hflip = flip[orientation];
  return 1;
}

static void frame_transform(const cv_input *in, const AVFrame *f, int *rotation, int *hflip) {
  *rotation = in->rotation;
  *hflip = in->hflip;
  const AVDictionaryEntry *e = av_dict_get(f->metadata, "Orientation", NULL, 0);
  if (e && exif_transform(atoi(e->value), rotation, hflip)) return;
  const AVFrameSideData *sd = av_frame_get_side_data(f, AV_FRAME_DATA_DISPLAYMATRIX);
  if (sd && sd->size >= 9 * sizeof(int32_t)) matrix_transform((const int32_t *)sd->data, rotation, hflip);
}

int cv_input_open(cv_input **out, const cv_input_config *config) {
  if (!out || !config || !config->url) return AVERROR(EINVAL);
  *out = NULL;

  int ret = 0;
  AVDictionary *opts = NULL;
  const AVInputFormat *ifmt = NULL;
  cv_input *in = av_mallocz(sizeof(*in));
  if (!in) return AVERROR(ENOMEM);
  in->log.magic = CV_LOG_SINK_MAGIC;
  cv_install_log_callback();
  in->video_index = -1;
  in->audio_index = -1;
  in->want_audio = config->want_audio;
  in->io_timeout_us = config->io_timeout_us;
  in->sws_colorspace = -1;
  touch(in);

  if (config->format_name && config->format_name[0]) {
    ifmt = cv_find_demuxer(config->format_name);
    if (!ifmt) {
      ret = AVERROR_DEMUXER_NOT_FOUND;
      goto fail;
    }
  }
  if ((ret = cv_options_copy_dict(config->format_options, &opts)) < 0) goto fail;

  in->fmt = avformat_alloc_context();
  if (!in->fmt) {
    ret = AVERROR(ENOMEM);
    goto fail;
  }
  in->fmt->interrupt_callback.callback = interrupt_cb;
  in->fmt->interrupt_callback.opaque = in;
  in->fmt->opaque = &in->log;
  if (strncmp(config->url, "pipe:", 5) == 0) {
    // FFmpeg's pipe protocol blocks without a timeout: read the descriptor ourselves.
    in->pipe_io = cv_pipe_io_alloc(atoi(config->url + 5), interrupt_cb, in);
    if (!in->pipe_io) {
      ret = AVERROR(ENOMEM);
      goto fail;
    }
    in->fmt->pb = in->pipe_io;
    in->fmt->flags |= AVFMT_FLAG_CUSTOM_IO;
  }
  if ((ret = avformat_open_input(&in->fmt, config->url, ifmt, &opts)) < 0) goto fail;
  touch(in);
  if ((ret = avformat_find_stream_info(in->fmt, NULL)) < 0) goto fail;
  touch(in);

  const AVCodec *codec = NULL;
  ret = av_find_best_stream(in->fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
  if (ret < 0) goto fail;  // AVERROR_STREAM_NOT_FOUND or AVERROR_DECODER_NOT_FOUND
  in->video_index = ret;
  in->video = in->fmt->streams[ret];
  if (in->want_audio) {
    int a = av_find_best_stream(in->fmt, AVMEDIA_TYPE_AUDIO, -1, in->video_index, NULL, 0);
    in->audio_index = a >= 0 ? a : -1;
  }
  // Only packets of the streams we use are demuxed at all.
  for (unsigned i = 0; i < in->fmt->nb_streams; i++)
    if ((int)i != in->video_index && (int)i != in->audio_index)
      in->fmt->streams[i]->discard = AVDISCARD_ALL;

  in->dec = avcodec_alloc_context3(codec);
  if (!in->dec) {
    ret = AVERROR(ENOMEM);
    goto fail;
  }
  if ((ret = avcodec_parameters_to_context(in->dec, in->video->codecpar)) < 0) goto fail;
  in->dec->pkt_timebase = in->video->time_base;
  in->dec->opaque = &in->log;
  in->dec->thread_count = config->decoder_threads > 0 ? config->decoder_threads : 0;
  if ((ret = avcodec_open2(in->dec, codec, NULL)) < 0) goto fail;

  const uint8_t *sd = av_stream_get_side_data(in->video, AV_PKT_DATA_DISPLAYMATRIX, NULL);
  if (sd) matrix_transform((const int32_t *)sd, &in->rotation, &in->hflip);

  in->pkt = av_packet_alloc();
  in->frame = av_frame_alloc();
  if (!in->pkt || !in->frame) {
    ret = AVERROR(ENOMEM);
    goto fail;
  }
  av_dict_free(&opts);
  *out = in;
  return 0;

fail:
  if (in->timed_out) ret = AVERROR(ETIMEDOUT);  // the interrupt callback gave up waiting
  av_dict_free(&opts);
  cv_input_close(&in);
  return ret;
}

void cv_input_close(cv_input **pin) {
  if (!pin || !*pin) return;
  cv_input *in = *pin;
  cv_packet_free(&in->pending_audio);
  av_packet_free(&in->pkt);
  av_frame_free(&in->frame);
  avcodec_free_context(&in->dec);
  avformat_close_input(&in->fmt);
  cv_pipe_io_free(&in->pipe_io);
  sws_freeContext(in->sws);
  av_free(in->tmp);
  av_freep(pin);
}

void cv_input_interrupt(cv_input *in) {
  if (in) atomic_store(&in->interrupted, 1);
}

// ---------------------------------------------------------------------------------------------
// Facts

int cv_input_format_info(const cv_input *in, cv_format_info *out) {
  if (!in || !out) return AVERROR(EINVAL);
  memset(out, 0, sizeof(*out));
  cv_copy_name(out->name, sizeof(out->name), in->fmt->iformat->name);
  cv_copy_name(out->long_name, sizeof(out->long_name), in->fmt->iformat->long_name);
  out->duration_s = in->fmt->duration == AV_NOPTS_VALUE ? -1.0 : in->fmt->duration / (double)AV_TIME_BASE;
  out->start_time_s =
      in->fmt->start_time == AV_NOPTS_VALUE ? -1.0 : in->fmt->start_time / (double)AV_TIME_BASE;
  out->bit_rate = in->fmt->bit_rate;
  out->nb_streams = (int)in->fmt->nb_streams;
  return 0;
}

int cv_input_stream_info(const cv_input *in, int index, cv_stream_info *out) {
  if (!in || !out || index < 0 || index >= (int)in->fmt->nb_streams) return AVERROR(EINVAL);
  const AVStream *st = in->fmt->streams[index];
  memset(out, 0, sizeof(*out));
  out->index = index;
  const char *kind = av_get_media_type_string(st->codecpar->codec_type);
  cv_copy_name(out->kind, sizeof(out->kind), kind ? kind : "unknown");
  const char *codec = avcodec_get_name(st->codecpar->codec_id);
  cv_copy_name(out->codec, sizeof(out->codec), codec ? codec : "none");
  out->nb_frames = st->nb_frames;
  out->duration_s = cv_ts_seconds(st->duration, st->time_base);
  out->tb_num = st->time_base.num;
  out->tb_den = st->time_base.den;
  out->attached_pic = (st->disposition & AV_DISPOSITION_ATTACHED_PIC) != 0;
  return 0;
}

int cv_input_video_info(const cv_input *in, cv_video_info *out) {
  if (!in || !out) return AVERROR(EINVAL);
  const AVStream *st = in->video;
  const AVCodecParameters *par = st->codecpar;
  memset(out, 0, sizeof(*out));
  out->stream_index = in->video_index;
  cv_copy_name(out->codec, sizeof(out->codec), avcodec_get_name(par->codec_id));
  cv_copy_name(out->codec_long, sizeof(out->codec_long), in->dec->codec ? in->dec->codec->long_name : "");
  cv_copy_name(out->profile, sizeof(out->profile), avcodec_profile_name(par->codec_id, par->profile));
  const char *pf = av_get_pix_fmt_name(in->dec->pix_fmt != AV_PIX_FMT_NONE ? in->dec->pix_fmt : par->format);
  cv_copy_name(out->pix_fmt, sizeof(out->pix_fmt), pf ? pf : "unknown");
  out->width = par->width;
  out->height = par->height;
  out->coded_width = in->dec->coded_width;
  out->coded_height = in->dec->coded_height;
  out->rotation = in->rotation;
  out->hflip = in->hflip;
  int swap = in->rotation == 90 || in->rotation == 270;
  out->display_width = swap ? par->height : par->width;
  out->display_height = swap ? par->width : par->height;
  out->sar_num = par->sample_aspect_ratio.num;
  out->sar_den = par->sample_aspect_ratio.den;
  out->fps_num = st->r_frame_rate.num;
  out->fps_den = st->r_frame_rate.den;
  out->avg_fps_num = st->avg_frame_rate.num;
  out->avg_fps_den = st->avg_frame_rate.den;
  out->tb_num = st->time_base.num;
  out->tb_den = st->time_base.den;
  out->nb_frames = st->nb_frames;
  out->start_pts = st->start_time;
  out->duration_s = cv_ts_seconds(st->duration, st->time_base);
  out->bit_rate = par->bit_rate;
  out->bits_per_raw_sample = par->bits_per_raw_sample;
  return 0;
}

int cv_input_audio_info(const cv_input *in, cv_audio_info *out) {
  if (!in || !out) return AVERROR(EINVAL);
  memset(out, 0, sizeof(*out));
  int index = in->audio_index;
  if (index < 0) index = av_find_best_stream(in->fmt, AVMEDIA_TYPE_AUDIO, -1, in->video_index, NULL, 0);
  if (index < 0) return 0;
  int ret = cv_input_audio_info_at(in, index, out);
  return ret < 0 ? ret : 1;
}

int cv_input_audio_info_at(const cv_input *in, int index, cv_audio_info *out) {
  if (!in || !out || index < 0 || index >= (int)in->fmt->nb_streams) return AVERROR(EINVAL);
  memset(out, 0, sizeof(*out));
  const AVStream *st = in->fmt->streams[index];
  const AVCodecParameters *par = st->codecpar;
  if (par->codec_type != AVMEDIA_TYPE_AUDIO) return AVERROR(EINVAL);
  out->stream_index = index;
  cv_copy_name(out->codec, sizeof(out->codec), avcodec_get_name(par->codec_id));
  out->sample_rate = par->sample_rate;
  out->channels = par->ch_layout.nb_channels;
  av_channel_layout_describe(&par->ch_layout, out->layout, sizeof(out->layout));
  out->bit_rate = par->bit_rate;
  out->tb_num = st->time_base.num;
  out->tb_den = st->time_base.den;
  out->duration_s = cv_ts_seconds(st->duration, st->time_base);
  return 0;
}

const AVCodecParameters *cv_input_audio_params(const cv_input *in, AVRational *time_base) {
  if (!in || in->audio_index < 0) return NULL;
  const AVStream *st = in->fmt->streams[in->audio_index];
  if (time_base) *time_base = st->time_base;
  return st->codecpar;
}

int cv_input_stats_get(const cv_input *in, cv_input_stats *out) {
  if (!in || !out) return AVERROR(EINVAL);
  *out = in->stats;
  out->logged_errors = atomic_load(&in->log.errors);
  if (atomic_load(&in->log.claimed))
    cv_copy_name(out->first_message, sizeof(out->first_message), in->log.first_message);
  out->timed_out = in->timed_out;
  out->interrupted = atomic_load(&in->interrupted);
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Reading

int cv_input_read(cv_input *in) {
  if (!in) return AVERROR(EINVAL);
  if (in->pending_audio) cv_packet_free(&in->pending_audio);
  if (in->peeked) {
    in->peeked = 0;
    in->frame_ready = 1;
    return CV_READ_VIDEO;
  }
  in->frame_ready = 0;
  if (in->finished) return 0;

  for (;;) {
    int ret = avcodec_receive_frame(in->dec, in->frame);
    if (ret == 0) {
      in->frame_ready = 1;
      in->stats.frames_decoded++;
      if ((in->frame->flags & AV_FRAME_FLAG_CORRUPT) || in->frame->decode_error_flags)
        in->stats.corrupt_frames++;
      return CV_READ_VIDEO;
    }
    if (ret == AVERROR_EOF) {
      in->finished = 1;
      return 0;
    }
    if (ret != AVERROR(EAGAIN)) {
      // A frame the decoder could not produce: count it, keep going.
      in->stats.decode_errors++;
      in->stats.last_error = ret;
      if (in->draining) continue;
    }
    if (in->draining) {
      // EAGAIN while draining cannot happen; guard against a decoder that says so anyway.
      in->finished = 1;
      return 0;
    }

    ret = av_read_frame(in->fmt, in->pkt);
    if (ret == AVERROR(EAGAIN)) {
      if (interrupt_cb(in)) ret = AVERROR_EXIT;
      else {
        av_usleep(2000);
        continue;
      }
    }
    if (ret < 0) {
      // End of input (or damage, a stall, an interrupt): drain what the decoder holds.
      if (ret != AVERROR_EOF) {
        in->stats.read_errors++;
        in->stats.last_error = ret;
      }
      avcodec_send_packet(in->dec, NULL);
      in->draining = 1;
      continue;
    }
    touch(in);
    in->stats.packets_read++;
    if (in->pkt->flags & AV_PKT_FLAG_CORRUPT) in->stats.corrupt_packets++;
    if (in->pkt->stream_index == in->video_index) {
      in->stats.video_packets++;
      ret = avcodec_send_packet(in->dec, in->pkt);
      av_packet_unref(in->pkt);
      if (ret < 0 && ret != AVERROR(EAGAIN)) {
        in->stats.decode_errors++;
        in->stats.last_error = ret;
      }
      continue;
    }
    if (in->pkt->stream_index == in->audio_index) {
      cv_packet *p = av_mallocz(sizeof(*p));
      if (!p || !(p->pkt = av_packet_alloc())) {
        av_free(p);
        av_packet_unref(in->pkt);
        return AVERROR(ENOMEM);
      }
      av_packet_move_ref(p->pkt, in->pkt);
      p->time_base = in->fmt->streams[in->audio_index]->time_base;
      in->pending_audio = p;
      return CV_READ_AUDIO;
    }
    av_packet_unref(in->pkt);
  }
}

int cv_input_peek(cv_input *in) {
  if (!in) return AVERROR(EINVAL);
  if (in->peeked) return 1;
  for (;;) {
    int ret = cv_input_read(in);
    if (ret == CV_READ_AUDIO) continue;  // the pending packet is freed by the next read
    if (ret == CV_READ_VIDEO) {
      in->peeked = 1;
      return 1;
    }
    return ret;
  }
}

int cv_input_frame_desc(const cv_input *in, cv_frame_desc *out) {
  if (!in || !out || !(in->frame_ready || in->peeked)) return AVERROR(EINVAL);
  const AVFrame *f = in->frame;
  memset(out, 0, sizeof(*out));
  out->pts = f->best_effort_timestamp == AV_NOPTS_VALUE ? INT64_MIN : f->best_effort_timestamp;
  out->duration = f->pkt_duration > 0 ? f->pkt_duration : 0;
  frame_transform(in, f, &out->rotation, &out->hflip);
  int swap = out->rotation == 90 || out->rotation == 270;
  out->width = swap ? f->height : f->width;
  out->height = swap ? f->width : f->height;
  out->key_frame = f->key_frame;
  out->corrupt = (f->flags & AV_FRAME_FLAG_CORRUPT) || f->decode_error_flags;
  return 0;
}

/// Whether the shim converts frames of this format itself (yuv_rgb.c) instead of swscale.
static int own_conversion(int format) {
  return format == AV_PIX_FMT_YUV444P || format == AV_PIX_FMT_YUVJ444P;
}

/// Converts `f` to RGB24 rows at `dst` with the colour space `cs` and `range`: the shim's own
/// converter when `own` (``own_conversion``), else swscale.
static int convert_frame(cv_input *in, const AVFrame *f, int own, int cs, int range,
                         uint8_t *dst, int stride) {
  if (own) {
    return cv_yuv444p_to_rgb24(f->data[0], f->linesize[0], f->data[1], f->linesize[1],
                               f->data[2], f->linesize[2], f->width, f->height,
                               sws_getCoefficients(cs),
                               range || f->format == AV_PIX_FMT_YUVJ444P, dst, stride);
  }
  uint8_t *planes[4] = {dst, NULL, NULL, NULL};
  int strides[4] = {stride, 0, 0, 0};
  int ret = sws_scale(in->sws, (const uint8_t *const *)f->data, f->linesize, 0, f->height, planes,
                      strides);
  return ret < 0 ? ret : 0;
}

int cv_input_frame_rgb(cv_input *in, uint8_t *dst, int stride) {
  if (!in || !dst || !in->frame_ready) return AVERROR(EINVAL);
  const AVFrame *f = in->frame;
  int rotation, hflip;
  frame_transform(in, f, &rotation, &hflip);
  int swap = rotation == 90 || rotation == 270;
  if (stride < 3 * (swap ? f->height : f->width)) return AVERROR(EINVAL);

  int range = f->color_range == AVCOL_RANGE_JPEG;
  int cs = f->colorspace == AVCOL_SPC_UNSPECIFIED ? SWS_CS_DEFAULT : (int)f->colorspace;
  int own = own_conversion(f->format);
  if (!own) {
    // Same flags as the ffmpeg CLI's implicit scale filter, so our pixels equal its pixels.
    in->sws = sws_getCachedContext(in->sws, f->width, f->height, f->format, f->width, f->height,
                                   AV_PIX_FMT_RGB24, SWS_BICUBIC, NULL, NULL, NULL);
    if (!in->sws) return AVERROR(EINVAL);
    if (cs != in->sws_colorspace || range != in->sws_range) {
      // Fails (harmlessly) for RGB sources, which have no matrix.
      sws_setColorspaceDetails(in->sws, sws_getCoefficients(cs), range,
                               sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16, 1 << 16);
      in->sws_colorspace = cs;
      in->sws_range = range;
    }
  }

  // Upright frames go straight into the caller's rows when the converter writes exactly their
  // width: always ours, and swscale's for whole 16-pixel blocks (16-byte aligned, as its SIMD
  // converters want; they write rows in blocks of 8 pixels). That saves a 2.7 MB copy per 720p
  // frame.
  if (!rotation && !hflip &&
      (own || (f->width % 16 == 0 && stride % 16 == 0 && (uintptr_t)dst % 16 == 0))) {
    return convert_frame(in, f, own, cs, range, dst, stride);
  }
  // Otherwise convert into a buffer whose rows are padded and aligned, then copy (or rotate)
  // into the caller's packed rows.
  int tmp_stride = FFALIGN(f->width * 3 + 64, 64);
  size_t need = (size_t)tmp_stride * ((size_t)f->height + 1);
  if (need > in->tmp_size) {
    av_free(in->tmp);
    in->tmp = av_malloc(need);
    in->tmp_size = in->tmp ? need : 0;
    if (!in->tmp) return AVERROR(ENOMEM);
  }
  int ret = convert_frame(in, f, own, cs, range, in->tmp, tmp_stride);
  if (ret < 0) return ret;
  if (rotation || hflip) {
    cv_rgb_transform(in->tmp, f->width, f->height, tmp_stride, dst, stride, rotation, hflip);
  } else {
    for (int y = 0; y < f->height; y++)
      memcpy(dst + (size_t)y * stride, in->tmp + (size_t)y * tmp_stride, (size_t)f->width * 3);
  }
  return 0;
}

int cv_input_take_audio(cv_input *in, cv_packet **out) {
  if (!in || !out || !in->pending_audio) return AVERROR(EINVAL);
  *out = in->pending_audio;
  in->pending_audio = NULL;
  return 0;
}

double cv_packet_time_s(const cv_packet *p) {
  if (!p) return -1.0;
  return cv_ts_seconds(p->pkt->pts != AV_NOPTS_VALUE ? p->pkt->pts : p->pkt->dts, p->time_base);
}

void cv_packet_free(cv_packet **p) {
  if (!p || !*p) return;
  av_packet_free(&(*p)->pkt);
  av_freep(p);
}
