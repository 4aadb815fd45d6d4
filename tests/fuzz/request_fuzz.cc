// Fuzz target: request frames as the broker reads them. Decodes the header and the body of
// whichever API it names; a body that decodes must survive an encode/decode round trip.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include <type_traits>

#include "protocol/apis.h"
#include "protocol/frame.h"
#include "protocol/record_batch.h"

namespace {

using namespace cairn::protocol;

template <typename T>
void round_trip(const T& decoded) {
  std::vector<std::byte> once;
  Encoder e1(once);
  decoded.encode(e1, 0);
  auto again = T::decode(once, 0);
  if (!again) std::abort();  // what we encode we must decode
  std::vector<std::byte> twice;
  Encoder e2(twice);
  again->encode(e2, 0);
  if (once != twice) std::abort();
}

template <typename T>
void body(MutableBytes b) {
  auto decoded = T::decode(b, 0);
  if (decoded) round_trip(*decoded);
}

// A produce body's batches are checked as the broker checks them, and the request re-encoded.
template <>
void body<ProduceRequest>(MutableBytes b) {
  auto produce = ProduceRequest::decode(b, 0);
  if (!produce) return;
  for (auto& t : produce->topics) {
    for (auto& p : t.partitions) {
      BatchIterator batches(p.records, Verify::kFramingOnly);
      while (batches.next()) {
      }
      auto view = RecordBatchView::parse(p.records, Verify::kProduced);
      if (view) view->validate_records().ignore_error();
    }
  }
  std::vector<std::byte> once;
  Encoder e(once);
  produce->encode(e, 0);
  if (!ProduceRequest::decode(MutableBytes(once), 0)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::byte> frame(reinterpret_cast<const std::byte*>(data),
                               reinterpret_cast<const std::byte*>(data) + size);
  auto request = decode_request_header(frame);
  if (!request) return 0;
  MutableBytes b = MutableBytes(frame).subspan(request->body_offset);
  // Every API of the list, by the request header's key.
  visit_api(request->header.api_key, [&](auto api) { body<typename decltype(api)::Request>(b); });
  return 0;
}
