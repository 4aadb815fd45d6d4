// PROTOCOL.md as executable examples. Each expected byte string is typed by hand from the spec's
// tables ("Frames", "Types" and the body of each API), never produced by the encoder; the test
// checks that the encoder writes exactly those bytes and that the decoder reads them back.
//
// Strings are u16 length + bytes, arrays u32 count + elements, nullable arrays i32 count (-1
// null), every integer little-endian.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <type_traits>
#include <vector>

#include "protocol/byte_io.h"
#include "protocol/frame.h"
#include "protocol/messages/admin.h"
#include "protocol/messages/fetch.h"
#include "protocol/messages/group.h"
#include "protocol/messages/init_producer_id.h"
#include "protocol/messages/produce.h"
#include "protocol/messages/replication.h"
#include "tests/unit/protocol/body_test_util.h"

namespace cairn::protocol {
namespace {

// The golden bytes are laid out one field per line with its comment, as PROTOCOL.md's tables
// read; clang-format would regroup them.
// clang-format off

using testing::decode_body;
using testing::encode_body;

using Golden = std::vector<uint8_t>;

std::vector<std::byte> to_bytes(const Golden& g) {
  std::vector<std::byte> out(g.size());
  for (size_t i = 0; i < g.size(); ++i) out[i] = std::byte{g[i]};
  return out;
}

void expect_same(const std::vector<std::byte>& got, const Golden& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(static_cast<uint8_t>(got[i]), want[i]) << "byte " << i;
  }
}

// `msg` encodes to exactly `want`, and `want` decodes to a message that encodes to `want` again.
// Every field of a body is written by its encoder, so the second half proves that the decoder
// reads each field of the spec into the member the encoder writes it from. `check` looks at the
// decoded message while the bytes it may point into are alive.
template <typename T>
void expect_spec_bytes(const T& msg, const Golden& want,
                       const std::type_identity_t<std::function<void(const T&)>>& check = {}) {
  expect_same(encode_body(msg), want);
  auto bytes = to_bytes(want);
  auto back = decode_body<T>(bytes);
  ASSERT_TRUE(back) << back.error().to_string();
  expect_same(encode_body(*back), want);
  if (check) check(*back);
}

// --- Frames -------------------------------------------------------------------------------------

TEST(ProtocolSpec, ARequestFrameIsLengthApiKeyVersionCorrelationIdClientIdThenBody) {
  const Golden want = {
      17, 0, 0, 0,              // length: 17 bytes follow
      1, 0,                     // API key 1 (Metadata)
      0, 0,                     // API version 0
      0x01, 0x02, 0x03, 0x04,   // correlation id 0x04030201
      3, 0, 'c', 'l', 'i',      // client id "cli"
      0xff, 0xff, 0xff, 0xff,   // body: topics, a null array
  };
  std::vector<std::byte> got;
  encode_request(got, {static_cast<uint16_t>(ApiKey::kMetadata), 0, 0x04030201, "cli"},
                 MetadataRequest{});
  expect_same(got, want);

  auto bytes = to_bytes(want);
  auto frame = Bytes(bytes).subspan(4);
  auto decoded = decode_request_header(frame);
  ASSERT_TRUE(decoded) << decoded.error().to_string();
  EXPECT_EQ(decoded->header.api_key, 1);
  EXPECT_EQ(decoded->header.api_version, 0);
  EXPECT_EQ(decoded->header.correlation_id, 0x04030201u);
  EXPECT_EQ(decoded->header.client_id, "cli");
  EXPECT_EQ(decoded->body_offset, 13u);
  auto body = MetadataRequest::decode(frame.subspan(decoded->body_offset), 0);
  ASSERT_TRUE(body);
  EXPECT_FALSE(body->topics.has_value());
}

// Code that peeks at or patches one field of a whole frame (a client stamping the correlation
// id, a reader taking the length) uses the frame's field positions; they are the tables' offsets.
TEST(ProtocolSpec, TheFrameFieldPositionsAreTheOffsetsOfTheTables) {
  const Golden request = {
      17, 0, 0, 0,              // offset 0: length
      1, 0,                     // offset 4: API key 1
      2, 0,                     // offset 6: API version 2
      0x01, 0x02, 0x03, 0x04,   // offset 8: correlation id 0x04030201
      3, 0, 'c', 'l', 'i',      // offset 12: client id "cli"
      0xff, 0xff, 0xff, 0xff,   // body
  };
  auto r = to_bytes(request);
  EXPECT_EQ(load_le<uint32_t>(r.data() + frame::kLengthAt), 17u);
  EXPECT_EQ(load_le<uint16_t>(r.data() + frame::kApiKeyAt), 1);
  EXPECT_EQ(load_le<uint16_t>(r.data() + frame::kApiVersionAt), 2);
  EXPECT_EQ(load_le<uint32_t>(r.data() + frame::kCorrelationIdAt), 0x04030201u);
  EXPECT_EQ(load_le<uint16_t>(r.data() + frame::kClientIdAt), 3);
  EXPECT_EQ(static_cast<char>(r[frame::kClientIdAt + 2]), 'c');

  const Golden response = {
      14, 0, 0, 0,              // offset 0: length
      0x0d, 0x0c, 0x0b, 0x0a,   // offset 4: correlation id 0x0a0b0c0d
      5, 0,                     // offset 8: error code 5 (UNSUPPORTED_VERSION)
      2, 0, 'v', '9',           // offset 10: error message "v9"
  };
  auto a = to_bytes(response);
  EXPECT_EQ(load_le<uint32_t>(a.data() + frame::kLengthAt), 14u);
  EXPECT_EQ(load_le<uint32_t>(a.data() + frame::kResponseCorrelationIdAt), 0x0a0b0c0du);
  EXPECT_EQ(load_le<int16_t>(a.data() + frame::kResponseErrorCodeAt), 5);
  EXPECT_EQ(load_le<uint16_t>(a.data() + frame::kResponseErrorMessageAt), 2);
}

TEST(ProtocolSpec, AClientIdOfMoreThan256BytesIsAFramingError) {
  Golden frame = {0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x01};  // key, version, id, client id of 257
  frame.resize(frame.size() + 257, 'x');
  EXPECT_FALSE(decode_request_header(to_bytes(frame)));
  frame[8] = 0;  // 256: the limit itself is allowed
  frame.pop_back();
  EXPECT_TRUE(decode_request_header(to_bytes(frame)));
}

TEST(ProtocolSpec, AResponseFrameIsLengthCorrelationIdErrorMessageThenBody) {
  const Golden want = {
      10, 0, 0, 0,              // length: 10 bytes follow
      0x0d, 0x0c, 0x0b, 0x0a,   // correlation id 0x0a0b0c0d
      0, 0,                     // error code 0 (NONE)
      0, 0,                     // error message "" (empty when NONE)
      22, 0,                    // body: a Heartbeat response, error 22 (REBALANCE_IN_PROGRESS)
  };
  std::vector<std::byte> got;
  Encoder e(got);
  begin_response(e, 0x0a0b0c0d, ErrorCode::kNone, "");
  HeartbeatResponse{ErrorCode::kRebalanceInProgress}.encode(e, 0);
  e.end_frame();
  expect_same(got, want);

  auto bytes = to_bytes(want);
  auto decoded = decode_response(Bytes(bytes).subspan(4));
  ASSERT_TRUE(decoded) << decoded.error().to_string();
  EXPECT_EQ(decoded->correlation_id, 0x0a0b0c0du);
  EXPECT_EQ(decoded->error, ErrorCode::kNone);
  EXPECT_EQ(decoded->message, "");
  auto body = HeartbeatResponse::decode(decoded->body, 0);
  ASSERT_TRUE(body);
  EXPECT_EQ(body->error, ErrorCode::kRebalanceInProgress);
}

TEST(ProtocolSpec, ARequestLevelErrorResponseHasNoBody) {
  const Golden want = {
      10, 0, 0, 0,              // length: 10 bytes follow
      7, 0, 0, 0,               // correlation id 7
      5, 0,                     // error code 5 (UNSUPPORTED_VERSION)
      2, 0, 'v', '9',           // error message "v9"; no body follows
  };
  expect_same(error_response(7, ErrorCode::kUnsupportedVersion, "v9"), want);

  auto bytes = to_bytes(want);
  auto decoded = decode_response(Bytes(bytes).subspan(4));
  ASSERT_TRUE(decoded) << decoded.error().to_string();
  EXPECT_EQ(decoded->correlation_id, 7u);
  EXPECT_EQ(decoded->error, ErrorCode::kUnsupportedVersion);
  EXPECT_EQ(decoded->message, "v9");
  EXPECT_TRUE(decoded->body.empty());

  bytes.push_back(std::byte{0});  // a body behind an error breaks the frame rule
  EXPECT_FALSE(decode_response(Bytes(bytes).subspan(4)));
}

// --- ApiVersions (0) ----------------------------------------------------------------------------

TEST(ProtocolSpec, ApiVersionsBodies) {
  expect_spec_bytes(ApiVersionsRequest{}, {});  // the request is empty

  ApiVersionsResponse r;
  r.apis = {{4, 0, 0}, {5, 0, 3}};
  r.broker_version = "0.1";
  r.max_frame_bytes = 16u << 20;
  r.max_inflight_requests = 1024;
  expect_spec_bytes(r, {
      2, 0, 0, 0,               // apis: 2
      4, 0, 0, 0, 0, 0,         //   key 4 (Produce), min version 0, max version 0
      5, 0, 0, 0, 3, 0,         //   key 5 (Fetch), min version 0, max version 3
      3, 0, '0', '.', '1',      // broker version "0.1"
      0, 0, 0, 1,               // max frame bytes 16 MiB
      0, 4, 0, 0,               // max in-flight requests 1024
  }, [](const ApiVersionsResponse& back) {
    EXPECT_EQ(back.apis[1].max_version, 3);
    EXPECT_EQ(back.max_frame_bytes, 16u << 20);
  });
}

// --- Metadata (1) -------------------------------------------------------------------------------

TEST(ProtocolSpec, MetadataBodies) {
  expect_spec_bytes(MetadataRequest{std::vector<std::string>{"a", "bc"}}, {
      2, 0, 0, 0,               // topics: a nullable array of 2 (i32)
      1, 0, 'a',                //   "a"
      2, 0, 'b', 'c',           //   "bc"
  });
  expect_spec_bytes(MetadataRequest{}, {0xff, 0xff, 0xff, 0xff});  // null: every topic

  MetadataResponse r{1, "h", 9292, {}};
  r.topics.push_back({"t", ErrorCode::kNone, {-1, 1000, 4096, 60000, "never"}, {}});
  r.topics[0].partitions.push_back({2, ErrorCode::kPartitionOffline, "x", 1, 5, 10, 300});
  expect_spec_bytes(r, {
      1, 0, 0, 0,               // node id 1
      1, 0, 'h',                // host "h"
      0x4c, 0x24,               // port 9292
      1, 0, 0, 0,               // topics: 1
      1, 0, 't',                //   name "t"
      0, 0,                     //   error 0
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // settings: retention ms -1 (none)
      0xe8, 0x03, 0, 0, 0, 0, 0, 0,  //   retention bytes 1000
      0x00, 0x10, 0, 0, 0, 0, 0, 0,  //   segment bytes 4096
      0x60, 0xea, 0, 0, 0, 0, 0, 0,  //   segment ms 60000
      5, 0, 'n', 'e', 'v', 'e', 'r',  //  durability "never"
      1, 0, 0, 0,               //   partitions: 1
      2, 0, 0, 0,               //     partition 2
      16, 0,                    //     error 16 (PARTITION_OFFLINE)
      1, 0, 'x',                //     error message "x"
      1, 0, 0, 0,               //     leader 1
      5, 0, 0, 0, 0, 0, 0, 0,   //     log start offset 5
      10, 0, 0, 0, 0, 0, 0, 0,  //     high watermark 10
      0x2c, 0x01, 0, 0, 0, 0, 0, 0,  //  size bytes 300
  }, [](const MetadataResponse& back) {
    EXPECT_EQ(back.port, 9292);
    EXPECT_EQ(back.topics[0].settings.retention_ms, -1);
    EXPECT_EQ(back.topics[0].settings.segment_ms, 60000);
    EXPECT_EQ(back.topics[0].partitions[0].high_watermark, 10);
  });
}

// --- CreateTopics (2) and DeleteTopics (3) ------------------------------------------------------

TEST(ProtocolSpec, CreateTopicsAndDeleteTopicsBodies) {
  CreateTopicsRequest c;
  c.topics.push_back({"t", 3, {-1, -1, 1 << 20, -1, ""}});
  expect_spec_bytes(c, {
      1, 0, 0, 0,               // topics: 1
      1, 0, 't',                //   name "t"
      3, 0, 0, 0,               //   partitions 3
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // retention ms -1 (the broker's default)
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // retention bytes -1
      0, 0, 0x10, 0, 0, 0, 0, 0,                        // segment bytes 1 MiB
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // segment ms -1
      0, 0,                     //   durability "" (the broker's default)
  });

  CreateTopicsResponse cr{
      {{"t", ErrorCode::kNone, ""}, {"u", ErrorCode::kTopicAlreadyExists, "e"}}};
  expect_spec_bytes(cr, {
      2, 0, 0, 0,               // results: 2
      1, 0, 't', 0, 0, 0, 0,    //   name "t", error 0, message ""
      1, 0, 'u', 9, 0, 1, 0, 'e',  // name "u", error 9 (TOPIC_ALREADY_EXISTS), message "e"
  });

  expect_spec_bytes(DeleteTopicsRequest{{"t", "u"}}, {
      2, 0, 0, 0,               // names: 2
      1, 0, 't',
      1, 0, 'u',
  });
  expect_spec_bytes(DeleteTopicsResponse{{{"t", ErrorCode::kUnknownTopicOrPartition, ""}}}, {
      1, 0, 0, 0,               // results: 1
      1, 0, 't', 3, 0, 0, 0,    //   name "t", error 3 (UNKNOWN_TOPIC_OR_PARTITION), message ""
  });
}

// --- Produce (4) --------------------------------------------------------------------------------

TEST(ProtocolSpec, ProduceBodies) {
  // The records field is opaque to the body codec; three marker bytes stand in for batches.
  std::vector<std::byte> records = {std::byte{0xaa}, std::byte{0xbb}, std::byte{0xcc}};
  ProduceRequest p;
  p.acks = -1;
  p.timeout_ms = 1000;
  p.topics.push_back({"t", {{2, records}}});
  expect_spec_bytes(p, {
      0xff, 0xff,               // acks -1 (all)
      0xe8, 0x03, 0, 0,         // timeout ms 1000
      1, 0, 0, 0,               // topics: 1
      1, 0, 't',                //   name "t"
      1, 0, 0, 0,               //   partitions: 1
      2, 0, 0, 0,               //     partition 2
      3, 0, 0, 0, 0xaa, 0xbb, 0xcc,  // records: 3 bytes
  }, [](const ProduceRequest& back) {
    EXPECT_EQ(back.acks, -1);
    EXPECT_EQ(back.topics[0].partitions[0].records.size(), 3u);
  });
  auto body = encode_body(p);
  EXPECT_EQ(load_le<int16_t>(body.data() + ProduceRequest::kAcksAt), -1) << "acks opens the body";

  ProduceResponse r;
  r.topics.push_back(
      {"t", {{2, ErrorCode::kNone, 42, 0, ""}, {3, ErrorCode::kDiskFull, -1, 0, "f"}}});
  expect_spec_bytes(r, {
      1, 0, 0, 0,               // topics: 1
      1, 0, 't',                //   name "t"
      2, 0, 0, 0,               //   partitions: 2
      2, 0, 0, 0,               //     partition 2
      0, 0,                     //     error 0
      42, 0, 0, 0, 0, 0, 0, 0,  //     base offset 42
      0, 0, 0, 0, 0, 0, 0, 0,   //     log start offset 0
      0, 0,                     //     message ""
      3, 0, 0, 0,               //     partition 3
      13, 0,                    //     error 13 (DISK_FULL)
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // base offset -1 on error
      0, 0, 0, 0, 0, 0, 0, 0,   //     log start offset 0
      1, 0, 'f',                //     message "f"
  });
}

// --- Fetch (5) ----------------------------------------------------------------------------------

TEST(ProtocolSpec, FetchBodies) {
  FetchRequest f;
  f.max_wait_ms = 500;
  f.min_bytes = 1;
  f.max_bytes = 1 << 20;
  f.isolation_level = 0;
  f.topics.push_back({"t", {{2, 7, 1 << 16}}});
  expect_spec_bytes(f, {
      0xf4, 0x01, 0, 0,         // max wait ms 500
      1, 0, 0, 0,               // min bytes 1
      0, 0, 0x10, 0,            // max bytes 1 MiB
      0,                        // isolation level 0 (read uncommitted)
      1, 0, 0, 0,               // topics: 1
      1, 0, 't',                //   name "t"
      1, 0, 0, 0,               //   partitions: 1
      2, 0, 0, 0,               //     partition 2
      7, 0, 0, 0, 0, 0, 0, 0,   //     fetch offset 7
      0, 0, 1, 0,               //     max bytes 64 KiB
  });

  std::vector<std::byte> records = {std::byte{0xaa}, std::byte{0xbb}, std::byte{0xcc}};
  FetchResponse r;
  r.topics.push_back({"t", {{2, ErrorCode::kNone, 10, 4, records, 0, 0}}});
  expect_spec_bytes(r, {
      1, 0, 0, 0,               // topics: 1
      1, 0, 't',                //   name "t"
      1, 0, 0, 0,               //   partitions: 1
      2, 0, 0, 0,               //     partition 2
      0, 0,                     //     error 0
      10, 0, 0, 0, 0, 0, 0, 0,  //     high watermark 10
      4, 0, 0, 0, 0, 0, 0, 0,   //     log start offset 4
      3, 0, 0, 0, 0xaa, 0xbb, 0xcc,  // records: 3 bytes
  }, [](const FetchResponse& back) {
    EXPECT_EQ(back.topics[0].partitions[0].high_watermark, 10);
    EXPECT_EQ(back.topics[0].partitions[0].log_start_offset, 4);
  });
}

TEST(ProtocolSpec, AFetchIsolationLevelAboveOneIsMalformed) {
  FetchRequest f;
  f.isolation_level = 1;  // reserved, accepted
  auto bytes = encode_body(f);
  EXPECT_TRUE(decode_body<FetchRequest>(bytes));
  f.isolation_level = 2;
  bytes = encode_body(f);
  EXPECT_FALSE(decode_body<FetchRequest>(bytes));
}

TEST(ProtocolSpec, AFetchResponseV2CarriesTheLastStableOffsetAndTheAbortedTransactions) {
  std::vector<std::byte> records = {std::byte{0xaa}};
  FetchResponse r;
  r.topics.push_back({"t", {{2, ErrorCode::kNone, 10, 4, records, 0, 0, 6, {{9, 5}}}}});
  const Golden want = {
      1, 0, 0, 0,               // topics: 1
      1, 0, 't',                //   name "t"
      1, 0, 0, 0,               //   partitions: 1
      2, 0, 0, 0,               //     partition 2
      0, 0,                     //     error 0
      10, 0, 0, 0, 0, 0, 0, 0,  //     high watermark 10
      4, 0, 0, 0, 0, 0, 0, 0,   //     log start offset 4
      6, 0, 0, 0, 0, 0, 0, 0,   //     last stable offset 6 (v2 on)
      1, 0, 0, 0,               //     aborted transactions: 1 (v2 on)
      9, 0, 0, 0, 0, 0, 0, 0,   //       producer id 9
      5, 0, 0, 0, 0, 0, 0, 0,   //       first offset 5
      1, 0, 0, 0, 0xaa,         //     records: 1 byte
  };
  std::vector<std::byte> got;
  Encoder e(got);
  r.encode(e, 2);
  expect_same(got, want);
  auto bytes = to_bytes(want);
  auto back = FetchResponse::decode(bytes, 2);
  ASSERT_TRUE(back) << back.error().to_string();
  const auto& p = back->topics.at(0).partitions.at(0);
  EXPECT_EQ(p.last_stable_offset, 6);
  EXPECT_EQ(p.aborted_transactions, (std::vector<FetchAbortedTransaction>{{9, 5}}));
  EXPECT_EQ(p.records.size(), 1u);
  EXPECT_FALSE(FetchResponse::decode(bytes, 1)) << "a v1 reader finds bytes left over";
}

TEST(ProtocolSpec, AFetchRequestV1CarriesTheReplicaIdAfterTheIsolationLevel) {
  FetchRequest f;
  f.max_wait_ms = 100;
  f.min_bytes = 1;
  f.max_bytes = 1 << 20;
  f.replica_id = 2;
  f.topics.push_back({"t", {{0, 7, 1 << 16}}});
  const Golden want = {
      100, 0, 0, 0,             // max wait ms 100
      1, 0, 0, 0,               // min bytes 1
      0, 0, 0x10, 0,            // max bytes 1 MiB
      0,                        // isolation level 0
      2, 0, 0, 0,               // replica id 2 (v1 on)
      1, 0, 0, 0,               // topics: 1
      1, 0, 't',                //   name "t"
      1, 0, 0, 0,               //   partitions: 1
      0, 0, 0, 0,               //     partition 0
      7, 0, 0, 0, 0, 0, 0, 0,   //     fetch offset 7
      0, 0, 1, 0,               //     max bytes 64 KiB
  };
  std::vector<std::byte> got;
  Encoder e(got);
  f.encode(e, 1);
  expect_same(got, want);
  auto bytes = to_bytes(want);
  auto back = FetchRequest::decode(bytes, 1);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(back->replica_id, 2);
  // Version 0 has no replica id: a consumer's.
  auto v0 = FetchRequest::decode(encode_body(f), 0);
  ASSERT_TRUE(v0);
  EXPECT_EQ(v0->replica_id, -1);
  // Below -1 is malformed.
  store_le<int32_t>(bytes.data() + 13, -2);
  EXPECT_FALSE(FetchRequest::decode(bytes, 1));
}

// --- Promote (26) and OffsetForLeaderEpoch (27) ----------------------------------------------

TEST(ProtocolSpec, PromoteBodies) {
  expect_spec_bytes(PromoteRequest{}, {});
  PromoteResponse r;
  r.error = ErrorCode::kNone;
  r.message = "";
  r.partitions = 3;
  r.leader_epoch = 5;
  expect_spec_bytes(r, {
      0, 0,        // error 0
      0, 0,        // message ""
      3, 0, 0, 0,  // partitions 3
      5, 0, 0, 0,  // leader epoch 5
  });
}

TEST(ProtocolSpec, OffsetForLeaderEpochBodies) {
  OffsetForLeaderEpochRequest q;
  q.topics.push_back({"t", {{1, 4}}});
  expect_spec_bytes(q, {
      1, 0, 0, 0,  // topics: 1
      1, 0, 't',   //   name "t"
      1, 0, 0, 0,  //   partitions: 1
      1, 0, 0, 0,  //     partition 1
      4, 0, 0, 0,  //     leader epoch 4
  });
  OffsetForLeaderEpochResponse r;
  r.topics.push_back({"t", {{1, ErrorCode::kNone, 3, 42}}});
  expect_spec_bytes(r, {
      1, 0, 0, 0,                // topics: 1
      1, 0, 't',                 //   name "t"
      1, 0, 0, 0,                //   partitions: 1
      1, 0, 0, 0,                //     partition 1
      0, 0,                      //     error 0
      3, 0, 0, 0,                //     leader epoch 3
      42, 0, 0, 0, 0, 0, 0, 0,   //     end offset 42
  }, [](const OffsetForLeaderEpochResponse& back) {
    EXPECT_EQ(back.topics[0].partitions[0].end_offset, 42);
  });
}

// --- ListOffsets (6) ----------------------------------------------------------------------------

TEST(ProtocolSpec, ListOffsetsBodies) {
  ListOffsetsRequest l;
  l.topics.push_back({"t", {{0, kEarliestTimestamp}, {1, 1000}}});
  expect_spec_bytes(l, {
      1, 0, 0, 0,               // topics: 1
      1, 0, 't',                //   name "t"
      2, 0, 0, 0,               //   partitions: 2
      0, 0, 0, 0,               //     partition 0
      0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // timestamp -2 (earliest)
      1, 0, 0, 0,               //     partition 1
      0xe8, 0x03, 0, 0, 0, 0, 0, 0,  //  timestamp 1000
  });

  ListOffsetsResponse r;
  r.topics.push_back({"t", {{0, ErrorCode::kNone, 5}, {1, ErrorCode::kNone, -1}}});
  expect_spec_bytes(r, {
      1, 0, 0, 0,               // topics: 1
      1, 0, 't',                //   name "t"
      2, 0, 0, 0,               //   partitions: 2
      0, 0, 0, 0, 0, 0,         //     partition 0, error 0
      5, 0, 0, 0, 0, 0, 0, 0,   //     offset 5
      1, 0, 0, 0, 0, 0,         //     partition 1, error 0
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // offset -1: no record that recent
  });
}

TEST(ProtocolSpec, AListOffsetsTimestampBelowMinusTwoIsMalformed) {
  ListOffsetsRequest l;
  l.topics.push_back({"t", {{0, -3}}});
  auto bytes = encode_body(l);
  EXPECT_FALSE(decode_body<ListOffsetsRequest>(bytes));
  l.topics[0].partitions[0].timestamp = 0;
  bytes = encode_body(l);
  EXPECT_TRUE(decode_body<ListOffsetsRequest>(bytes));
}

// --- FindCoordinator (7) ------------------------------------------------------------------------

TEST(ProtocolSpec, FindCoordinatorBodies) {
  expect_spec_bytes(FindCoordinatorRequest{"g", 0}, {
      1, 0, 'g',                // key "g"
      0,                        // key type 0 (group)
  });
  expect_spec_bytes(FindCoordinatorResponse{ErrorCode::kNone, 1, "h", 9292}, {
      0, 0,                     // error 0
      1, 0, 0, 0,               // node id 1
      1, 0, 'h',                // host "h"
      0x4c, 0x24,               // port 9292
  });
}

// --- JoinGroup (8) ------------------------------------------------------------------------------

TEST(ProtocolSpec, JoinGroupBodies) {
  JoinGroupRequest j;
  j.group_id = "g";
  j.session_timeout_ms = 10000;
  j.rebalance_timeout_ms = 30000;
  j.member_id = "";
  j.strategy = "range";
  j.topics = {"t"};
  expect_spec_bytes(j, {
      1, 0, 'g',                // group id "g"
      0x10, 0x27, 0, 0,         // session timeout ms 10000
      0x30, 0x75, 0, 0,         // rebalance timeout ms 30000
      0, 0,                     // member id "" (the first time)
      5, 0, 'r', 'a', 'n', 'g', 'e',  // strategy "range"
      1, 0, 0, 0,               // topics: 1
      1, 0, 't',                //   "t"
  }, [](const JoinGroupRequest& back) {
    EXPECT_EQ(back.session_timeout_ms, 10000);
    EXPECT_EQ(back.rebalance_timeout_ms, 30000);
  });

  JoinGroupResponse r{ErrorCode::kNone, 1, "m", "l", "range", {{"m", "c"}}};
  expect_spec_bytes(r, {
      0, 0,                     // error 0
      1, 0, 0, 0,               // generation 1
      1, 0, 'm',                // member id "m"
      1, 0, 'l',                // leader "l"
      5, 0, 'r', 'a', 'n', 'g', 'e',  // strategy "range"
      1, 0, 0, 0,               // members: 1
      1, 0, 'm', 1, 0, 'c',     //   member id "m", client id "c"
  }, [](const JoinGroupResponse& back) {
    EXPECT_EQ(back.member_id, "m");
    EXPECT_EQ(back.leader, "l");
  });
}

// --- SyncGroup (9) ------------------------------------------------------------------------------

TEST(ProtocolSpec, SyncGroupBodies) {
  expect_spec_bytes(SyncGroupRequest{"g", 1, "m"}, {
      1, 0, 'g',                // group id "g"
      1, 0, 0, 0,               // generation 1
      1, 0, 'm',                // member id "m"
  });
  expect_spec_bytes(SyncGroupResponse{ErrorCode::kNone, {{"t", {0, 2}}}}, {
      0, 0,                     // error 0
      1, 0, 0, 0,               // assignment: 1
      1, 0, 't',                //   topic "t"
      2, 0, 0, 0,               //   partitions: 2
      0, 0, 0, 0,               //     0
      2, 0, 0, 0,               //     2
  });
}

// --- Heartbeat (10) and LeaveGroup (11) ---------------------------------------------------------

TEST(ProtocolSpec, HeartbeatAndLeaveGroupBodies) {
  expect_spec_bytes(HeartbeatRequest{"g", 1, "m"}, {
      1, 0, 'g',                // group id "g"
      1, 0, 0, 0,               // generation 1
      1, 0, 'm',                // member id "m"
  });
  expect_spec_bytes(HeartbeatResponse{ErrorCode::kIllegalGeneration}, {20, 0});  // error 20
  expect_spec_bytes(LeaveGroupRequest{"g", "m"}, {
      1, 0, 'g',                // group id "g"
      1, 0, 'm',                // member id "m"
  });
  expect_spec_bytes(LeaveGroupResponse{ErrorCode::kUnknownMemberId}, {21, 0});  // error 21
}

// --- OffsetCommit (12) --------------------------------------------------------------------------

TEST(ProtocolSpec, OffsetCommitBodies) {
  OffsetCommitRequest c;
  c.group_id = "g";
  c.generation = 1;
  c.member_id = "m";
  c.topics.push_back({"t", {{0, 42, "md"}}});
  expect_spec_bytes(c, {
      1, 0, 'g',                // group id "g"
      1, 0, 0, 0,               // generation 1
      1, 0, 'm',                // member id "m"
      1, 0, 0, 0,               // topics: 1
      1, 0, 't',                //   name "t"
      1, 0, 0, 0,               //   partitions: 1
      0, 0, 0, 0,               //     partition 0
      42, 0, 0, 0, 0, 0, 0, 0,  //     offset 42
      2, 0, 'm', 'd',           //     metadata "md"
  });

  OffsetCommitResponse r;
  r.topics.push_back({"t", {{0, ErrorCode::kNone}, {1, ErrorCode::kIllegalGeneration}}});
  expect_spec_bytes(r, {
      1, 0, 0, 0,               // topics: 1
      1, 0, 't',                //   name "t"
      2, 0, 0, 0,               //   partitions: 2
      0, 0, 0, 0, 0, 0,         //     partition 0, error 0
      1, 0, 0, 0, 20, 0,        //     partition 1, error 20 (ILLEGAL_GENERATION)
  });
}

// --- OffsetFetch (13) ---------------------------------------------------------------------------

TEST(ProtocolSpec, OffsetFetchBodies) {
  OffsetFetchRequest some{"g", std::vector<TopicPartitions>{{"t", {0, 1}}}};
  expect_spec_bytes(some, {
      1, 0, 'g',                // group id "g"
      1, 0, 0, 0,               // topics: a nullable array of 1 (i32)
      1, 0, 't',                //   topic "t"
      2, 0, 0, 0,               //   partitions: 2
      0, 0, 0, 0,               //     0
      1, 0, 0, 0,               //     1
  });
  expect_spec_bytes(OffsetFetchRequest{"g", std::nullopt}, {
      1, 0, 'g',                // group id "g"
      0xff, 0xff, 0xff, 0xff,   // topics: null (everything the group committed)
  }, [](const OffsetFetchRequest& back) { EXPECT_FALSE(back.topics.has_value()); });

  OffsetFetchResponse r;
  r.topics.push_back({"t", {{0, 42, "md", ErrorCode::kNone}, {1, -1, "", ErrorCode::kNone}}});
  expect_spec_bytes(r, {
      0, 0,                     // error 0
      1, 0, 0, 0,               // topics: 1
      1, 0, 't',                //   name "t"
      2, 0, 0, 0,               //   partitions: 2
      0, 0, 0, 0,               //     partition 0
      42, 0, 0, 0, 0, 0, 0, 0,  //     offset 42
      2, 0, 'm', 'd',           //     metadata "md"
      0, 0,                     //     error 0
      1, 0, 0, 0,               //     partition 1
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // offset -1: nothing committed
      0, 0,                     //     metadata ""
      0, 0,                     //     error 0
  });
}

// --- ListGroups (14) and DescribeGroups (15) ----------------------------------------------------

TEST(ProtocolSpec, ListGroupsAndDescribeGroupsBodies) {
  expect_spec_bytes(ListGroupsRequest{}, {});  // the request is empty
  expect_spec_bytes(ListGroupsResponse{{{"g", "Stable", 2}}}, {
      1, 0, 0, 0,               // groups: 1
      1, 0, 'g',                //   group id "g"
      6, 0, 'S', 't', 'a', 'b', 'l', 'e',  // state "Stable"
      2, 0, 0, 0,               //   members 2
  });

  expect_spec_bytes(DescribeGroupsRequest{{"g"}}, {
      1, 0, 0, 0,               // groups: 1
      1, 0, 'g',                //   "g"
  });
  DescribedGroup g{"g", ErrorCode::kNone, "Stable", "range", 3, {}};
  g.members.push_back({"m", "c", "h", {{"t", {0}}}});
  expect_spec_bytes(DescribeGroupsResponse{{g}}, {
      1, 0, 0, 0,               // groups: 1
      1, 0, 'g',                //   group id "g"
      0, 0,                     //   error 0
      6, 0, 'S', 't', 'a', 'b', 'l', 'e',  // state "Stable"
      5, 0, 'r', 'a', 'n', 'g', 'e',       // strategy "range"
      3, 0, 0, 0,               //   generation 3
      1, 0, 0, 0,               //   members: 1
      1, 0, 'm',                //     member id "m"
      1, 0, 'c',                //     client id "c"
      1, 0, 'h',                //     host "h"
      1, 0, 0, 0,               //     assignment: 1 (as in SyncGroup)
      1, 0, 't',                //       topic "t"
      1, 0, 0, 0,               //       partitions: 1
      0, 0, 0, 0,               //         0
  });
}

// --- InitProducerId (16) ------------------------------------------------------------------------

TEST(ProtocolSpec, InitProducerIdBodies) {
  expect_spec_bytes(InitProducerIdRequest{"", 60000}, {
      0, 0,                     // transactional id "" (no transactions)
      0x60, 0xea, 0, 0,         // transaction timeout ms 60000
  });
  expect_spec_bytes(InitProducerIdResponse{ErrorCode::kNone, 1000, 0}, {
      0, 0,                     // error 0
      0xe8, 0x03, 0, 0, 0, 0, 0, 0,  // producer id 1000
      0, 0,                     // producer epoch 0
  });
}

// clang-format on
}  // namespace
}  // namespace cairn::protocol
