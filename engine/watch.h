/*
 * watch.h - what an engine keeps for `bouncestat watch`: its alert set,
 * the buffers of the notification being delivered, and the metrics'
 * chosen sender domains. Created on first use, so engines that never
 * watch pay nothing (engine_impl.h holds only a pointer).
 */
#ifndef BS_WATCH_H
#define BS_WATCH_H

#include "alert.h"
#include "engine_impl.h"

struct bs_watch {
    struct bs_alert_set *alerts; /* NULL until a rule is added */
    struct bs_buf json, key;     /* the notification being delivered */
    uint64_t notifications;
    uint32_t *senders; /* sender domain ids the metrics show, sticky */
    size_t nsenders;
    int32_t forgotten; /* hours before this one were forgotten */
};

/* The engine's watch state, created when missing. */
struct bs_watch *bs_watch_get(struct bs_engine *e);

#endif
