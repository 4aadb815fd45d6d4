#include "protocol/sasl/scram_mechanism.h"

namespace cairn::protocol::sasl {

std::string_view mechanism_name(ScramMechanism m) {
  return m == ScramMechanism::kScramSha512 ? "SCRAM-SHA-512" : "SCRAM-SHA-256";
}

std::optional<ScramMechanism> parse_scram_mechanism(std::string_view name) {
  for (ScramMechanism m : kScramMechanisms) {
    if (mechanism_name(m) == name) return m;
  }
  return std::nullopt;
}

std::optional<ScramMechanism> scram_mechanism_from_code(uint8_t code) {
  for (ScramMechanism m : kScramMechanisms) {
    if (static_cast<uint8_t>(m) == code) return m;
  }
  return std::nullopt;
}

ScramHash hash_of(ScramMechanism m) {
  return m == ScramMechanism::kScramSha512 ? ScramHash::kSha512 : ScramHash::kSha256;
}

}  // namespace cairn::protocol::sasl
