#pragma once

// The SCRAM mechanisms Cairn offers (RFC 7677 and its SHA-512 sibling), their SASL names, and
// the bounds on the iteration count every Cairn credential and client obey. SCRAM-SHA-1 is not
// offered, though the code underneath is generic over the hash.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "protocol/sasl/scram_crypto.h"

namespace cairn::protocol::sasl {

// The values are stored in the security records (storage/FORMAT.md, "Security records").
enum class ScramMechanism : uint8_t { kScramSha256 = 1, kScramSha512 = 2 };

inline constexpr std::array<ScramMechanism, 2> kScramMechanisms = {ScramMechanism::kScramSha256,
                                                                   ScramMechanism::kScramSha512};

// Kafka's floor for stored credentials and for what a client accepts from a server.
inline constexpr uint32_t kMinIterations = 4096;
// What a client agrees to compute, and the most a credential may ask for.
inline constexpr uint32_t kMaxIterations = 1'000'000;
inline constexpr uint32_t kDefaultIterations = 8192;

// "SCRAM-SHA-256", "SCRAM-SHA-512".
std::string_view mechanism_name(ScramMechanism m);
// The mechanism named exactly so (SASL names are upper case), or nullopt.
std::optional<ScramMechanism> parse_scram_mechanism(std::string_view name);
// The mechanism of a stored code, or nullopt for an unknown one.
std::optional<ScramMechanism> scram_mechanism_from_code(uint8_t code);
ScramHash hash_of(ScramMechanism m);

}  // namespace cairn::protocol::sasl
