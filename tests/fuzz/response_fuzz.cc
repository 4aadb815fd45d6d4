// Fuzz target: response frames as a client reads them from a broker it must not trust.
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

using namespace cairn::protocol;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  uint8_t api = data[0] % 17;
  Bytes frame(reinterpret_cast<const std::byte*>(data + 1), size - 1);
  auto response = decode_response(frame);
  if (!response) return 0;
  Bytes body = response->body;
  switch (static_cast<ApiKey>(api)) {
    case ApiKey::kApiVersions: ApiVersionsResponse::decode(body, 0).status().ignore_error(); break;
    case ApiKey::kMetadata: MetadataResponse::decode(body, 0).status().ignore_error(); break;
    case ApiKey::kCreateTopics:
    case ApiKey::kDeleteTopics: TopicResultsResponse::decode(body, 0).status().ignore_error(); break;
    case ApiKey::kProduce: ProduceResponse::decode(body, 0).status().ignore_error(); break;
    case ApiKey::kListOffsets: ListOffsetsResponse::decode(body, 0).status().ignore_error(); break;
    case ApiKey::kFindCoordinator: FindCoordinatorResponse::decode(body, 0).status().ignore_error(); break;
    case ApiKey::kJoinGroup: JoinGroupResponse::decode(body, 0).status().ignore_error(); break;
    case ApiKey::kSyncGroup: SyncGroupResponse::decode(body, 0).status().ignore_error(); break;
    case ApiKey::kHeartbeat:
    case ApiKey::kLeaveGroup: GroupErrorResponse::decode(body, 0).status().ignore_error(); break;
    case ApiKey::kOffsetCommit: OffsetCommitResponse::decode(body, 0).status().ignore_error(); break;
    case ApiKey::kOffsetFetch: OffsetFetchResponse::decode(body, 0).status().ignore_error(); break;
    case ApiKey::kListGroups: ListGroupsResponse::decode(body, 0).status().ignore_error(); break;
    case ApiKey::kDescribeGroups: DescribeGroupsResponse::decode(body, 0).status().ignore_error(); break;
    case ApiKey::kInitProducerId: InitProducerIdResponse::decode(body, 0).status().ignore_error(); break;
    case ApiKey::kFetch: {
      auto fetch = FetchResponse::decode(body, 0);
      if (!fetch) break;
      // What a consumer does with the records: parse every batch and walk every record.
      for (const auto& t : fetch->topics) {
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
      break;
    }
  }
  return 0;
}
