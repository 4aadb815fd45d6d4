#pragma once

// The engine behind codec.h: decode, encode and encoded_size for any message table, built on the
// Io classes of body_reader.h and body_writer.h. Included only by the .cc files that compile the
// codec for their messages (CAIRN_KAFKA_MESSAGE below), so that each message is compiled once,
// and by tests.

#include <string>

#include "protocol/kafka/body_reader.h"
#include "protocol/kafka/body_writer.h"
#include "protocol/kafka/codec.h"

namespace cairn::protocol::kafka {

template <class M>
Result<M> decode(Bytes body, int16_t version, size_t base_offset) {
  const ApiSpec& api = M::kApi;
  if (!api.valid.has(version)) {
    return Status::invalid_argument(std::string(api.name) + " version " +
                                    std::to_string(version) + " is not supported");
  }
  Reader reader(body, base_offset);
  M message{};
  detail::BodyReader(reader, {version, api.is_flexible(version)}).read_struct(message);
  CAIRN_RETURN_IF_ERROR(reader.finish(api.name));
  return message;
}

template <class M>
Status encode(const M& message, int16_t version, Writer& out) {
  const ApiSpec& api = M::kApi;
  if (!api.valid.has(version)) {
    return Status::invalid_argument(std::string(api.name) + " version " +
                                    std::to_string(version) + " is not supported");
  }
  Status status;
  // The field list is a non-const member so that decoding can fill it; the writer only reads.
  detail::BodyWriter<Writer>(out, {version, api.is_flexible(version)}, status)
      .write_struct(const_cast<M&>(message));
  return status;
}

template <class M>
uint64_t encoded_size(const M& message, int16_t version) {
  const ApiSpec& api = M::kApi;
  SizeCounter counter;
  Status status;
  detail::BodyWriter<SizeCounter>(counter, {version, api.is_flexible(version)}, status)
      .write_struct(const_cast<M&>(message));
  return counter.size();
}

}  // namespace cairn::protocol::kafka

// Compiles the codec for message M. Used once per message, inside namespace
// cairn::protocol::kafka, in the .cc file of its family.
#define CAIRN_KAFKA_MESSAGE(M)                                   \
  template Result<M> decode<M>(Bytes, int16_t, size_t);          \
  template Status encode<M>(const M&, int16_t, Writer&);         \
  template uint64_t encoded_size<M>(const M&, int16_t)
