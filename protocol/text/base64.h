#pragma once

// Base64 (RFC 4648 section 4, with padding): how SCRAM carries salts, proofs and signatures,
// the HTTP API record bytes, and `cairn consume -f json` bytes that are not UTF-8. Decoding is
// strict: only the standard alphabet, padding exactly where it belongs, no line breaks and no bits
// set in the padding, so that one value has exactly one spelling.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/byte_io.h"
#include "protocol/status.h"

namespace cairn::protocol::text {

std::string base64_encode(Bytes data);
std::string base64_encode(std::string_view data);

// kInvalidArgument naming the first offending character's position.
Result<std::vector<std::byte>> base64_decode(std::string_view text);

}  // namespace cairn::protocol::text
