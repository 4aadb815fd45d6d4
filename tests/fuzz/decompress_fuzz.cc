// Fuzz target: the decompressors (protocol/compression.h). The first byte picks the codec, the
// rest is the compressed input; output is bounded at 1 MiB, so a bomb must be refused within it.
// A batch with the same bytes as its compressed records then goes through validate_records.
#include <cstdint>
#include <vector>

#include "protocol/compression.h"
#include "protocol/record_batch.h"
#include "protocol/wire_format.h"

using namespace cairn;
using namespace cairn::protocol;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  auto codec = static_cast<Compression>(1 + data[0] % 4);
  std::span<const std::byte> input(reinterpret_cast<const std::byte*>(data + 1), size - 1);
  constexpr size_t kLimit = 1u << 20;
  auto out = decompress(codec, input, kLimit);
  if (out && out->size() > kLimit) __builtin_trap();
  if (out) {
    // Whatever decompresses must compress and come back the same.
    std::vector<std::byte> again;
    if (compress(codec, *out, again).is_ok()) {
      auto back = decompress(codec, again, kLimit);
      if (!back || *back != *out) __builtin_trap();
    }
  }
  // The same bytes as the records of a one-record batch with that codec.
  std::vector<std::byte> batch(batch::kHeaderSize);
  batch.insert(batch.end(), input.begin(), input.end());
  std::byte* p = batch.data();
  store_le<uint32_t>(p + batch::kBatchLengthAt, static_cast<uint32_t>(batch.size()));
  store_le<uint8_t>(p + batch::kMagicAt, batch::kMagic);
  store_le<uint16_t>(p + batch::kAttributesAt, static_cast<uint16_t>(codec));
  store_le<int32_t>(p + batch::kRecordCountAt, 1);
  store_le<int64_t>(p + batch::kProducerIdAt, -1);
  store_le<uint64_t>(p + batch::kChecksumAt, batch_checksum(batch));
  auto view = RecordBatchView::parse(batch, Verify::kProduced);
  if (view) view->validate_records(kLimit).ignore_error();
  return 0;
}
