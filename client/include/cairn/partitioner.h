#pragma once

// Which partition a keyed record goes to: XXH3-64 (seed 0) of the key bytes, modulo the
// partition count. The same key maps to the same partition in every run, on every platform,
// in every Cairn client (the function is part of the protocol's contract; PROTOCOL.md).

#include <cstddef>
#include <cstdint>
#include <span>

namespace cairn::client {

int32_t partition_for_key(std::span<const std::byte> key, int32_t partitions);

}  // namespace cairn::client
