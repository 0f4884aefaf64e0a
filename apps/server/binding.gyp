{
  "target_defaults": {
    "defines": ["NAPI_VERSION=8"],
    "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
    "conditions": [["OS!='linux'", {"type": "none", "sources": []}]]
  },
  "targets": [
    {"target_name": "udp_batch", "sources": ["native/udp_batch.c"]},
    {"target_name": "thread_priority", "sources": ["native/thread_priority.c"]}
  ]
}
