// Fuzz target: request frames as the broker reads them. Decodes the header and the body of
// whichever API it names; a body that decodes must survive an encode/decode round trip.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "protocol/frame.h"
#include "protocol/messages/admin.h"
#include "protocol/messages/fetch.h"
#include "protocol/messages/group.h"
#include "protocol/messages/init_producer_id.h"
#include "protocol/messages/produce.h"
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
void body(Bytes b) {
  auto decoded = T::decode(b, 0);
  if (decoded) round_trip(*decoded);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::byte> frame(reinterpret_cast<const std::byte*>(data),
                               reinterpret_cast<const std::byte*>(data) + size);
  auto request = decode_request_header(frame);
  if (!request) return 0;
  MutableBytes b = MutableBytes(frame).subspan(request->body_offset);
  switch (static_cast<ApiKey>(request->header.api_key)) {
    case ApiKey::kApiVersions: body<ApiVersionsRequest>(b); break;
    case ApiKey::kMetadata: body<MetadataRequest>(b); break;
    case ApiKey::kCreateTopics: body<CreateTopicsRequest>(b); break;
    case ApiKey::kDeleteTopics: body<DeleteTopicsRequest>(b); break;
    case ApiKey::kFetch: body<FetchRequest>(b); break;
    case ApiKey::kListOffsets: body<ListOffsetsRequest>(b); break;
    case ApiKey::kProduce: {
      auto produce = ProduceRequest::decode(b, 0);
      if (!produce) break;
      for (auto& t : produce->topics) {
        for (auto& p : t.partitions) {
          auto view = RecordBatchView::parse(p.records, Verify::kProduced);
          if (view) view->validate_records().ignore_error();
        }
      }
      std::vector<std::byte> once;
      Encoder e(once);
      produce->encode(e, 0);
      if (!ProduceRequest::decode(MutableBytes(once), 0)) std::abort();
      break;
    }
    case ApiKey::kFindCoordinator: body<FindCoordinatorRequest>(b); break;
    case ApiKey::kJoinGroup: body<JoinGroupRequest>(b); break;
    case ApiKey::kSyncGroup: body<SyncGroupRequest>(b); break;
    case ApiKey::kHeartbeat: body<HeartbeatRequest>(b); break;
    case ApiKey::kLeaveGroup: body<LeaveGroupRequest>(b); break;
    case ApiKey::kOffsetCommit: body<OffsetCommitRequest>(b); break;
    case ApiKey::kOffsetFetch: body<OffsetFetchRequest>(b); break;
    case ApiKey::kListGroups: body<ListGroupsRequest>(b); break;
    case ApiKey::kDescribeGroups: body<DescribeGroupsRequest>(b); break;
    case ApiKey::kInitProducerId: body<InitProducerIdRequest>(b); break;
    default: break;
  }
  return 0;
}
