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

// A transaction API's error: PRODUCER_FENCED becomes INVALID_PRODUCER_EPOCH for the versions
// that predate it (`before_fenced`), which Kafka answers so (their clients handle it alike).
inline int16_t kafka_txn_code(protocol::ErrorCode code, bool before_fenced) {
  if (before_fenced && code == protocol::ErrorCode::kProducerFenced) {
    return protocol::kafka::code_of(protocol::kafka::ErrorCode::kInvalidProducerEpoch);
  }
  return kafka_code(code);
}

}  // namespace cairn::broker::kafka
