// V4L2 cameras: what `camvideo devices` lists. Plain V4L2 ioctls (linux/videodev2.h) on the
// device node, read-only queries: capabilities, pixel formats, frame sizes, frame intervals.
#include "cvshim.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#if defined(__linux__)
#include <linux/videodev2.h>

static int xioctl(int fd, unsigned long request, void *arg) {
  int r;
  do r = ioctl(fd, request, arg);
  while (r < 0 && errno == EINTR);
  return r;
}

static void copy_text(char *dst, size_t size, const void *src, size_t src_size) {
  size_t n = strnlen(src, src_size);
  if (n >= size) n = size - 1;
  memcpy(dst, src, n);
  dst[n] = 0;
}

int cv_camera_open(const char *path, int *fd_out) {
  if (!path || !fd_out) return -EINVAL;
  int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return -errno;
  *fd_out = fd;
  return 0;
}

void cv_camera_close(int fd) {
  if (fd >= 0) close(fd);
}

int cv_camera_info(int fd, cv_camera_caps *out) {
  struct v4l2_capability cap;
  memset(&cap, 0, sizeof(cap));
  if (xioctl(fd, VIDIOC_QUERYCAP, &cap) < 0) return -errno;
  memset(out, 0, sizeof(*out));
  copy_text(out->card, sizeof(out->card), cap.card, sizeof(cap.card));
  copy_text(out->driver, sizeof(out->driver), cap.driver, sizeof(cap.driver));
  copy_text(out->bus, sizeof(out->bus), cap.bus_info, sizeof(cap.bus_info));
  uint32_t caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
  out->can_capture = (caps & V4L2_CAP_VIDEO_CAPTURE) != 0;
  return 0;
}

int cv_camera_format(int fd, int index, cv_camera_format_desc *out) {
  struct v4l2_fmtdesc f;
  memset(&f, 0, sizeof(f));
  f.index = (uint32_t)index;
  f.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  if (xioctl(fd, VIDIOC_ENUM_FMT, &f) < 0) return errno == EINVAL ? 0 : -errno;
  memset(out, 0, sizeof(*out));
  out->fourcc = f.pixelformat;
  out->compressed = (f.flags & V4L2_FMT_FLAG_COMPRESSED) != 0;
  copy_text(out->description, sizeof(out->description), f.description, sizeof(f.description));
  return 1;
}

int cv_camera_size(int fd, uint32_t fourcc, int index, cv_camera_size_desc *out) {
  struct v4l2_frmsizeenum s;
  memset(&s, 0, sizeof(s));
  s.index = (uint32_t)index;
  s.pixel_format = fourcc;
  if (xioctl(fd, VIDIOC_ENUM_FRAMESIZES, &s) < 0) return errno == EINVAL ? 0 : -errno;
  memset(out, 0, sizeof(*out));
  if (s.type == V4L2_FRMSIZE_TYPE_DISCRETE) {
    out->width = s.discrete.width;
    out->height = s.discrete.height;
  } else {  // stepwise or continuous: report the range's largest size, flagged
    out->width = s.stepwise.max_width;
    out->height = s.stepwise.max_height;
    out->min_width = s.stepwise.min_width;
    out->min_height = s.stepwise.min_height;
    out->stepwise = 1;
  }
  return 1;
}

int cv_camera_interval(int fd, uint32_t fourcc, uint32_t width, uint32_t height, int index,
                       uint32_t *num, uint32_t *den) {
  struct v4l2_frmivalenum iv;
  memset(&iv, 0, sizeof(iv));
  iv.index = (uint32_t)index;
  iv.pixel_format = fourcc;
  iv.width = width;
  iv.height = height;
  if (xioctl(fd, VIDIOC_ENUM_FRAMEINTERVALS, &iv) < 0) return errno == EINVAL ? 0 : -errno;
  if (iv.type == V4L2_FRMIVAL_TYPE_DISCRETE) {
    *num = iv.discrete.numerator;
    *den = iv.discrete.denominator;
  } else {
    *num = iv.stepwise.min.numerator;  // the shortest interval: the highest rate
    *den = iv.stepwise.min.denominator;
  }
  return 1;
}

#else  // not Linux: no V4L2

int cv_camera_open(const char *path, int *fd_out) { return -ENOSYS; }
void cv_camera_close(int fd) {}
int cv_camera_info(int fd, cv_camera_caps *out) { return -ENOSYS; }
int cv_camera_format(int fd, int index, cv_camera_format_desc *out) { return -ENOSYS; }
int cv_camera_size(int fd, uint32_t fourcc, int index, cv_camera_size_desc *out) { return -ENOSYS; }
int cv_camera_interval(int fd, uint32_t fourcc, uint32_t width, uint32_t height, int index,
                       uint32_t *num, uint32_t *den) {
  return -ENOSYS;
}

#endif
