#ifndef CLIBPQ_SHIM_H
#define CLIBPQ_SHIM_H
#include <libpq-fe.h>

#ifdef __linux__
/* The reactor (TongxinPostgres/Reactor.swift) waits on libpq's sockets with epoll. */
#define _GNU_SOURCE 1
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

static inline int tongxin_epoll_watch(int epfd, int op, int fd, unsigned int events) {
    struct epoll_event event = { .events = events, .data = { .fd = fd } };
    return epoll_ctl(epfd, op, fd, &event);
}

/* epoll_event is packed on x86-64; these keep Swift away from its layout. */
static inline int tongxin_epoll_wait(int epfd, int *fds, unsigned int *events, int capacity, int timeout) {
    struct epoll_event buffer[64];
    if (capacity > 64) capacity = 64;
    int count = epoll_wait(epfd, buffer, capacity, timeout);
    for (int i = 0; i < count; i++) {
        fds[i] = buffer[i].data.fd;
        events[i] = buffer[i].events;
    }
    return count;
}

static inline void tongxin_name_thread(const char *name) {
    pthread_setname_np(pthread_self(), name);
}
#endif
#endif
