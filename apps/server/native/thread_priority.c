// Scheduling of the calling thread, for media worker threads that opt into real-time priority
// (MEDIA_REALTIME_PRIORITY). A media thread's work is small and periodic (a batch of datagrams
// every 2 ms, a 20 ms tick); what spoils its timing is waiting for a CPU behind other busy threads,
// and a SCHED_RR thread does not wait behind ordinary ones. FreeSWITCH (-rp) and Asterisk (-p)
// offer the same. Node exposes nice values (os.setPriority) but not scheduling policies, hence this
// file. Linux only: on Linux a thread is a task, and the calls below with pid 0 act on the calling
// thread alone, not on the process.
#define _GNU_SOURCE
#include <errno.h>
#include <node_api.h>
#include <sched.h>
#include <unistd.h>

// setRealtime(priority): SCHED_RR at `priority` (1-99) for the calling thread. Returns 0, or the
// errno: EPERM without CAP_SYS_NICE or a high enough RLIMIT_RTPRIO, EINVAL for a bad priority.
// SCHED_RESET_ON_FORK: a process this thread starts runs as an ordinary one.
static napi_value js_set_realtime(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t priority = 0;
  napi_value result;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_int32(env, argv[0], &priority) != napi_ok) {
    napi_throw_type_error(env, NULL, "setRealtime(priority: number)");
    return NULL;
  }
  struct sched_param param = {.sched_priority = priority};
  int rc = sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, &param) == 0 ? 0 : errno;
  napi_create_int32(env, rc, &result);
  return result;
}

static const char* policy_name(int policy) {
  switch (policy) {
    case SCHED_OTHER:
      return "other";
    case SCHED_FIFO:
      return "fifo";
    case SCHED_RR:
      return "rr";
    case SCHED_BATCH:
      return "batch";
    case SCHED_IDLE:
      return "idle";
    default:
      return "unknown";
  }
}

static void set_named(napi_env env, napi_value object, const char* name, napi_value value) {
  napi_set_named_property(env, object, name, value);
}

// scheduling(): { tid, policy, priority } of the calling thread, as the kernel has them (the tid
// names the thread under /proc/<pid>/task).
static napi_value js_scheduling(napi_env env, napi_callback_info info) {
  napi_value result, tid, policy, priority;
  struct sched_param param = {0};
  int raw = sched_getscheduler(0);
  if (raw < 0 || sched_getparam(0, &param) != 0) raw = -1;
  napi_create_object(env, &result);
  napi_create_int32(env, (int32_t)gettid(), &tid);
  napi_create_string_utf8(env, raw < 0 ? "unknown" : policy_name(raw & ~SCHED_RESET_ON_FORK),
                          NAPI_AUTO_LENGTH, &policy);
  napi_create_int32(env, param.sched_priority, &priority);
  set_named(env, result, "tid", tid);
  set_named(env, result, "policy", policy);
  set_named(env, result, "priority", priority);
  return result;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"setRealtime", NULL, js_set_realtime, NULL, NULL, NULL, napi_default, NULL},
      {"scheduling", NULL, js_scheduling, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
