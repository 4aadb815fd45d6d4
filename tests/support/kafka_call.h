#pragma once

// One Kafka request to a broker's Kafka listener over a fresh connection, and its decoded
// answer, for integration tests that speak the wire directly; and Kafka's form of a Cairn batch.

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "protocol/kafka/codec.h"
#include "protocol/kafka/crc32c.h"
#include "protocol/kafka/header.h"
#include "protocol/kafka/record_batch.h"
#include "protocol/kafka/wire.h"
#include "protocol/record_batch.h"
#include "tests/support/raw_socket.h"

namespace cairn::testing {

// The Kafka RecordBatch v2 of a sealed Cairn batch: the same fields and records.
inline std::vector<std::byte> as_kafka_batch(const std::vector<std::byte>& cairn) {
  auto header = protocol::decode_batch_header(cairn);
  EXPECT_TRUE(header);
  protocol::Bytes records = protocol::Bytes(cairn).subspan(protocol::batch::kHeaderSize);
  std::vector<std::byte> out(protocol::kafka::batch::kHeaderSize);
  protocol::kafka::write_kafka_header(
      *header, protocol::kafka::crc32c(records),
      std::span<std::byte, protocol::kafka::batch::kHeaderSize>(out.data(), out.size()));
  out.insert(out.end(), records.begin(), records.end());
  return out;
}

// Sends `request` at `version` to the Kafka listener on `port` and decodes the answer.
template <class Response, class Request>
Response kafka_call(uint16_t port, const Request& request, int16_t version) {
  namespace pk = protocol::kafka;
  std::vector<std::byte> frame;
  pk::Writer w(frame);
  EXPECT_TRUE(pk::encode_request_frame(
                  request, {static_cast<int16_t>(Request::kApi.key), version, 7, "test"}, w)
                  .is_ok());
  RawSocket s(port);
  EXPECT_TRUE(s.send(frame));
  std::vector<std::byte> size(4);
  EXPECT_TRUE(s.read(size));
  std::vector<std::byte> body(pk::load_be<uint32_t>(size.data()));
  EXPECT_TRUE(s.read(body));
  auto head =
      pk::decode_response_header(body, pk::response_header_version(Response::kApi, version));
  EXPECT_TRUE(head);
  if (!head) return {};
  auto decoded = pk::decode<Response>(protocol::Bytes(body).subspan(head->body_offset), version);
  EXPECT_TRUE(decoded) << decoded.error().to_string();
  return decoded ? *decoded : Response{};
}

}  // namespace cairn::testing
