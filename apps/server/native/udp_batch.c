// Batched UDP for the media plane: RTP and RTCP sockets whose datagrams are read many at a time
// (epoll + recvmmsg) and handed to JavaScript in one call per batch, and sent with one native call
// per datagram. Node's dgram costs about 10 µs of JavaScript and C++ per datagram each way (a
// MakeCallback, a Buffer and a rinfo object per receive; argument checks, a lookup and a request
// object per send); at 50 packets/s per leg that is what bounds concurrent calls, not the media
// work. Everything above the socket (latching, RTCP, DTMF, jitter buffers, recording) stays in
// TypeScript: this file only moves bytes. One instance per thread (main or media worker), driven
// by that thread's libuv loop through a uv_poll on an epoll set of its sockets. Linux only; the
// TypeScript side falls back to dgram elsewhere.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

// A received datagram's slot in the arena. RTP over UDP stays under the path MTU; a larger
// datagram is reported truncated (length -1) and dropped by the caller.
#define SLOT_BYTES 2048
// Datagrams per batch: bounds the arena (512 KiB) and how long one batch holds the loop.
#define SLOTS 256
// Int32 words of metadata per datagram: fd, length, source port, family (4|6), 4 address words,
// and the µs it waited in the kernel (-1 when unknown).
#define META_WORDS 9
// A wait beyond this is a clock step, not a queue: reported as unknown.
#define MAX_WAIT_US 10000000
// Room for the one control message asked for: the kernel's receive time (SO_TIMESTAMPNS).
#define CONTROL_BYTES CMSG_SPACE(sizeof(struct timespec))
#define EVENTS 64
// Batches per readiness callback before yielding to the loop's timers and other handles.
#define ROUNDS 8
// Datagrams asked of one socket per recvmmsg call.
#define READ_CHUNK 16

typedef struct {
  napi_env env;
  int epfd;
  uv_poll_t poll;
  uv_timer_t timer;
  // 0: read when a socket becomes readable; otherwise read every this many ms (see js_init).
  int interval_ms;
  int poll_active;
  int sockets;
  napi_ref callback;
  napi_ref arena_ref;
  napi_ref meta_ref;
  napi_async_context async;
  napi_async_cleanup_hook_handle cleanup;
  uint8_t* arena;
  int32_t* meta;
  // fds this thread opened and has not closed, so the thread's exit can close them.
  uint8_t* owned;
  int owned_size;
  struct mmsghdr msgs[SLOTS];
  struct iovec iov[SLOTS];
  struct sockaddr_in6 names[SLOTS];
  // Control buffers per slot, aligned as cmsghdr wants.
  union {
    char bytes[CONTROL_BYTES];
    struct cmsghdr align;
  } control[SLOTS];
} Instance;

#define CHECK(env, call)                                         \
  do {                                                           \
    if ((call) != napi_ok) {                                     \
      napi_throw_error((env), "EINTERNAL", "N-API call failed"); \
      return NULL;                                               \
    }                                                            \
  } while (0)

static napi_value throw_errno(napi_env env, int error, const char* what) {
  char message[160];
  snprintf(message, sizeof message, "%s: %s", what, strerror(error));
  // The code matches dgram's (`EADDRINUSE`, `EACCES`…), which callers branch on.
  const char* code = "EUNKNOWN";
  switch (error) {
    case EADDRINUSE: code = "EADDRINUSE"; break;
    case EADDRNOTAVAIL: code = "EADDRNOTAVAIL"; break;
    case EACCES: code = "EACCES"; break;
    case EINVAL: code = "EINVAL"; break;
    case EMFILE: code = "EMFILE"; break;
    case ENFILE: code = "ENFILE"; break;
    case EAFNOSUPPORT: code = "EAFNOSUPPORT"; break;
    case EBADF: code = "EBADF"; break;
  }
  napi_throw_error(env, code, message);
  return NULL;
}

static napi_value int_value(napi_env env, int32_t value) {
  napi_value out;
  napi_create_int32(env, value, &out);
  return out;
}

static Instance* instance_of(napi_env env) {
  Instance* in = NULL;
  napi_get_instance_data(env, (void**)&in);
  return in;
}

static int get_args(napi_env env, napi_callback_info info, size_t want, napi_value* argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return 0;
  for (size_t i = argc; i < want; i++) napi_get_undefined(env, &argv[i]);
  return 1;
}

static int32_t int_arg(napi_env env, napi_value v, int32_t fallback) {
  int32_t out;
  return napi_get_value_int32(env, v, &out) == napi_ok ? out : fallback;
}

// Parses an IP literal and port into `addr`; 0 when `text` is not an IPv4 or IPv6 literal.
static socklen_t parse_address(napi_env env, napi_value text, int32_t port, struct sockaddr_storage* addr) {
  char host[64];
  size_t len = 0;
  if (napi_get_value_string_utf8(env, text, host, sizeof host, &len) != napi_ok || len == 0 ||
      len >= sizeof host - 1)
    return 0;
  memset(addr, 0, sizeof *addr);
  if (port < 0 || port > 65535) return 0;
  if (memchr(host, ':', len) == NULL) {
    struct sockaddr_in* a = (struct sockaddr_in*)addr;
    if (inet_pton(AF_INET, host, &a->sin_addr) != 1) return 0;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    return sizeof *a;
  }
  struct sockaddr_in6* a = (struct sockaddr_in6*)addr;
  if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1) return 0;
  a->sin6_family = AF_INET6;
  a->sin6_port = htons((uint16_t)port);
  return sizeof *a;
}

// An optional (address, port) argument pair: 1 and `addr` filled when given, 0 when the address is
// not a string (absent), -1 when it is not an IP literal and port. send and connect answer the
// last with -EDESTADDRREQ, which tells the caller to resolve a host name itself.
static int optional_address(napi_env env, napi_value address, napi_value port, struct sockaddr_storage* addr,
                            socklen_t* len) {
  napi_valuetype type;
  if (napi_typeof(env, address, &type) != napi_ok || type != napi_string) return 0;
  *len = parse_address(env, address, int_arg(env, port, -1), addr);
  return *len == 0 ? -1 : 1;
}

static void set_owned(Instance* in, int fd, uint8_t value) {
  if (fd >= in->owned_size) {
    int size = in->owned_size == 0 ? 1024 : in->owned_size;
    while (size <= fd) size *= 2;
    uint8_t* grown = realloc(in->owned, (size_t)size);
    if (grown == NULL) return;
    memset(grown + in->owned_size, 0, (size_t)(size - in->owned_size));
    in->owned = grown;
    in->owned_size = size;
  }
  in->owned[fd] = value;
}

static int is_owned(Instance* in, int fd) {
  return fd >= 0 && fd < in->owned_size && in->owned[fd];
}

// Hands `count` datagrams to JavaScript. A throw there goes to the process's (or worker's)
// uncaught-exception handling, as it would from a dgram listener.
static void deliver(Instance* in, int count) {
  napi_env env = in->env;
  napi_value callback, recv, argv[1], result;
  if (napi_get_reference_value(env, in->callback, &callback) != napi_ok || callback == NULL) return;
  // MakeCallback wants an object receiver; the listener does not use `this`.
  napi_get_global(env, &recv);
  napi_create_int32(env, count, &argv[0]);
  if (napi_make_callback(env, in->async, recv, callback, 1, argv, &result) == napi_pending_exception) {
    napi_value error;
    napi_get_and_clear_last_exception(env, &error);
    napi_fatal_exception(env, error);
  }
}

// Points every slot's header at its arena slot and address buffer, once: only the fields the
// kernel writes back change between reads.
static void init_slots(Instance* in) {
  for (int i = 0; i < SLOTS; i++) {
    in->iov[i].iov_base = in->arena + (size_t)i * SLOT_BYTES;
    in->iov[i].iov_len = SLOT_BYTES;
    memset(&in->msgs[i].msg_hdr, 0, sizeof in->msgs[i].msg_hdr);
    in->msgs[i].msg_hdr.msg_iov = &in->iov[i];
    in->msgs[i].msg_hdr.msg_iovlen = 1;
    in->msgs[i].msg_hdr.msg_name = &in->names[i];
    in->msgs[i].msg_hdr.msg_control = in->control[i].bytes;
  }
}

// How long the datagram in `h` waited between the kernel's receipt and `now`, µs; -1 without a
// receive time or when the wall clock stepped in between.
static int32_t waited_us(struct msghdr* h, const struct timespec* now) {
  for (struct cmsghdr* c = CMSG_FIRSTHDR(h); c != NULL; c = CMSG_NXTHDR(h, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS) continue;
    struct timespec at;
    memcpy(&at, CMSG_DATA(c), sizeof at);
    int64_t us = ((int64_t)now->tv_sec - at.tv_sec) * 1000000 + (now->tv_nsec - at.tv_nsec) / 1000;
    return us >= 0 && us <= MAX_WAIT_US ? (int32_t)us : -1;
  }
  return -1;
}

// Fills in each datagram's wait from one clock reading taken just before the batch goes to
// JavaScript: one reading per batch instead of per socket, and the closest to the listener's own.
// The receive times are the kernel's wall clock, hence CLOCK_REALTIME.
static void set_waits(Instance* in, int count) {
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  for (int i = 0; i < count; i++)
    in->meta[(size_t)i * META_WORDS + 8] = waited_us(&in->msgs[i].msg_hdr, &now);
}

// Reads what one socket has queued into free slots from `at`; returns the new fill level.
static int drain(Instance* in, int fd, int at) {
  while (at < SLOTS) {
    // A socket read every few ms holds a packet or two: ask for a few at a time, so the headers
    // to reset stay few, and come back for more when they all filled.
    int want = SLOTS - at < READ_CHUNK ? SLOTS - at : READ_CHUNK;
    for (int i = at; i < at + want; i++) {
      // The kernel wrote back the last sender's address length: an IPv6 source needs it all.
      in->msgs[i].msg_hdr.msg_namelen = sizeof in->names[i];
      in->msgs[i].msg_hdr.msg_flags = 0;
      in->msgs[i].msg_hdr.msg_controllen = CONTROL_BYTES;
    }
    int got = recvmmsg(fd, &in->msgs[at], (unsigned)want, MSG_DONTWAIT, NULL);
    if (got < 0) {
      // A connected socket reports an earlier ICMP port-unreachable once; the queue is intact.
      if (errno == ECONNREFUSED || errno == EINTR) continue;
      return at;
    }
    for (int i = at; i < at + got; i++) {
      int32_t* m = in->meta + (size_t)i * META_WORDS;
      struct msghdr* h = &in->msgs[i].msg_hdr;
      m[0] = fd;
      m[1] = (h->msg_flags & MSG_TRUNC) ? -1 : (int32_t)in->msgs[i].msg_len;
      if (in->names[i].sin6_family == AF_INET6) {
        m[2] = ntohs(in->names[i].sin6_port);
        m[3] = 6;
        memcpy(&m[4], &in->names[i].sin6_addr, 16);
      } else {
        struct sockaddr_in* a = (struct sockaddr_in*)&in->names[i];
        m[2] = ntohs(a->sin_port);
        m[3] = 4;
        memcpy(&m[4], &a->sin_addr, 4);
      }
    }
    at += got;
    if (got < want) return at;
  }
  return at;
}

static void read_ready(Instance* in) {
  napi_handle_scope scope;
  if (napi_open_handle_scope(in->env, &scope) != napi_ok) return;
  struct epoll_event ready[EVENTS];
  for (int round = 0; round < ROUNDS; round++) {
    int n = epoll_wait(in->epfd, ready, EVENTS, 0);
    if (n <= 0) break;
    int count = 0;
    for (int i = 0; i < n && count < SLOTS; i++) count = drain(in, ready[i].data.fd, count);
    if (count > 0) {
      set_waits(in, count);
      deliver(in, count);
    }
    // Everything readable fitted in this batch: the sockets are drained.
    if (count < SLOTS && n < EVENTS) break;
  }
  napi_close_handle_scope(in->env, scope);
}

static void on_readable(uv_poll_t* handle, int status, int events) {
  (void)events;
  if (status >= 0) read_ready(handle->data);
}

static void on_interval(uv_timer_t* handle) {
  read_ready(handle->data);
}

static void update_ref(Instance* in) {
  // Like a bound dgram socket, an open socket keeps its thread's loop alive.
  if (in->sockets > 0) {
    if (in->poll_active) return;
    if (in->interval_ms > 0)
      uv_timer_start(&in->timer, on_interval, (uint64_t)in->interval_ms, (uint64_t)in->interval_ms);
    else
      uv_poll_start(&in->poll, UV_READABLE, on_readable);
    in->poll_active = 1;
  } else if (in->poll_active) {
    uv_poll_stop(&in->poll);
    uv_timer_stop(&in->timer);
    in->poll_active = 0;
  }
}

// init(onBatch, intervalMs) -> { arena, meta, slotBytes, slots, metaWords }
//
// intervalMs > 0 reads the sockets on a timer instead of when they become readable. Under load
// that is far cheaper: a datagram for a thread asleep in epoll_wait makes the sender's kernel wake
// it, and in a virtual machine each wake-up is an inter-processor interrupt and a VM exit, several
// µs per datagram; read on a timer, no datagram wakes anybody. The price is up to intervalMs of
// added delay, well inside a jitter buffer (a FreeSWITCH session reads once per 20 ms frame).
static napi_value js_init(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!get_args(env, info, 2, argv)) return NULL;
  Instance* in = instance_of(env);
  int interval = int_arg(env, argv[1], 0);
  if (interval != in->interval_ms && in->poll_active) {
    uv_poll_stop(&in->poll);
    uv_timer_stop(&in->timer);
    in->poll_active = 0;
  }
  in->interval_ms = interval < 0 ? 0 : interval;
  update_ref(in);
  if (in->callback != NULL) napi_delete_reference(env, in->callback);
  CHECK(env, napi_create_reference(env, argv[0], 1, &in->callback));
  napi_value arena, meta, result, v;
  CHECK(env, napi_get_reference_value(env, in->arena_ref, &arena));
  CHECK(env, napi_get_reference_value(env, in->meta_ref, &meta));
  CHECK(env, napi_create_object(env, &result));
  napi_set_named_property(env, result, "arena", arena);
  napi_set_named_property(env, result, "meta", meta);
  napi_create_int32(env, SLOT_BYTES, &v);
  napi_set_named_property(env, result, "slotBytes", v);
  napi_create_int32(env, SLOTS, &v);
  napi_set_named_property(env, result, "slots", v);
  napi_create_int32(env, META_WORDS, &v);
  napi_set_named_property(env, result, "metaWords", v);
  return result;
}

// open(address, port, receiveBufferBytes) -> fd; throws with dgram's error codes.
static napi_value js_open(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!get_args(env, info, 3, argv)) return NULL;
  Instance* in = instance_of(env);
  struct sockaddr_storage addr;
  socklen_t len = parse_address(env, argv[0], int_arg(env, argv[1], -1), &addr);
  if (len == 0) return throw_errno(env, EINVAL, "bind address");
  int fd = socket(addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, errno, "socket");
  int rcvbuf = int_arg(env, argv[2], 0);
  if (rcvbuf > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  // The kernel stamps each datagram's arrival, so a batch read late still knows when each came
  // (RFC 3550 jitter and playout want arrival times, not read times).
  int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
  if (addr.ss_family == AF_INET6) {
    int only = 1;
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &only, sizeof only);
  }
  if (bind(fd, (struct sockaddr*)&addr, len) != 0) {
    int error = errno;
    close(fd);
    return throw_errno(env, error, "bind");
  }
  struct epoll_event ev = {.events = EPOLLIN, .data = {.fd = fd}};
  if (epoll_ctl(in->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
    int error = errno;
    close(fd);
    return throw_errno(env, error, "epoll_ctl");
  }
  set_owned(in, fd, 1);
  in->sockets++;
  update_ref(in);
  return int_value(env, fd);
}

// localPort(fd) -> the bound port (for port 0 binds).
static napi_value js_local_port(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv)) return NULL;
  int fd = int_arg(env, argv[0], -1);
  if (!is_owned(instance_of(env), fd)) return throw_errno(env, EBADF, "localPort");
  struct sockaddr_storage addr;
  socklen_t len = sizeof addr;
  if (getsockname(fd, (struct sockaddr*)&addr, &len) != 0) return throw_errno(env, errno, "getsockname");
  int port = addr.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6*)&addr)->sin6_port)
                                        : ntohs(((struct sockaddr_in*)&addr)->sin_port);
  return int_value(env, port);
}

// close(fd): idempotent for fds this thread owns.
static napi_value js_close(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv)) return NULL;
  Instance* in = instance_of(env);
  int fd = int_arg(env, argv[0], -1);
  if (is_owned(in, fd)) {
    epoll_ctl(in->epfd, EPOLL_CTL_DEL, fd, NULL);
    close(fd);
    set_owned(in, fd, 0);
    in->sockets--;
    update_ref(in);
  }
  return NULL;
}

// send(fd, bytes, address?, port?) -> 0, or the negative errno (EAGAIN: the kernel's buffer is
// full and the datagram is dropped, which real-time audio prefers to queueing it late).
static napi_value js_send(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!get_args(env, info, 4, argv)) return NULL;
  int fd = int_arg(env, argv[0], -1);
  // Only this thread's sockets: never the SIP socket or a file behind a stale number.
  if (!is_owned(instance_of(env), fd)) return int_value(env, -EBADF);
  void* data;
  size_t length;
  if (napi_get_typedarray_info(env, argv[1], NULL, &length, &data, NULL, NULL) != napi_ok)
    return int_value(env, -EINVAL);
  struct sockaddr_storage addr;
  socklen_t len;
  int given = optional_address(env, argv[2], argv[3], &addr, &len);
  if (given < 0) return int_value(env, -EDESTADDRREQ);
  ssize_t sent = given ? sendto(fd, data, length, MSG_DONTWAIT, (struct sockaddr*)&addr, len)
                       : send(fd, data, length, MSG_DONTWAIT);
  return int_value(env, sent < 0 ? -errno : 0);
}

// connect(fd, address, port) -> 0 or -errno; disconnect with address undefined.
static napi_value js_connect(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!get_args(env, info, 3, argv)) return NULL;
  int fd = int_arg(env, argv[0], -1);
  if (!is_owned(instance_of(env), fd)) return int_value(env, -EBADF);
  struct sockaddr_storage addr;
  socklen_t len;
  int given = optional_address(env, argv[1], argv[2], &addr, &len);
  if (given < 0) return int_value(env, -EDESTADDRREQ);
  struct sockaddr unspec = {.sa_family = AF_UNSPEC};
  int rc = given ? connect(fd, (struct sockaddr*)&addr, len) : connect(fd, &unspec, sizeof unspec);
  return int_value(env, rc < 0 ? -errno : 0);
}

static void free_instance(Instance* in) {
  for (int fd = 0; fd < in->owned_size; fd++)
    if (in->owned[fd]) close(fd);
  free(in->owned);
  close(in->epfd);
  free(in->arena);
  free(in->meta);
  free(in);
}

static void on_timer_closed(uv_handle_t* handle) {
  Instance* in = handle->data;
  napi_async_cleanup_hook_handle hook = in->cleanup;
  free_instance(in);
  napi_remove_async_cleanup_hook(hook);
}

// The thread (a media worker, say) is going away: close its sockets so their ports are free.
static void on_env_cleanup(napi_async_cleanup_hook_handle hook, void* data) {
  (void)hook;
  Instance* in = data;
  // The timer closes after the poll, so its close callback is the last and may free both.
  uv_close((uv_handle_t*)&in->poll, NULL);
  uv_close((uv_handle_t*)&in->timer, on_timer_closed);
}

static void finalize_instance(napi_env env, void* data, void* hint) {
  (void)env, (void)data, (void)hint;
  // Freed by the async cleanup hook, which runs while the loop can still close the poll.
}

static void no_free(napi_env env, void* data, void* hint) {
  (void)env, (void)data, (void)hint;
}

NAPI_MODULE_INIT() {
  Instance* in = calloc(1, sizeof *in);
  if (in == NULL) return NULL;
  in->env = env;
  in->epfd = epoll_create1(EPOLL_CLOEXEC);
  in->arena = malloc((size_t)SLOTS * SLOT_BYTES);
  in->meta = calloc((size_t)SLOTS * META_WORDS, sizeof(int32_t));
  uv_loop_t* loop;
  if (in->epfd < 0 || in->arena == NULL || in->meta == NULL || napi_get_uv_event_loop(env, &loop) != napi_ok ||
      uv_poll_init(loop, &in->poll, in->epfd) != 0 || uv_timer_init(loop, &in->timer) != 0) {
    napi_throw_error(env, "EINTERNAL", "udp_batch: cannot set up the thread's instance");
    return NULL;
  }
  in->poll.data = in;
  in->timer.data = in;
  init_slots(in);
  napi_value arena, meta, name;
  // External buffers: the instance owns the memory for the thread's lifetime, and the views the
  // TypeScript side keeps never move.
  if (napi_create_external_arraybuffer(env, in->arena, (size_t)SLOTS * SLOT_BYTES, no_free, NULL, &arena) !=
          napi_ok ||
      napi_create_external_arraybuffer(env, in->meta, (size_t)SLOTS * META_WORDS * sizeof(int32_t), no_free,
                                       NULL, &meta) != napi_ok) {
    napi_throw_error(env, "EINTERNAL", "udp_batch: external buffers unavailable");
    return NULL;
  }
  napi_create_reference(env, arena, 1, &in->arena_ref);
  napi_create_reference(env, meta, 1, &in->meta_ref);
  napi_create_string_utf8(env, "udp_batch", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, NULL, name, &in->async);
  napi_set_instance_data(env, in, finalize_instance, NULL);
  napi_add_async_cleanup_hook(env, on_env_cleanup, in, &in->cleanup);

  napi_property_descriptor props[] = {
      {"init", NULL, js_init, NULL, NULL, NULL, napi_default, NULL},
      {"open", NULL, js_open, NULL, NULL, NULL, napi_default, NULL},
      {"localPort", NULL, js_local_port, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, js_close, NULL, NULL, NULL, napi_default, NULL},
      {"send", NULL, js_send, NULL, NULL, NULL, napi_default, NULL},
      {"connect", NULL, js_connect, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
