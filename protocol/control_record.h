#pragma once

// Control batches (PROTOCOL.md, "Control batches"): the commit and abort markers the broker
// writes into every partition a transaction touched. A control batch holds one record whose key
// says which marker it is and whose value carries the coordinator's epoch. Both use Kafka's
// layout (big-endian, unlike the rest of Cairn), so a marker moves between the Cairn and the
// Kafka formats unchanged. Sans-I/O, like the rest of protocol/.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "protocol/byte_io.h"
#include "protocol/record_batch.h"
#include "protocol/status.h"
#include "protocol/types.h"

namespace cairn::protocol {

// How a transaction ends: EndTxn's result and a marker's type.
enum class TxnResult : uint8_t { kAbort = 0, kCommit = 1 };

namespace control {
inline constexpr int16_t kKeyVersion = 0;
inline constexpr int16_t kValueVersion = 0;
inline constexpr size_t kKeySize = 4;    // version i16, type i16
inline constexpr size_t kValueSize = 6;  // version i16, coordinator epoch i32
inline constexpr int16_t kAbortType = 0;
inline constexpr int16_t kCommitType = 1;
}  // namespace control

struct ControlRecord {
  TxnResult result = TxnResult::kAbort;
  int32_t coordinator_epoch = 0;
};

std::array<std::byte, control::kKeySize> encode_control_key(TxnResult result);
std::array<std::byte, control::kValueSize> encode_control_value(int32_t coordinator_epoch);

// Reads a control record's key and value. A later version of either is read for the fields
// this version knows (Kafka's rule), so it may be longer. Errors (kInvalidArgument): a null or
// short key or value, a negative version, a type other than abort and commit.
Result<ControlRecord> decode_control_record(std::optional<Bytes> key, std::optional<Bytes> value);

// Who writes a marker and when.
struct MarkerOptions {
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  TxnResult result = TxnResult::kAbort;
  int32_t coordinator_epoch = 0;
  Timestamp timestamp;
};

// A sealed control batch with its one marker record (base offset 0, leader epoch 0: the broker
// assigns both when it appends it).
std::vector<std::byte> build_control_batch(const MarkerOptions& options);

// The marker of a stored control batch: checks what PROTOCOL.md requires of one (one record,
// the transactional bit, a producer id and epoch, no codec, a base sequence of -1) and decodes
// its record. Errors are kCorruption: only the broker writes control batches.
Result<ControlRecord> read_control_batch(const RecordBatchView& batch);

}  // namespace cairn::protocol
