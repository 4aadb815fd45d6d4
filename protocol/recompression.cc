#include "protocol/recompression.h"

#include "protocol/byte_io.h"
#include "protocol/wire_format.h"

namespace cairn::protocol {

Result<std::optional<RecompressedBatch>> recompress_batch(const RecordBatchView& batch,
                                                          Compression codec,
                                                          size_t max_decompressed_bytes) {
  const BatchHeader& h = batch.header();
  if (h.compression() == codec || h.record_count == 0) return std::optional<RecompressedBatch>();
  auto records = BatchRecords::open(batch, max_decompressed_bytes);
  if (!records) return records.error();

  Bytes old = batch.bytes();
  std::vector<std::byte> out(old.begin(), old.begin() + batch::kHeaderSize);
  if (codec == Compression::kNone) {
    out.insert(out.end(), records->bytes().begin(), records->bytes().end());
  } else {
    CAIRN_RETURN_IF_ERROR(compress(codec, records->bytes(), out));
  }
  if (out.size() > batch::kMaxBatchLength) {
    return Status::invalid_argument("the batch recompressed to " +
                                    std::string(compression_name(codec)) + " is over " +
                                    std::to_string(batch::kMaxBatchLength) + " bytes");
  }
  auto attributes = static_cast<uint16_t>((h.attributes & ~batch::kCompressionMask) |
                                          static_cast<uint16_t>(codec));
  std::byte* p = out.data();
  store_le<uint32_t>(p + batch::kBatchLengthAt, static_cast<uint32_t>(out.size()));
  store_le<uint16_t>(p + batch::kAttributesAt, attributes);
  store_le<uint64_t>(p + batch::kChecksumAt, batch_checksum(out));
  return std::optional<RecompressedBatch>(
      RecompressedBatch{std::move(out), records->bytes().size()});
}

}  // namespace cairn::protocol
