#pragma once

// Calls the two-broker replication tests make on the wire: a connection to a broker, and one
// produced batch with the partition's answer.

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>

#include "client/src/connection.h"
#include "protocol/messages/produce.h"
#include "tests/support/test_util.h"

namespace cairn::testing {

inline std::unique_ptr<client::Connection> connect(const std::string& address) {
  auto c = client::Connection::connect({.broker = address});
  EXPECT_TRUE(c) << c.error().to_string();
  return c ? std::move(*c) : nullptr;
}

// Produces one batch of `records` records of 100 B; the partition's error.
inline protocol::ErrorCode produce(client::Connection& conn, const std::string& topic,
                                   int32_t partition, int16_t acks, uint64_t seed, int records = 5,
                                   uint32_t timeout_ms = 30'000) {
  protocol::ProduceRequest req;
  req.acks = acks;
  req.timeout_ms = timeout_ms;
  auto batch = make_batch({.records = records, .value_bytes = 100, .seed = seed});
  req.topics.push_back({topic, {{partition, batch}}});
  auto r = conn.call<protocol::ProduceRequest, protocol::ProduceResponse>(
      protocol::ApiKey::kProduce, req);
  if (!r) return protocol::ErrorCode::kUnknownServerError;
  return r->body.topics.at(0).partitions.at(0).error;
}

}  // namespace cairn::testing
