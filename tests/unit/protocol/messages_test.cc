// The bodies of protocol/messages/{admin,produce,fetch}.h: encode/decode round trips, and decoders
// that reject every truncation and absurd counts with an error instead of reading past the end.
// The group bodies are in messages/group_test.cc.
#include <gtest/gtest.h>

#include <functional>

#include "protocol/frame.h"
#include "protocol/messages/admin.h"
#include "protocol/messages/fetch.h"
#include "protocol/messages/produce.h"
#include "protocol/record_batch_builder.h"
#include "tests/unit/protocol/body_test_util.h"

namespace cairn::protocol {
namespace {

using testing::encode_body;
using testing::expect_every_truncation_rejected;

TEST(Messages, ApiVersionsRoundTrip) {
  ApiVersionsResponse r;
  r.apis.assign(supported_apis().begin(), supported_apis().end());
  r.broker_version = "cairn 0.1.0";
  r.max_frame_bytes = 1 << 24;
  r.max_inflight_requests = 512;
  auto bytes = encode_body(r);
  auto back = ApiVersionsResponse::decode(bytes, 0);
  ASSERT_TRUE(back) << back.error().to_string();
  ASSERT_EQ(back->apis.size(), r.apis.size());
  EXPECT_EQ(back->apis[4].api_key, static_cast<uint16_t>(ApiKey::kProduce));
  EXPECT_EQ(back->broker_version, r.broker_version);
  EXPECT_EQ(back->max_frame_bytes, r.max_frame_bytes);
  EXPECT_EQ(back->max_inflight_requests, 512u);
  expect_every_truncation_rejected<ApiVersionsResponse>(bytes);
  EXPECT_TRUE(ApiVersionsRequest::decode({}, 0));
}

TEST(Messages, MetadataV1CarriesWhetherToCreateMissingTopicsAndV0AlwaysCreates) {
  MetadataRequest ask{std::vector<std::string>{"orders"}, true};
  std::vector<std::byte> v1;
  Encoder e(v1);
  ask.encode(e, 1);
  auto back = MetadataRequest::decode(v1, 1);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_TRUE(back->create_missing);
  auto no = v1;
  no.back() = std::byte{0};
  EXPECT_FALSE(MetadataRequest::decode(no, 1)->create_missing);
  auto bad = v1;
  bad.back() = std::byte{2};
  EXPECT_FALSE(MetadataRequest::decode(bad, 1));
  EXPECT_FALSE(MetadataRequest::decode(std::span(v1).first(v1.size() - 1), 1));
  EXPECT_TRUE(MetadataRequest::decode(encode_body(MetadataRequest{}), 0)->create_missing);
}

TEST(Messages, MetadataRoundTrip) {
  MetadataRequest all;
  auto back_all = MetadataRequest::decode(encode_body(all), 0);
  ASSERT_TRUE(back_all);
  EXPECT_FALSE(back_all->topics.has_value());
  MetadataRequest some{std::vector<std::string>{"a", "orders"}};
  auto some_bytes = encode_body(some);
  auto back_some = MetadataRequest::decode(some_bytes, 0);
  ASSERT_TRUE(back_some);
  EXPECT_EQ(*back_some->topics, *some.topics);
  expect_every_truncation_rejected<MetadataRequest>(some_bytes);

  MetadataResponse r{7, "127.0.0.1", 9292, {}};
  TopicMetadata t{"orders", ErrorCode::kNone, {1000, -1, 4096, 60000, "interval:5"}, {}};
  t.partitions.push_back({0, ErrorCode::kNone, "", 7, 10, 20, 300});
  t.partitions.push_back({1, ErrorCode::kPartitionOffline, "corrupt at byte 5", 7, 0, 0, 0});
  r.topics.push_back(t);
  r.topics.push_back({"missing", ErrorCode::kUnknownTopicOrPartition, {}, {}});
  auto bytes = encode_body(r);
  auto back = MetadataResponse::decode(bytes, 0);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(back->host, "127.0.0.1");
  EXPECT_EQ(back->port, 9292);
  ASSERT_EQ(back->topics.size(), 2u);
  EXPECT_EQ(back->topics[0].settings.durability, "interval:5");
  EXPECT_EQ(back->topics[0].settings.segment_bytes, 4096);
  EXPECT_EQ(back->topics[0].partitions[1].error_message, "corrupt at byte 5");
  EXPECT_EQ(back->topics[0].partitions[0].size_bytes, 300);
  EXPECT_EQ(back->topics[1].error, ErrorCode::kUnknownTopicOrPartition);
  expect_every_truncation_rejected<MetadataResponse>(bytes);
}

TEST(Messages, CreateAndDeleteTopicsRoundTrip) {
  CreateTopicsRequest c;
  c.topics.push_back({"t1", 4, {-1, 1 << 30, -1, -1, "always"}});
  c.topics.push_back({"t2", 1, {}});
  auto cb = encode_body(c);
  auto cback = CreateTopicsRequest::decode(cb, 0);
  ASSERT_TRUE(cback);
  EXPECT_EQ(cback->topics[0].partitions, 4);
  EXPECT_EQ(cback->topics[0].settings.retention_bytes, 1 << 30);
  EXPECT_EQ(cback->topics[1].settings.durability, "");
  expect_every_truncation_rejected<CreateTopicsRequest>(cb);

  DeleteTopicsRequest d{{"t1", "t2"}};
  auto db = encode_body(d);
  ASSERT_TRUE(DeleteTopicsRequest::decode(db, 0));
  expect_every_truncation_rejected<DeleteTopicsRequest>(db);

  TopicResultsResponse r{
      {{"t1", ErrorCode::kNone, ""}, {"t2", ErrorCode::kTopicAlreadyExists, "exists"}}};
  auto rb = encode_body(r);
  auto rback = TopicResultsResponse::decode(rb, 0);
  ASSERT_TRUE(rback);
  EXPECT_EQ(rback->results[1].error, ErrorCode::kTopicAlreadyExists);
  EXPECT_EQ(rback->results[1].message, "exists");
  expect_every_truncation_rejected<TopicResultsResponse>(rb);
}

TEST(Messages, ProduceRoundTripKeepsRecordBytesInPlace) {
  RecordBatchBuilder b;
  b.append(timestamp_from_millis(5), std::nullopt, as_bytes("hello"));
  auto batch = b.seal();
  ProduceRequest p;
  p.acks = -1;
  p.timeout_ms = 1234;
  p.topics.push_back({"t", {{0, batch}, {3, batch}}});
  auto bytes = encode_body(p);
  auto back = ProduceRequest::decode(bytes, 0);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(back->acks, -1);
  EXPECT_EQ(back->timeout_ms, 1234u);
  ASSERT_EQ(back->topics[0].partitions.size(), 2u);
  auto& rec = back->topics[0].partitions[1].records;
  EXPECT_EQ(back->topics[0].partitions[1].partition, 3);
  ASSERT_EQ(rec.size(), batch.size());
  EXPECT_TRUE(std::equal(rec.begin(), rec.end(), batch.begin()));
  EXPECT_GE(rec.data(), bytes.data());  // a view into the body, not a copy
  EXPECT_LT(rec.data(), bytes.data() + bytes.size());
  expect_every_truncation_rejected<ProduceRequest>(bytes);

  auto bad_acks = bytes;
  bad_acks[0] = std::byte{2};
  EXPECT_FALSE(ProduceRequest::decode(MutableBytes(bad_acks), 0));

  ProduceResponse r;
  r.topics.push_back(
      {"t", {{0, ErrorCode::kNone, 42, 0, ""}, {3, ErrorCode::kDiskFull, -1, 0, "full"}}});
  auto rb = encode_body(r);
  auto rback = ProduceResponse::decode(rb, 0);
  ASSERT_TRUE(rback);
  EXPECT_EQ(rback->topics[0].partitions[0].base_offset, 42);
  EXPECT_EQ(rback->topics[0].partitions[1].error, ErrorCode::kDiskFull);
  expect_every_truncation_rejected<ProduceResponse>(rb);
}

TEST(Messages, FetchRoundTrip) {
  FetchRequest f;
  f.max_wait_ms = 100;
  f.min_bytes = 10;
  f.max_bytes = 1000;
  f.topics.push_back({"t", {{0, 5, 100}, {1, 0, 200}}});
  auto fb = encode_body(f);
  auto fback = FetchRequest::decode(fb, 0);
  ASSERT_TRUE(fback);
  EXPECT_EQ(fback->topics[0].partitions[0].fetch_offset, 5);
  EXPECT_EQ(fback->topics[0].partitions[1].max_bytes, 200u);
  expect_every_truncation_rejected<FetchRequest>(fb);

  std::vector<std::byte> records(50, std::byte{9});
  FetchResponse r;
  r.topics.push_back({"t",
                      {{0, ErrorCode::kNone, 10, 0, records, 0, 0},
                       {1, ErrorCode::kOffsetOutOfRange, 3, 0, {}, 0, 0}}});
  auto rb = encode_body(r);
  auto rback = FetchResponse::decode(rb, 0);
  ASSERT_TRUE(rback);
  EXPECT_EQ(rback->topics[0].partitions[0].records.size(), 50u);
  EXPECT_EQ(rback->topics[0].partitions[1].error, ErrorCode::kOffsetOutOfRange);
  expect_every_truncation_rejected<FetchResponse>(rb);
}

TEST(Messages, FetchResponseWithExternalBytesLeavesRoomForThem) {
  FetchResponse r;
  r.topics.push_back({"t", {{0, ErrorCode::kNone, 10, 0, {}, 300, 7}}});
  std::vector<std::byte> out;
  Encoder e(out);
  begin_response(e, 99, ErrorCode::kNone, "");
  r.encode(e, 0);
  e.end_frame();
  ASSERT_EQ(e.external().size(), 1u);
  EXPECT_EQ(e.external()[0].id, 7u);
  EXPECT_EQ(e.external()[0].size, 300u);
  EXPECT_EQ(e.external()[0].at, out.size());  // the records are the last field
  EXPECT_EQ(load_le<uint32_t>(out.data()), out.size() - 4 + 300);
}

TEST(Messages, ProduceRequestWithExternalBytesLeavesRoomForThemAndDecodesOnceTheyAreIn) {
  std::vector<std::byte> batch(120, std::byte{5});
  ProduceRequest r;
  r.acks = -1;
  r.topics.push_back({"t", {{0, {}, 120, 3}}});
  std::vector<std::byte> out;
  Encoder e(out);
  r.encode(e, 0);
  ASSERT_EQ(e.external().size(), 1u);
  EXPECT_EQ(e.external()[0].id, 3u);
  EXPECT_EQ(e.external()[0].size, 120u);
  EXPECT_EQ(e.external()[0].at, out.size());  // the records are the last field
  // What the transport sends: the bytes with the external ones in their place.
  out.insert(out.end(), batch.begin(), batch.end());
  auto back = ProduceRequest::decode(out, 0);
  ASSERT_TRUE(back) << back.error().to_string();
  ASSERT_EQ(back->topics[0].partitions[0].records.size(), 120u);
  EXPECT_EQ(back->topics[0].partitions[0].records[0], std::byte{5});
}

TEST(Messages, ListOffsetsRoundTrip) {
  ListOffsetsRequest l;
  l.topics.push_back(
      {"t", {{0, kEarliestTimestamp}, {1, kLatestTimestamp}, {2, 1'700'000'000'000}}});
  auto lb = encode_body(l);
  auto lback = ListOffsetsRequest::decode(lb, 0);
  ASSERT_TRUE(lback);
  EXPECT_EQ(lback->topics[0].partitions[2].timestamp, 1'700'000'000'000);
  expect_every_truncation_rejected<ListOffsetsRequest>(lb);

  ListOffsetsResponse r;
  r.topics.push_back({"t", {{0, ErrorCode::kNone, 0}, {1, ErrorCode::kNone, 77}}});
  auto rb = encode_body(r);
  auto rback = ListOffsetsResponse::decode(rb, 0);
  ASSERT_TRUE(rback);
  EXPECT_EQ(rback->topics[0].partitions[1].offset, 77);
  expect_every_truncation_rejected<ListOffsetsResponse>(rb);
}

TEST(Messages, AbsurdCountsAreRejectedBeforeAllocating) {
  std::vector<std::byte> body(8);
  store_le<uint32_t>(body.data(), 0xffffffffu);  // 4 billion topics in 4 bytes
  EXPECT_FALSE(DeleteTopicsRequest::decode(body, 0));
  EXPECT_FALSE(MetadataResponse::decode(body, 0));
  store_le<int32_t>(body.data(), -7);
  EXPECT_FALSE(MetadataRequest::decode(body, 0));
}

TEST(Messages, CountsOverTheRequestLimitsAreRejectedBeforeAllocating) {
  MetadataRequest names{std::vector<std::string>(limits::kMaxNamesPerRequest + 1)};
  auto m = MetadataRequest::decode(encode_body(names), 0);
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().message().find("limit"), std::string::npos) << m.error().message();
  names.topics->pop_back();
  EXPECT_TRUE(MetadataRequest::decode(encode_body(names), 0));

  DeleteTopicsRequest deletes{std::vector<std::string>(limits::kMaxNamesPerRequest + 1)};
  EXPECT_FALSE(DeleteTopicsRequest::decode(encode_body(deletes), 0));

  // The partition limit counts entries over every topic of the request.
  FetchRequest f;
  f.topics.push_back({"a", std::vector<FetchPartition>(limits::kMaxPartitionsPerRequest / 2)});
  f.topics.push_back({"b", std::vector<FetchPartition>(limits::kMaxPartitionsPerRequest / 2)});
  EXPECT_TRUE(FetchRequest::decode(encode_body(f), 0));
  f.topics[1].partitions.emplace_back();
  EXPECT_FALSE(FetchRequest::decode(encode_body(f), 0));

  ListOffsetsRequest l;
  l.topics.push_back(
      {"a", std::vector<ListOffsetsPartition>(limits::kMaxPartitionsPerRequest + 1)});
  EXPECT_FALSE(ListOffsetsRequest::decode(encode_body(l), 0));
}

TEST(Messages, ApiVersionsV1AddsTheMaxBatchBytes) {
  ApiVersionsResponse r;
  r.apis.assign(supported_apis().begin(), supported_apis().end());
  r.broker_version = "cairn";
  r.max_frame_bytes = 1 << 24;
  r.max_inflight_requests = 5;
  r.max_batch_bytes = 1 << 23;
  std::vector<std::byte> v1;
  Encoder e(v1);
  r.encode(e, 1);
  auto back = ApiVersionsResponse::decode(v1, 1);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(back->max_batch_bytes, 1u << 23);
  EXPECT_FALSE(ApiVersionsResponse::decode(v1, 0)) << "v1 bytes read as v0 leave 4 over";
  auto v0 = encode_body(r);
  EXPECT_EQ(v0.size() + 4, v1.size());
  EXPECT_EQ(ApiVersionsResponse::decode(v0, 0)->max_batch_bytes, 0u);
}

TEST(Codec, AStringLongerThanItsLengthCanSayIsCutAtACharacterBoundary) {
  // 65,534 ASCII bytes, then a three-byte character that would straddle the u16 limit.
  std::string s(65'534, 'a');
  s += "\xe2\x82\xac";
  s += "tail";
  std::vector<std::byte> out;
  Encoder e(out);
  e.write_string(s);
  e.write<uint32_t>(7);  // what follows must still be found where the length says
  Decoder d(out);
  auto back = d.read_string("s");
  EXPECT_EQ(d.read<uint32_t>("after"), 7u);
  ASSERT_TRUE(d.finish("test").is_ok()) << d.status().to_string();
  EXPECT_EQ(back, std::string(65'534, 'a'));
}

TEST(Codec, ErrorMessagesAreCutToTheMessageLimit) {
  auto bytes = error_response(5, ErrorCode::kUnknownTopicOrPartition,
                              "topic '" + std::string(100'000, 'x') + "' does not exist");
  auto r = decode_response(Bytes(bytes).subspan(4));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->message.size(), kMaxMessageBytes);
  TopicResultsResponse results{{{"t", ErrorCode::kInvalidTopicName, std::string(70'000, 'm')}}};
  auto decoded = TopicResultsResponse::decode(encode_body(results), 0);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->results[0].message.size(), kMaxMessageBytes);
}

TEST(Frames, RequestHeaderRoundTripAndLimits) {
  std::vector<std::byte> out;
  encode_request(out, {static_cast<uint16_t>(ApiKey::kFetch), 0, 77, "cli"}, FetchRequest{});
  EXPECT_EQ(load_le<uint32_t>(out.data()), out.size() - 4);
  Bytes frame = Bytes(out).subspan(4);
  auto h = decode_request_header(frame);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->header.api_key, 5);
  EXPECT_EQ(h->header.correlation_id, 77u);
  EXPECT_EQ(h->header.client_id, "cli");
  EXPECT_TRUE(FetchRequest::decode(frame.subspan(h->body_offset), 0));
  for (size_t n = 0; n < h->body_offset; ++n) EXPECT_FALSE(decode_request_header(frame.first(n)));
}

TEST(Frames, ErrorResponsesCarryNoBody) {
  auto bytes = error_response(5, ErrorCode::kUnsupportedVersion, "Fetch v9");
  auto r = decode_response(Bytes(bytes).subspan(4));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->correlation_id, 5u);
  EXPECT_EQ(r->error, ErrorCode::kUnsupportedVersion);
  EXPECT_EQ(r->message, "Fetch v9");
  EXPECT_TRUE(r->body.empty());
}

TEST(ErrorCodes, EveryCodeHasAnEntry) {
  for (int16_t c = 0; c <= static_cast<int16_t>(ErrorCode::kInconsistentGroupProtocol); ++c) {
    const auto& info = error_info(static_cast<ErrorCode>(c));
    EXPECT_EQ(static_cast<int16_t>(info.code), c);
    EXPECT_FALSE(info.name.empty());
  }
  EXPECT_EQ(error_info(static_cast<ErrorCode>(999)).name, "UNKNOWN_ERROR_CODE");
  EXPECT_TRUE(is_retriable(ErrorCode::kDiskFull));
  EXPECT_FALSE(is_retriable(ErrorCode::kInvalidRequest));
}

}  // namespace
}  // namespace cairn::protocol
