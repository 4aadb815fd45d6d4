// Fuzz target: records of the __cairn_security topic as a replaying broker reads them. The
// input is one record: a length byte (top bit: the value is null), that many key bytes, and
// the value. A record that decodes must encode back to a batch that decodes the same.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "broker/security/security_log.h"
#include "protocol/record_batch_builder.h"

namespace {

using namespace cairn;
using namespace cairn::broker::security;

Result<std::vector<SecurityChange>> decode(const std::vector<std::byte>& batch) {
  auto view = protocol::RecordBatchView::parse(batch, protocol::Verify::kStored);
  if (!view) std::abort();  // the builder's batches always parse
  return decode_security_batch(*view);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto* bytes = reinterpret_cast<const std::byte*>(data);
  bool null_value = (data[0] & 0x80) != 0;
  size_t key_size = std::min<size_t>(data[0] & 0x7f, size - 1);
  protocol::Bytes key(bytes + 1, key_size);
  protocol::Bytes value(bytes + 1 + key_size, size - 1 - key_size);
  protocol::RecordBatchBuilder builder;
  builder.append(timestamp_from_millis(0), key,
                 null_value ? std::nullopt : std::optional<protocol::Bytes>(value));
  auto changes = decode(builder.seal());
  if (!changes) return 0;
  SecurityState state;
  for (const auto& c : *changes) state.apply(c).ignore_error();
  auto again = decode(encode_security_batch(*changes, timestamp_from_millis(0)));
  if (!again || *again != *changes) std::abort();
  return 0;
}
