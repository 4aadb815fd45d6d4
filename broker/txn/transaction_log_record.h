#pragma once

// The records of the internal `__transaction_state` topic (storage/FORMAT.md, "Transaction
// state"): one record per change of a transactional id's state, keyed by the transactional id,
// whose value is the whole new state; a null value forgets the id. Replay keeps the last record
// of each key. Sans-I/O: bytes in, bytes out.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/txn/transaction_state.h"
#include "protocol/byte_io.h"
#include "protocol/status.h"

namespace cairn::broker::txn {

inline constexpr std::string_view kTransactionStateTopic = "__transaction_state";

namespace record {
inline constexpr uint8_t kStateType = 1;     // the key's first byte
inline constexpr uint8_t kValueVersion = 0;  // the value's first byte
}  // namespace record

struct TransactionLogRecord {
  std::string transactional_id;
  std::optional<TransactionMetadata> value;  // nullopt: the id is forgotten
};

std::vector<std::byte> encode_transaction_key(std::string_view transactional_id);
// The value of `m` (its transactional id is in the key, not here).
std::vector<std::byte> encode_transaction_value(const TransactionMetadata& m);
// A sealed batch of `records`, in order.
std::vector<std::byte> encode_transaction_batch(const std::vector<TransactionLogRecord>& records,
                                                Timestamp now);

// Reads one record. kCorruption for anything FORMAT.md does not allow: another type or version,
// a field cut short or a byte left over, a state out of range, fields that contradict the state
// (partitions or a start time without an open transaction, or none with one), a negative
// producer id or epoch, a timeout below 1 ms.
Result<TransactionLogRecord> decode_transaction_record(std::optional<protocol::Bytes> key,
                                                       std::optional<protocol::Bytes> value);

// Which `__transaction_state` partition, of `partitions`, holds a transactional id.
int32_t transaction_partition_for(std::string_view transactional_id, int32_t partitions);

}  // namespace cairn::broker::txn
