#pragma once

// Bodies of InitProducerId (PROTOCOL.md, "InitProducerId"): how an idempotent or transactional
// producer gets its producer id and epoch.

#include <cstdint>
#include <string>

#include "protocol/codec.h"
#include "protocol/error_code.h"

namespace cairn::protocol {

struct InitProducerIdRequest {
  std::string transactional_id;  // empty: an idempotent producer without transactions
  int32_t transaction_timeout_ms = 60000;
  // Version 1: the id and epoch the producer holds (-1 and -1 when it has none), so that the
  // coordinator tells a retry of its own InitProducerId from an older instance.
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;

  void encode(Encoder& e, uint16_t version) const;
  static Result<InitProducerIdRequest> decode(Bytes body, uint16_t version);
};

struct InitProducerIdResponse {
  ErrorCode error = ErrorCode::kNone;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;

  void encode(Encoder& e, uint16_t version) const;
  static Result<InitProducerIdResponse> decode(Bytes body, uint16_t version);
};

}  // namespace cairn::protocol
