#pragma once

// The broker's error codes (protocol/error_code.h) as Kafka's: one table, so that every Kafka
// answer says what a Kafka client expects for the same condition, with Kafka's retry semantics.

#include <cstdint>

#include "protocol/error_code.h"
#include "protocol/kafka/error_code.h"

namespace cairn::broker::kafka {

protocol::kafka::ErrorCode kafka_error(protocol::ErrorCode code);
inline int16_t kafka_code(protocol::ErrorCode code) {
  return protocol::kafka::code_of(kafka_error(code));
}

}  // namespace cairn::broker::kafka
