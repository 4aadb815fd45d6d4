#include "protocol/kafka/messages/metadata.h"

#include <algorithm>
#include <vector>

#include "protocol/kafka/engine.h"

namespace cairn::protocol::kafka {

CAIRN_KAFKA_MESSAGE(MetadataRequest);
CAIRN_KAFKA_MESSAGE(MetadataResponse);
CAIRN_KAFKA_MESSAGE(DescribeClusterRequest);
CAIRN_KAFKA_MESSAGE(DescribeClusterResponse);

Result<MetadataRequest> decode_metadata_request(Bytes body, int16_t version, size_t base_offset) {
  auto decoded = decode<MetadataRequest>(body, version, base_offset);
  constexpr size_t kPlaceholder = 4;
  const bool placeholder =
      body.size() >= kPlaceholder && std::all_of(body.begin(), body.begin() + kPlaceholder,
                                                 [](std::byte b) { return b == std::byte{0}; });
  if (decoded || version < 9 || !placeholder) return decoded;
  std::vector<std::byte> repaired(body.begin(), body.begin() + 1);
  repaired.insert(repaired.end(), body.begin() + kPlaceholder, body.end());
  auto again = decode<MetadataRequest>(repaired, version, base_offset);
  return again ? again : decoded;
}

}  // namespace cairn::protocol::kafka
