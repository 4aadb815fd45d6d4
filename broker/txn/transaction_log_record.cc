#include "broker/txn/transaction_log_record.h"

#include <xxhash.h>

#include <algorithm>
#include <map>

#include "protocol/codec.h"
#include "protocol/record_batch_builder.h"

namespace cairn::broker::txn {

using protocol::Bytes;
using protocol::Decoder;
using protocol::Encoder;

namespace {

// Partitions by topic, in order, as the value stores them.
std::map<std::string_view, std::vector<int32_t>> by_topic(const std::set<TxnPartition>& ps) {
  std::map<std::string_view, std::vector<int32_t>> out;
  for (const auto& p : ps) out[p.topic].push_back(p.partition);
  return out;
}

Status corrupt(std::string_view id, const std::string& why) {
  return Status::corruption("transaction state record of '" + std::string(id) + "': " + why);
}

// The state's rules on the other fields.
Status check_consistent(const TransactionMetadata& m) {
  const auto& id = m.transactional_id;
  if (m.producer_id < 0 || m.producer_epoch < 0) {
    return corrupt(id, "negative producer id or epoch");
  }
  if (m.timeout < std::chrono::milliseconds(1)) return corrupt(id, "timeout below 1 ms");
  bool open = has_open_transaction(m.state);
  if (open != m.start_time.has_value()) {
    return corrupt(id, "start time does not match state " + std::string(state_name(m.state)));
  }
  if (open == m.partitions.empty()) {
    return corrupt(id, "partitions do not match state " + std::string(state_name(m.state)));
  }
  return Status::ok();
}

}  // namespace

std::vector<std::byte> encode_transaction_key(std::string_view transactional_id) {
  std::vector<std::byte> out;
  Encoder e(out);
  e.write<uint8_t>(record::kStateType);
  e.write_string(transactional_id);
  return out;
}

std::vector<std::byte> encode_transaction_value(const TransactionMetadata& m) {
  std::vector<std::byte> out;
  Encoder e(out);
  e.write<uint8_t>(record::kValueVersion);
  e.write<int64_t>(m.producer_id);
  e.write<int16_t>(m.producer_epoch);
  e.write<uint8_t>(static_cast<uint8_t>(m.state));
  e.write<int32_t>(static_cast<int32_t>(m.timeout.count()));
  e.write<int64_t>(m.start_time ? to_millis(*m.start_time) : -1);
  e.write<int64_t>(to_millis(m.last_update));
  auto topics = by_topic(m.partitions);
  e.write_count(topics.size());
  for (const auto& [topic, partitions] : topics) {
    e.write_string(topic);
    e.write_count(partitions.size());
    for (int32_t p : partitions) e.write<int32_t>(p);
  }
  return out;
}

std::vector<std::byte> encode_transaction_batch(const std::vector<TransactionLogRecord>& records,
                                                Timestamp now) {
  protocol::RecordBatchBuilder builder;
  for (const auto& r : records) {
    auto key = encode_transaction_key(r.transactional_id);
    if (r.value) {
      auto value = encode_transaction_value(*r.value);
      builder.append(now, Bytes(key), Bytes(value));
    } else {
      builder.append(now, Bytes(key), std::nullopt);
    }
  }
  return builder.seal();
}

Result<TransactionLogRecord> decode_transaction_record(std::optional<Bytes> key,
                                                       std::optional<Bytes> value) {
  if (!key) return Status::corruption("transaction state record with a null key");
  Decoder k(*key);
  auto type = k.read<uint8_t>("type");
  if (k.ok() && type != record::kStateType) {
    return Status::corruption("transaction state record of unknown type " + std::to_string(type));
  }
  TransactionLogRecord r;
  r.transactional_id = k.read_string("transactional id");
  if (Status s = k.finish("transaction state key"); !s.is_ok()) {
    return Status::corruption(s.message());
  }
  if (r.transactional_id.empty()) return corrupt("", "empty transactional id");
  if (!value) return r;

  Decoder d(*value);
  auto version = d.read<uint8_t>("version");
  if (d.ok() && version != record::kValueVersion) {
    return corrupt(r.transactional_id, "unknown version " + std::to_string(version));
  }
  TransactionMetadata m;
  m.transactional_id = r.transactional_id;
  m.producer_id = d.read<int64_t>("producer id");
  m.producer_epoch = d.read<int16_t>("producer epoch");
  auto state = d.read<uint8_t>("state");
  if (d.ok() && state > kMaxTxnState) {
    return corrupt(r.transactional_id, "unknown state " + std::to_string(state));
  }
  m.state = static_cast<TxnState>(state);
  m.timeout = std::chrono::milliseconds(d.read<int32_t>("timeout ms"));
  int64_t start = d.read<int64_t>("start time");
  if (d.ok() && start < -1) return corrupt(r.transactional_id, "start time below -1");
  if (start >= 0) m.start_time = timestamp_from_millis(start);
  int64_t last_update = d.read<int64_t>("last update");
  if (d.ok() && last_update < 0) return corrupt(r.transactional_id, "last update below 0");
  m.last_update = timestamp_from_millis(last_update);
  uint32_t topics = d.read_count("topics", 2 + 4);
  for (uint32_t i = 0; i < topics && d.ok(); ++i) {
    std::string topic = d.read_string("topic");
    uint32_t n = d.read_count("partitions", 4);
    for (uint32_t j = 0; j < n && d.ok(); ++j) {
      m.partitions.insert({topic, d.read<int32_t>("partition")});
    }
  }
  if (Status s = d.finish("transaction state value"); !s.is_ok()) {
    return corrupt(r.transactional_id, s.message());
  }
  if (Status s = check_consistent(m); !s.is_ok()) return s;
  r.value = std::move(m);
  return r;
}

int32_t transaction_partition_for(std::string_view transactional_id, int32_t partitions) {
  return static_cast<int32_t>(XXH3_64bits(transactional_id.data(), transactional_id.size()) %
                              static_cast<uint64_t>(std::max(partitions, 1)));
}

}  // namespace cairn::broker::txn
