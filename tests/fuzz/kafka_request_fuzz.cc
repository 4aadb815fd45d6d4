// Fuzz target: Kafka request frames (the bytes after the frame size), as the Kafka listener reads
// them. Decodes the header, then the body of the API and version it names, both as that API's
// request and as its response. A body that decodes must encode to bytes that decode to the same
// message. Record batches in Produce requests are verified and, when valid, translated to
// Cairn's batch and back.
#include <cstdint>
#include <cstdlib>
#include <type_traits>
#include <vector>

#include "protocol/kafka/apis.h"
#include "protocol/kafka/crc32c.h"
#include "protocol/kafka/record_batch.h"
#include "protocol/wire_format.h"

namespace {

using namespace cairn;
using namespace cairn::protocol;
using namespace cairn::protocol::kafka;

template <class M>
void round_trip(Bytes body, int16_t version) {
  auto decoded = decode<M>(body, version);
  if (!decoded) return;
  std::vector<std::byte> once;
  Writer w(once);
  if (!encode(*decoded, version, w).is_ok()) std::abort();  // what decodes must encode
  if (encoded_size(*decoded, version) != once.size()) std::abort();
  auto again = decode<M>(once, version);
  if (!again || !(*again == *decoded)) std::abort();
}

// Every valid uncompressed Kafka batch becomes a valid Cairn batch whose Kafka header rebuilds
// the original.
void translate(Bytes records) {
  while (!records.empty()) {
    auto batch = parse_kafka_batch(records);
    if (!batch) return;
    std::vector<std::byte> cairn(protocol::batch::kHeaderSize + batch->records.size());
    write_cairn_batch(*batch, cairn);
    assign_offsets(cairn, Offset(0), 0);
    auto view = RecordBatchView::parse(cairn, Verify::kStored);
    if (batch->header.compression() == Compression::kNone) {
      if (!view) std::abort();
      view->validate_records().ignore_error();
    }
    std::array<std::byte, kafka::batch::kHeaderSize> header;
    auto stored = decode_batch_header(cairn);
    write_kafka_header(*stored, crc32c(batch->records), header);
    if (!std::equal(header.begin() + kafka::batch::kMagicAt, header.end(),
                    records.begin() + kafka::batch::kMagicAt)) {
      std::abort();
    }
    records = records.subspan(batch->size);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Bytes frame(reinterpret_cast<const std::byte*>(data), size);
  auto header = decode_request_header(frame);
  if (!header) return 0;
  Bytes body = frame.subspan(header->body_offset);
  int16_t version = header->header.api_version;
  visit_api(header->header.api_key, [&](auto api) {
    using Api = decltype(api);
    if (!Api::kApi.valid.has(version)) return;
    round_trip<typename Api::Request>(body, version);
    round_trip<typename Api::Response>(body, version);
    if constexpr (std::is_same_v<typename Api::Request, ProduceRequest>) {
      auto produce = decode<ProduceRequest>(body, version);
      if (!produce) return;
      for (const auto& topic : produce->topic_data) {
        for (const auto& partition : topic.partition_data) translate(partition.records.bytes());
      }
    }
  });
  return 0;
}
