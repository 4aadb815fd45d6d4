#pragma once

// Counts the heap allocations this test program makes (its operator new is replaced), so a
// test can check that a code path allocates nothing.

#include <cstdint>

namespace cairn::testing {

uint64_t allocations();

}  // namespace cairn::testing
