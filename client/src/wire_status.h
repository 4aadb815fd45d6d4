#pragma once

// How the client turns the broker's answers into Status values: the one translation from a wire
// error code, and checked access to a reply's entries.
//
// to_status() is the only place a wire ErrorCode becomes a Status, for the connection (errors of
// a request as a whole), the producer, the consumer and the admin client alike:
//   NONE                                                    -> OK
//   UNKNOWN_TOPIC_OR_PARTITION, GROUP_ID_NOT_FOUND          -> kNotFound
//   OFFSET_OUT_OF_RANGE                                     -> kOutOfRange
//   OUT_OF_ORDER_SEQUENCE                                   -> kOutOfOrder
//   INVALID_PRODUCER_EPOCH, PRODUCER_FENCED,
//   ILLEGAL_GENERATION,
//   UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS                -> kFenced (a newer member or
//                                                              producer has taken over)
//   REQUEST_TIMED_OUT                                       -> kTimedOut
//   PARTITION_OFFLINE                                       -> kUnavailable
//   any other code the table marks retriable               -> kUnavailable
//   any other code                                          -> kInvalidArgument
// The message reads "<context>: <CODE NAME>[: <broker's message>]". Whether to retry is the
// caller's decision, made on the wire code (protocol::is_retriable), not on the Status.
//
// A reply that decodes but lacks an entry the request asked for (a partition, a topic, a group)
// is the broker breaking the protocol: missing_entry() makes that a kCorruption Status. Client
// code never indexes a reply with at() or [0]; it looks entries up with find_partition().

#include <cstdint>
#include <string>
#include <string_view>

#include "cairn/record.h"
#include "protocol/error_code.h"
#include "protocol/status.h"

namespace cairn::client {

Status to_status(protocol::ErrorCode code, std::string_view context, std::string_view message = {});

// kCorruption: "<context>: the broker's reply has no entry for it".
Status missing_entry(std::string_view context);

// "topic-partition", as errors name a partition.
std::string partition_name(const TopicPartition& tp);

// The entry for `topic`/`partition` in a reply's topic list (any response whose topics have a
// `name` and partitions a `partition`), or nullptr.
template <typename Topics>
auto find_partition(Topics& topics, std::string_view topic, int32_t partition)
    -> decltype(&topics.begin()->partitions.front()) {
  for (auto& t : topics) {
    if (t.name != topic) continue;
    for (auto& p : t.partitions) {
      if (p.partition == partition) return &p;
    }
  }
  return nullptr;
}

}  // namespace cairn::client
