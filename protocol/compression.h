#pragma once

// Codecs for the records of a compressed record batch (PROTOCOL.md, "Compression"): zstd, lz4
// (frame format), snappy (Kafka's xerial framing, or a raw block) and gzip, by the Debian
// libraries. Sans-I/O and stateless: every call is independent and may run on any thread.
//
// Decompression is always bounded by the caller: the output never grows past `max_bytes`,
// whatever the compressed data claims about its size, so a small input that claims (or really
// has) a huge decompressed size fails with kInvalidArgument naming the codec and the limit
// before anything of that size is allocated.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "protocol/byte_io.h"
#include "protocol/status.h"

namespace cairn::protocol {

// The codec numbers of a batch's attributes bits 0-2 (Kafka's numbers).
enum class Compression : uint8_t { kNone = 0, kGzip = 1, kSnappy = 2, kLz4 = 3, kZstd = 4 };

std::string_view compression_name(Compression c);
// "none", "gzip", "snappy", "lz4" or "zstd"; nullopt for any other name.
std::optional<Compression> parse_compression(std::string_view name);

// Appends the compressed form of `input` to `out`, in the format a Kafka client writes for the
// codec (snappy: xerial framing). kInvalidArgument for Compression::kNone or an input over 1 GiB;
// kUnavailable when the library fails (out of memory).
Status compress(Compression codec, Bytes input, std::vector<std::byte>& out);

// Decompresses `input` into a new buffer of at most `max_bytes` bytes. kInvalidArgument when the
// data is malformed, is followed by trailing bytes, or decompresses to more than `max_bytes`.
// Snappy input may be xerial-framed (recognised by its magic) or one raw block.
Result<std::vector<std::byte>> decompress(Compression codec, Bytes input, size_t max_bytes);

}  // namespace cairn::protocol
