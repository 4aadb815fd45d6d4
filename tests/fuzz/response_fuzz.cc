// Fuzz target: response frames as a client reads them from a broker it must not trust.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include <type_traits>

#include "protocol/apis.h"
#include "protocol/frame.h"
#include "protocol/record_batch.h"

using namespace cairn::protocol;

namespace {

template <typename Response>
void body(Bytes b) {
  Response::decode(b, 0).status().ignore_error();
}

// Parses every batch and walks every record of a fetch answer.
void walk_records(const FetchResponse& fetch) {
  for (const auto& t : fetch.topics) {
    for (const auto& p : t.partitions) {
      BatchIterator batches(p.records, Verify::kStored);
      while (auto batch = batches.next()) {
        RecordReader reader(*batch);
        RecordView record;
        while (reader.next(record)) {
          for (const auto& h : record.headers()) (void)h;
        }
      }
    }
  }
}

// What a consumer does with fetched records: parse every batch and walk every record. The same
// bytes are read in the version 0 layout and in version 2's (last stable offset and aborted
// transactions before the records).
template <>
void body<FetchResponse>(Bytes b) {
  for (uint16_t version : {0, 2}) {
    auto fetch = FetchResponse::decode(b, version);
    if (fetch) walk_records(*fetch);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  // The first byte picks the API whose response body follows.
  auto api = static_cast<uint16_t>(data[0] % kApiCount);
  Bytes frame(reinterpret_cast<const std::byte*>(data + 1), size - 1);
  auto response = decode_response(frame);
  if (!response) return 0;
  visit_api(api, [&](auto a) { body<typename decltype(a)::Response>(response->body); });
  return 0;
}
