#pragma once

// CAIRN_DCHECK(condition): checks one of our own invariants (never input) in debug builds, such
// as "only on shard 0's thread". A failed check names the condition and where it failed, then
// aborts. With NDEBUG (release builds) the condition is not evaluated, so a check costs nothing
// there and may be as expensive as it needs to be.

#include <cstdio>
#include <cstdlib>

namespace cairn::detail {

[[noreturn]] inline void dcheck_failed(const char* condition, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: CAIRN_DCHECK(%s) failed\n", file, line, condition);
  std::abort();
}

}  // namespace cairn::detail

#ifdef NDEBUG
#define CAIRN_DCHECK(condition) static_cast<void>(sizeof(static_cast<bool>(condition)))
#else
#define CAIRN_DCHECK(condition)                                                       \
  do {                                                                                \
    if (!static_cast<bool>(condition)) {                                              \
      ::cairn::detail::dcheck_failed(#condition, __FILE__, __LINE__);                 \
    }                                                                                 \
  } while (false)
#endif
