#include "protocol/control_record.h"

#include <string>

#include "protocol/record_batch_builder.h"
#include "protocol/wire_format.h"

namespace cairn::protocol {

namespace {

// Kafka's byte order for the control record fields.
void put_be16(std::byte* at, int16_t v) {
  auto u = static_cast<uint16_t>(v);
  at[0] = std::byte{static_cast<uint8_t>(u >> 8)};
  at[1] = std::byte{static_cast<uint8_t>(u)};
}
void put_be32(std::byte* at, int32_t v) {
  auto u = static_cast<uint32_t>(v);
  for (int i = 0; i < 4; ++i) at[i] = std::byte{static_cast<uint8_t>(u >> (24 - 8 * i))};
}
int16_t get_be16(const std::byte* at) {
  return static_cast<int16_t>((std::to_integer<uint16_t>(at[0]) << 8) |
                              std::to_integer<uint16_t>(at[1]));
}
int32_t get_be32(const std::byte* at) {
  uint32_t u = 0;
  for (int i = 0; i < 4; ++i) u = (u << 8) | std::to_integer<uint32_t>(at[i]);
  return static_cast<int32_t>(u);
}

}  // namespace

std::array<std::byte, control::kKeySize> encode_control_key(TxnResult result) {
  std::array<std::byte, control::kKeySize> key{};
  put_be16(key.data(), control::kKeyVersion);
  put_be16(key.data() + 2,
           result == TxnResult::kCommit ? control::kCommitType : control::kAbortType);
  return key;
}

std::array<std::byte, control::kValueSize> encode_control_value(int32_t coordinator_epoch) {
  std::array<std::byte, control::kValueSize> value{};
  put_be16(value.data(), control::kValueVersion);
  put_be32(value.data() + 2, coordinator_epoch);
  return value;
}

Result<ControlRecord> decode_control_record(std::optional<Bytes> key, std::optional<Bytes> value) {
  if (!key || key->size() < control::kKeySize) {
    return Status::invalid_argument("control record: key shorter than 4 bytes");
  }
  if (!value || value->size() < control::kValueSize) {
    return Status::invalid_argument("control record: value shorter than 6 bytes");
  }
  if (get_be16(key->data()) < 0 || get_be16(value->data()) < 0) {
    return Status::invalid_argument("control record: negative version");
  }
  ControlRecord r;
  int16_t type = get_be16(key->data() + 2);
  if (type == control::kCommitType) {
    r.result = TxnResult::kCommit;
  } else if (type != control::kAbortType) {
    return Status::invalid_argument("control record: unknown type " + std::to_string(type));
  }
  r.coordinator_epoch = get_be32(value->data() + 2);
  return r;
}

std::vector<std::byte> build_control_batch(const MarkerOptions& options) {
  RecordBatchBuilder::Options o;
  o.producer_id = options.producer_id;
  o.producer_epoch = options.producer_epoch;
  o.transactional = true;
  o.control = true;
  RecordBatchBuilder builder(o);
  auto key = encode_control_key(options.result);
  auto value = encode_control_value(options.coordinator_epoch);
  builder.append(options.timestamp, Bytes(key), Bytes(value));
  return builder.seal();
}

Result<ControlRecord> read_control_batch(const RecordBatchView& batch) {
  const BatchHeader& h = batch.header();
  if (!h.is_control()) return Status::corruption("not a control batch");
  if (!h.is_transactional() || h.record_count != 1 || h.last_offset_delta != 0 ||
      h.compression() != Compression::kNone || h.producer_id < 0 || h.producer_epoch < 0 ||
      h.base_sequence != batch::kNoSequence) {
    return Status::corruption("control batch at offset " + std::to_string(h.base_offset.value()) +
                              " breaks the control batch rules");
  }
  RecordReader reader(batch);
  RecordView record;
  if (!reader.next(record)) {
    return Status::corruption("control batch at offset " + std::to_string(h.base_offset.value()) +
                              ": " + reader.status().message());
  }
  auto marker = decode_control_record(record.key, record.value);
  if (!marker) return Status::corruption(marker.error().message());
  return *marker;
}

}  // namespace cairn::protocol
