#ifndef CHEAPSTATS_H
#define CHEAPSTATS_H
#include <stddef.h>
/// Bytes currently allocated by malloc (glibc mallinfo2().uordblks), for leak tests.
size_t tongxin_heap_bytes_in_use(void);
#endif
