// Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/*). Run once after a protocol
// change: build/asan/tests/cairn_make_fuzz_seeds tests/fuzz/corpus
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "protocol/frame.h"
#include "protocol/messages/admin.h"
#include "protocol/messages/fetch.h"
#include "protocol/messages/group.h"
#include "protocol/messages/init_producer_id.h"
#include "protocol/messages/produce.h"
#include "protocol/record_batch_builder.h"
#include "protocol/wire_format.h"

using namespace cairn;
using namespace cairn::protocol;

namespace {

void write(const std::filesystem::path& path, const std::vector<std::byte>& bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
}

std::vector<std::byte> make_batch(int records, int64_t base,
                                  Compression codec = Compression::kNone) {
  RecordBatchBuilder b({.compression = codec});
  for (int i = 0; i < records; ++i) {
    std::string v = "value-" + std::to_string(i);
    HeaderEntry h{"h", as_bytes("x")};
    b.append(timestamp_from_millis(1000 + i), i % 2 ? std::optional(as_bytes("k")) : std::nullopt,
             as_bytes(v), std::span(&h, i % 3 == 0 ? 1 : 0));
  }
  auto out = b.seal();
  assign_offsets(out, Offset(base), 0);
  return out;
}

template <typename Body>
std::vector<std::byte> request_frame(ApiKey api, const Body& body) {
  std::vector<std::byte> out;
  encode_request(out, {static_cast<uint16_t>(api), 0, 1, "seed"}, body);
  return std::vector<std::byte>(out.begin() + 4, out.end());  // the broker reads past the length
}

template <typename Body>
std::vector<std::byte> response_frame(ApiKey api, const Body& body, uint16_t version = 0) {
  std::vector<std::byte> out{static_cast<std::byte>(static_cast<uint16_t>(api))};
  std::vector<std::byte> frame;
  Encoder e(frame);
  begin_response(e, 1, ErrorCode::kNone, "");
  body.encode(e, version);
  e.end_frame();
  out.insert(out.end(), frame.begin() + 4, frame.end());
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path dir = argc > 1 ? argv[1] : "tests/fuzz/corpus";
  auto b = make_batch(3, 0);
  auto b2 = make_batch(5, 3);
  std::vector<std::byte> two = b;
  two.insert(two.end(), b2.begin(), b2.end());

  write(dir / "request" / "api_versions",
        request_frame(ApiKey::kApiVersions, ApiVersionsRequest{}));
  write(dir / "request" / "metadata",
        request_frame(ApiKey::kMetadata, MetadataRequest{std::vector<std::string>{"t"}}));
  write(dir / "request" / "create",
        request_frame(ApiKey::kCreateTopics, CreateTopicsRequest{{{"t", 2, {}}}}));
  write(dir / "request" / "delete",
        request_frame(ApiKey::kDeleteTopics, DeleteTopicsRequest{{"t"}}));
  ProduceRequest produce;
  produce.topics.push_back({"t", {{0, b}, {1, two}}});
  write(dir / "request" / "produce", request_frame(ApiKey::kProduce, produce));
  FetchRequest fetch;
  fetch.topics.push_back({"t", {{0, 0, 1000}}});
  write(dir / "request" / "fetch", request_frame(ApiKey::kFetch, fetch));
  ListOffsetsRequest list;
  list.topics.push_back({"t", {{0, -1}, {1, 1000}}});
  write(dir / "request" / "list_offsets", request_frame(ApiKey::kListOffsets, list));

  write(dir / "request" / "join",
        request_frame(ApiKey::kJoinGroup,
                      JoinGroupRequest{"g", 10000, 30000, "", "range", {"t", "u"}}));
  write(dir / "request" / "sync",
        request_frame(ApiKey::kSyncGroup, SyncGroupRequest{"g", 3, "m-1"}));
  write(dir / "request" / "heartbeat",
        request_frame(ApiKey::kHeartbeat, HeartbeatRequest{"g", 3, "m-1"}));
  write(dir / "request" / "commit",
        request_frame(ApiKey::kOffsetCommit,
                      OffsetCommitRequest{"g", 3, "m-1", {{"t", {{0, 10, "x"}, {1, 20, ""}}}}}));
  write(dir / "request" / "offset_fetch",
        request_frame(ApiKey::kOffsetFetch,
                      OffsetFetchRequest{"g", std::vector<TopicPartitions>{{"t", {0, 1}}}}));
  write(dir / "request" / "describe_groups",
        request_frame(ApiKey::kDescribeGroups, DescribeGroupsRequest{{"g"}}));
  write(dir / "request" / "delete_groups",
        request_frame(ApiKey::kDeleteGroups, DeleteGroupsRequest{{"g"}}));
  write(dir / "request" / "init_producer_id",
        request_frame(ApiKey::kInitProducerId, InitProducerIdRequest{}));
  write(dir / "response" / "join",
        response_frame(
            ApiKey::kJoinGroup,
            JoinGroupResponse{ErrorCode::kNone, 3, "m-1", "m-1", "range", {{"m-1", "c"}}}));
  write(
      dir / "response" / "sync",
      response_frame(ApiKey::kSyncGroup, SyncGroupResponse{ErrorCode::kNone, {{"t", {0, 1, 2}}}}));
  write(dir / "response" / "describe_groups",
        response_frame(ApiKey::kDescribeGroups,
                       DescribeGroupsResponse{{{"g",
                                                ErrorCode::kNone,
                                                "Stable",
                                                "range",
                                                3,
                                                {{"m-1", "c", "127.0.0.1", {{"t", {0}}}}}}}}));
  write(dir / "response" / "offset_fetch",
        response_frame(
            ApiKey::kOffsetFetch,
            OffsetFetchResponse{ErrorCode::kNone, {{"t", {{0, 5, "", ErrorCode::kNone}}}}}));
  MetadataResponse md{0,
                      "127.0.0.1",
                      9292,
                      {{"t", ErrorCode::kNone, {}, {{0, ErrorCode::kNone, "", 0, 0, 5, 100}}}}};
  write(dir / "response" / "metadata", response_frame(ApiKey::kMetadata, md));
  FetchResponse fr;
  fr.topics.push_back({"t", {{0, ErrorCode::kNone, 8, 0, two, 0, 0}}});
  write(dir / "response" / "fetch", response_frame(ApiKey::kFetch, fr));
  FetchResponse committed;
  committed.topics.push_back({"t", {{0, ErrorCode::kNone, 8, 0, two, 0, 0, 6, {{3, 2}, {4, 5}}}}});
  write(dir / "response" / "fetch_v2", response_frame(ApiKey::kFetch, committed, 2));
  ProduceResponse pr;
  pr.topics.push_back({"t", {{0, ErrorCode::kNone, 3, 0, ""}}});
  write(dir / "response" / "produce", response_frame(ApiKey::kProduce, pr));

  write(dir / "segment" / "two_batches", two);
  auto zstd = make_batch(4, 8, Compression::kZstd);
  std::vector<std::byte> mixed = two;
  mixed.insert(mixed.end(), zstd.begin(), zstd.end());
  write(dir / "segment" / "compressed", mixed);
  ProduceRequest compressed_produce;
  auto lz4 = make_batch(6, 0, Compression::kLz4);
  compressed_produce.topics.push_back({"t", {{0, lz4}}});
  write(dir / "request" / "produce_lz4", request_frame(ApiKey::kProduce, compressed_produce));
  // Decompressor seeds: the codec's number - 1 in the first byte, then a batch's records.
  for (auto codec :
       {Compression::kGzip, Compression::kSnappy, Compression::kLz4, Compression::kZstd}) {
    auto batch = make_batch(20, 0, codec);
    std::vector<std::byte> seed{std::byte(static_cast<uint8_t>(codec) - 1)};
    seed.insert(seed.end(), batch.begin() + batch::kHeaderSize, batch.end());
    write(dir / "decompress" / std::string(compression_name(codec)), seed);
  }
  auto torn = two;
  torn.resize(torn.size() - 7);
  write(dir / "segment" / "torn_tail", torn);
  std::printf("seeds written to %s\n", dir.c_str());
  return 0;
}
