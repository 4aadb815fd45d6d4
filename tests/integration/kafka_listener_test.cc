// The Kafka listener against unmodified Kafka clients: kcat (librdkafka) produces, consumes and
// lists topics on a real cairnd, and records cross between the two protocols unchanged. Also
// what happens to clients that speak the wrong protocol to a port, and to malformed frames.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "client/src/connection.h"
#include "protocol/kafka/codec.h"
#include "protocol/kafka/header.h"
#include "protocol/kafka/messages/list_offsets.h"
#include "protocol/kafka/messages/produce.h"
#include "protocol/kafka/wire.h"
#include "protocol/messages/init_producer_id.h"
#include "protocol/messages/produce.h"
#include "protocol/messages/transactions.h"
#include "protocol/record_batch_builder.h"
#include "tests/support/broker_process.h"
#include "tests/support/kafka_call.h"
#include "tests/support/raw_socket.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

using namespace std::chrono_literals;

// kcat's path on PATH, or empty.
std::string kcat_path() {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path != nullptr ? path : "/usr/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    auto candidate = std::filesystem::path(dir) / "kcat";
    if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return "";
}

class KafkaListener : public ::testing::Test {
 protected:
  void SetUp() override {
    kcat_ = kcat_path();
    if (kcat_.empty()) GTEST_SKIP() << "kcat is not installed (tools/install-deps.sh installs it)";
    broker = std::make_unique<BrokerProcess>(tmp.path() / "data");
    ASSERT_NE(broker->kafka_port(), 0) << broker->log();
  }

  // Runs kcat against the Kafka listener with `stdin_lines` as its input.
  RunResult kcat(std::vector<std::string> args, const std::string& stdin_text = "") {
    std::vector<std::string> argv = {kcat_, "-b", broker->kafka_address()};
    argv.insert(argv.end(), args.begin(), args.end());
    auto input = tmp.path() / ("kcat-input-" + std::to_string(++runs));
    std::ofstream(input) << stdin_text;
    return run_program(argv, input, 60s);
  }

  RunResult cairn(std::vector<std::string> args, const std::string& stdin_text = "") {
    auto input = tmp.path() / ("cairn-input-" + std::to_string(++runs));
    std::ofstream(input) << stdin_text;
    return cli(broker->address(), std::move(args), input);
  }

  void create_topic(const std::string& name, int partitions) {
    auto r = cairn({"topics", "create", name, "--partitions", std::to_string(partitions)});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  TempDir tmp;
  std::string kcat_;
  std::unique_ptr<BrokerProcess> broker;
  int runs = 0;
};

constexpr const char* kFormat = "%p|%o|%k|%s|%T|%h\\n";

TEST_F(KafkaListener, KcatListsTheBrokerAtItsListenAddressAndEveryTopicWithItsPartitions) {
  create_topic("orders", 3);
  auto r = kcat({"-L"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("broker 0 at 127.0.0.1:" + std::to_string(broker->kafka_port())),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("topic \"orders\" with 3 partitions"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("__consumer_offsets"), std::string::npos) << r.out;
}

TEST_F(KafkaListener, MetadataGivesOutTheAdvertisedAddress) {
  BrokerProcess other(tmp.path() / "other", {"--kafka-advertised", "kafka.example:19092"});
  auto r = run_program({kcat_, "-b", other.kafka_address(), "-L"}, std::nullopt, 60s);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("broker 0 at kafka.example:19092"), std::string::npos) << r.out;
}

TEST_F(KafkaListener, RecordsProducedByKcatAreReadByCairnConsumeWithKeysValuesHeadersAndTimes) {
  create_topic("t", 1);
  auto p = kcat({"-P", "-t", "t", "-K", ":", "-H", "h1=x", "-H", "h2=y"}, "k1:v1\nk2:v2\n:v3\n");
  ASSERT_EQ(p.exit_code, 0) << p.err;
  auto via_kafka = kcat({"-C", "-t", "t", "-e", "-q", "-f", kFormat});
  ASSERT_EQ(via_kafka.exit_code, 0) << via_kafka.err;
  auto via_cairn = cairn({"consume", "t", "-o", "beginning", "-e", "-f", kFormat});
  ASSERT_EQ(via_cairn.exit_code, 0) << via_cairn.err;
  EXPECT_EQ(via_cairn.out, via_kafka.out);
  std::istringstream lines(via_cairn.out);
  std::string line;
  std::vector<std::string> got;
  while (std::getline(lines, line)) got.push_back(line);
  ASSERT_EQ(got.size(), 3u) << via_cairn.out;
  EXPECT_EQ(got[0].substr(0, 10), "0|0|k1|v1|");
  EXPECT_NE(got[0].find("|h1=x,h2=y"), std::string::npos) << got[0];
  EXPECT_EQ(got[2].substr(0, 8), "0|2||v3|");
}

TEST_F(KafkaListener, RecordsProducedByCairnAreReadByKcatUnchanged) {
  create_topic("t", 1);
  auto p = cairn({"produce", "t", "-K", ":", "-H", "trace=abc"}, "a:1\nb:2\nc:3\n");
  ASSERT_EQ(p.exit_code, 0) << p.err;
  auto via_cairn = cairn({"consume", "t", "-o", "beginning", "-e", "-f", kFormat});
  ASSERT_EQ(via_cairn.exit_code, 0) << via_cairn.err;
  auto via_kafka = kcat({"-C", "-t", "t", "-e", "-q", "-f", kFormat});
  ASSERT_EQ(via_kafka.exit_code, 0) << via_kafka.err;
  EXPECT_EQ(via_kafka.out, via_cairn.out);
  EXPECT_NE(via_kafka.out.find("0|1|b|2|"), std::string::npos) << via_kafka.out;
  EXPECT_NE(via_kafka.out.find("|trace=abc\n"), std::string::npos) << via_kafka.out;
}

TEST_F(KafkaListener, KcatConsumesFromAnOffsetAndFromTheEnd) {
  create_topic("t", 1);
  std::string input;
  for (int i = 0; i < 10; ++i) input += "v" + std::to_string(i) + "\n";
  ASSERT_EQ(kcat({"-P", "-t", "t"}, input).exit_code, 0);
  auto r = kcat({"-C", "-t", "t", "-o", "4", "-c", "3", "-e", "-q", "-f", "%o %s\\n"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "4 v4\n5 v5\n6 v6\n");
  auto last = kcat({"-C", "-t", "t", "-o", "-2", "-e", "-q", "-f", "%o %s\\n"});
  ASSERT_EQ(last.exit_code, 0) << last.err;
  EXPECT_EQ(last.out, "8 v8\n9 v9\n");
}

TEST_F(KafkaListener, AnIdempotentProducerWithEachCodecIsStoredAndReadBackByBothProtocols) {
  for (std::string codec : {"none", "gzip", "snappy", "lz4", "zstd"}) {
    SCOPED_TRACE(codec);
    std::string topic = "codec-" + codec;
    create_topic(topic, 2);
    std::string input;
    for (int i = 0; i < 200; ++i) input += codec + "-record-" + std::to_string(i) + "\n";
    auto p = kcat({"-P", "-t", topic, "-z", codec, "-X", "enable.idempotence=true"}, input);
    ASSERT_EQ(p.exit_code, 0) << p.err;
    auto via_kafka = kcat({"-C", "-t", topic, "-e", "-q", "-f", "%s\\n"});
    ASSERT_EQ(via_kafka.exit_code, 0) << via_kafka.err;
    auto via_cairn = cairn({"consume", topic, "-o", "beginning", "-e", "-f", "{value}"});
    ASSERT_EQ(via_cairn.exit_code, 0) << via_cairn.err;
    auto sorted_lines = [](const std::string& text) {
      std::vector<std::string> lines;
      std::istringstream in(text);
      for (std::string l; std::getline(in, l);) lines.push_back(l);
      std::sort(lines.begin(), lines.end());
      return lines;
    };
    auto expected = sorted_lines(input);
    EXPECT_EQ(sorted_lines(via_kafka.out), expected);
    EXPECT_EQ(sorted_lines(via_cairn.out), expected);
  }
}

TEST_F(KafkaListener, BatchesFromAKafkaProducerAreStoredInTheTopicsCodec) {
  auto created = cairn({"topics", "create", "zipped", "--config", "compression=zstd"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  std::string input;
  for (int i = 0; i < 300; ++i) input += R"({"event":"click","n":)" + std::to_string(i) + "}\n";
  auto p = kcat({"-P", "-t", "zipped", "-z", "lz4", "-X", "enable.idempotence=true"}, input);
  ASSERT_EQ(p.exit_code, 0) << p.err;
  auto via_kafka = kcat({"-C", "-t", "zipped", "-e", "-q", "-f", "%s\\n"});
  ASSERT_EQ(via_kafka.exit_code, 0) << via_kafka.err;
  EXPECT_EQ(via_kafka.out, input);

  ASSERT_EQ(broker->stop(), 0) << broker->log();
  auto dump = run_program(
      {cairn_path(), "log", "dump", (tmp.path() / "data" / "topics" / "zipped" / "0").string()});
  ASSERT_EQ(dump.exit_code, 0) << dump.err << dump.out;
  int batches = 0, zstd = 0;
  std::istringstream lines(dump.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("  batch offsets") != 0) continue;
    ++batches;
    if (line.find(" codec zstd ") != std::string::npos) ++zstd;
  }
  EXPECT_GT(batches, 0) << dump.out;
  EXPECT_EQ(zstd, batches) << dump.out;
}

TEST_F(KafkaListener, AKcatGroupConsumerReadsEveryPartitionAndItsCommitsShowInCairnGroupsDescribe) {
  create_topic("t", 2);
  std::string input;
  for (int i = 0; i < 10; ++i) input += "v" + std::to_string(i) + "\n";
  ASSERT_EQ(kcat({"-P", "-t", "t"}, input).exit_code, 0);
  auto r = kcat({"-G", "billing", "-o", "beginning", "-e", "-q", "-f", "%s\n", "t"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> got;
  std::istringstream in(r.out);
  for (std::string l; std::getline(in, l);) got.push_back(l);
  std::sort(got.begin(), got.end());
  std::vector<std::string> expected;
  expected.reserve(10);
  for (int i = 0; i < 10; ++i) expected.push_back("v" + std::to_string(i));
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(got, expected);
  // The committed offsets (kcat commits as it leaves) are each partition's end.
  auto describe = cairn({"groups", "describe", "billing"});
  ASSERT_EQ(describe.exit_code, 0) << describe.err;
  int64_t committed_total = 0;
  std::istringstream lines(describe.out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream cols(line);
    std::string topic, committed;
    int partition = -1;
    // "-": nothing committed (a partition the producer sent nothing to).
    if (cols >> topic >> partition >> committed && topic == "t" && committed != "-") {
      committed_total += std::stoll(committed);
    }
  }
  EXPECT_EQ(committed_total, 10) << describe.out;
}

TEST_F(KafkaListener, AKafkaClientAtTheCairnPortFailsAndTheBrokerServesOn) {
  auto r = run_program({kcat_, "-b", broker->address(), "-L", "-m", "3"}, std::nullopt, 60s);
  EXPECT_NE(r.exit_code, 0) << r.out;
  auto ok = cairn({"topics", "list"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(kcat({"-L"}).exit_code, 0);
}

TEST_F(KafkaListener, ACairnClientAtTheKafkaPortFailsAndTheBrokerServesOn) {
  auto r = cli(broker->kafka_address(), {"topics", "list"});
  EXPECT_NE(r.exit_code, 0) << r.out;
  EXPECT_FALSE(r.err.empty());
  EXPECT_EQ(kcat({"-L"}).exit_code, 0);
  EXPECT_EQ(cairn({"topics", "list"}).exit_code, 0);
}

// A Kafka request frame: big-endian size, header v1 (key, version, correlation id, client id).
std::vector<std::byte> kafka_frame(int16_t key, int16_t version, std::vector<std::byte> body = {}) {
  std::vector<std::byte> f(4 + 10);
  protocol::kafka::store_be<int16_t>(f.data() + 4, key);
  protocol::kafka::store_be<int16_t>(f.data() + 6, version);
  protocol::kafka::store_be<int32_t>(f.data() + 8, 7);
  protocol::kafka::store_be<int16_t>(f.data() + 12, -1);  // null client id
  f.insert(f.end(), body.begin(), body.end());
  protocol::kafka::store_be<uint32_t>(f.data(), static_cast<uint32_t>(f.size() - 4));
  return f;
}

TEST_F(KafkaListener,
       AConnectionMovesToTheCoreOfItsPartitionAndAnswersItsPipelinedProducesInOrder) {
  // Two cores: connections are dealt to them in turn, so of two consecutive connections that
  // produce to the same partition one starts on the core that does not own it and moves (once,
  // before its first Produce) with the requests it has already sent behind that one.
  namespace pk = protocol::kafka;
  BrokerProcess two(tmp.path() / "two", {"--threads", "2", "--log-level", "debug"});
  for (int t = 0; t < 4; ++t) {
    ASSERT_EQ(cli(two.address(), {"topics", "create", "p" + std::to_string(t)}).exit_code, 0);
  }
  std::map<std::string, int64_t> next_offset;
  for (int i = 0; i < 8; ++i) {
    std::string topic = "p" + std::to_string(i / 2);
    std::vector<std::byte> pipelined;
    std::vector<std::vector<std::byte>> batches;
    for (int32_t id = 1; id <= 3; ++id) {
      batches.push_back(
          as_kafka_batch(make_batch({.records = 2, .seed = static_cast<uint64_t>(i * 10 + id)})));
      pk::ProduceRequest req;
      req.acks = -1;
      req.timeout_ms = 10000;
      auto& data = req.topic_data.emplace_back();
      data.name = topic;
      data.partition_data.push_back({0, pk::Records::view(batches.back())});
      pk::Writer w(pipelined);
      ASSERT_TRUE(pk::encode_request_frame(
                      req, {static_cast<int16_t>(pk::ApiKey::kProduce), 9, id, "test"}, w)
                      .is_ok());
    }
    RawSocket s(two.kafka_port());
    ASSERT_TRUE(s.send(pipelined));  // all three in one write
    for (int32_t id = 1; id <= 3; ++id) {
      std::vector<std::byte> size(4);
      ASSERT_TRUE(s.read(size)) << "connection " << i << " request " << id << "; broker log:\n"
                                << two.log();
      std::vector<std::byte> body(pk::load_be<uint32_t>(size.data()));
      ASSERT_TRUE(s.read(body));
      auto head = pk::decode_response_header(
          body, pk::response_header_version(pk::ProduceResponse::kApi, 9));
      ASSERT_TRUE(head);
      ASSERT_EQ(head->correlation_id, id);
      auto r = pk::decode<pk::ProduceResponse>(protocol::Bytes(body).subspan(head->body_offset), 9);
      ASSERT_TRUE(r) << r.error().to_string();
      const auto& result = r->responses.at(0).partition_responses.at(0);
      ASSERT_EQ(result.error_code, 0);
      EXPECT_EQ(result.base_offset, next_offset[topic]) << topic << ", connection " << i;
      next_offset[topic] = result.base_offset + 2;
    }
  }
  // Each topic's partition is owned by one core: one connection of each pair moved to it.
  EXPECT_EQ(two.log_count("moving the connection"), 4u) << two.log();
  for (int t = 0; t < 4; ++t) {
    auto r = cli(two.address(),
                 {"consume", "p" + std::to_string(t), "--offset", "beginning", "--count", "12"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 12) << r.out;
  }
}

TEST_F(KafkaListener, AnUnknownApiKeyClosesTheConnection) {
  RawSocket s(broker->kafka_port());
  ASSERT_TRUE(s.send(kafka_frame(999, 0)));
  EXPECT_TRUE(s.closed_within(10s));
  EXPECT_EQ(kcat({"-L"}).exit_code, 0);
}

TEST_F(KafkaListener, AnUnservedVersionClosesTheConnection) {
  RawSocket s(broker->kafka_port());
  ASSERT_TRUE(s.send(kafka_frame(1, 3)));  // Fetch v3 (message format v1)
  EXPECT_TRUE(s.closed_within(10s));
}

TEST_F(KafkaListener, AFrameOverTheLimitClosesTheConnection) {
  RawSocket s(broker->kafka_port());
  std::vector<std::byte> prefix(4);
  protocol::kafka::store_be<uint32_t>(prefix.data(), 0x7fffffff);
  ASSERT_TRUE(s.send(prefix));
  EXPECT_TRUE(s.closed_within(10s));
  EXPECT_EQ(kcat({"-L"}).exit_code, 0);
}

TEST_F(KafkaListener, ApiVersionsPastTheHighestIsAnsweredAtVersionZeroWithUnsupportedVersion) {
  RawSocket s(broker->kafka_port());
  // Request header v2 (a flexible version): an empty tagged-field section after the client id.
  ASSERT_TRUE(s.send(kafka_frame(18, 99, {std::byte{0}})));
  std::vector<std::byte> size(4);
  ASSERT_TRUE(s.read(size));
  std::vector<std::byte> body(protocol::kafka::load_be<uint32_t>(size.data()));
  ASSERT_GE(body.size(), 10u);
  ASSERT_TRUE(s.read(body));
  EXPECT_EQ(protocol::kafka::load_be<int32_t>(body.data()), 7);       // correlation id
  EXPECT_EQ(protocol::kafka::load_be<int16_t>(body.data() + 4), 35);  // UNSUPPORTED_VERSION
  EXPECT_GT(protocol::kafka::load_be<int32_t>(body.data() + 6), 0);   // the API list
}

TEST_F(KafkaListener, OffsetForLeaderEpochSaysWhereEachEpochEnds) {
  create_topic("epochs", 1);
  ASSERT_EQ(cairn({"produce", "epochs"}, "a\nb\nc\n").exit_code, 0);
  protocol::kafka::OffsetForLeaderEpochRequest req;
  req.topics.push_back({"epochs", {{0, -1, 0}, {0, -1, 5}}});
  req.topics.push_back({"nope", {{0, -1, 0}}});
  for (int16_t version : {2, 3, 4}) {
    auto r = kafka_call<protocol::kafka::OffsetForLeaderEpochResponse>(broker->kafka_port(), req,
                                                                       version);
    ASSERT_EQ(r.topics.size(), 2u) << version;
    const auto& known = r.topics[0].partitions;
    ASSERT_EQ(known.size(), 2u);
    // The only epoch, 0, ends at the log end; an epoch this broker never had is undefined (-1),
    // as Kafka answers.
    EXPECT_EQ(known[0].error_code, 0);
    EXPECT_EQ(known[0].leader_epoch, 0);
    EXPECT_EQ(known[0].end_offset, 3);
    EXPECT_EQ(known[1].leader_epoch, -1);
    EXPECT_EQ(known[1].end_offset, -1);
    EXPECT_EQ(r.topics[1].partitions.at(0).error_code, 3);  // UNKNOWN_TOPIC_OR_PARTITION
  }
}

// A transaction of `id` over the Cairn protocol: `values` into t/0, then commit or abort.
void cairn_transaction(client::Connection& conn, const std::string& id,
                       const std::vector<std::string>& values, protocol::TxnResult result) {
  using protocol::ApiKey;
  auto init = conn.call<protocol::InitProducerIdRequest, protocol::InitProducerIdResponse>(
      ApiKey::kInitProducerId, protocol::InitProducerIdRequest{id, 60000});
  ASSERT_TRUE(init) << init.error().to_string();
  protocol::TxnProducer p{id, init->body.producer_id, init->body.producer_epoch};
  auto added = conn.call<protocol::AddPartitionsToTxnRequest, protocol::AddPartitionsToTxnResponse>(
      ApiKey::kAddPartitionsToTxn, protocol::AddPartitionsToTxnRequest{p, {{"t", {0}}}});
  ASSERT_TRUE(added) << added.error().to_string();
  protocol::RecordBatchBuilder builder({.producer_id = p.producer_id,
                                        .producer_epoch = p.producer_epoch,
                                        .base_sequence = 0,
                                        .transactional = true});
  for (const auto& v : values) {
    builder.append(timestamp_from_millis(1), std::nullopt, protocol::as_bytes(v));
  }
  auto batch = builder.seal();
  protocol::ProduceRequest req;
  req.topics.push_back({"t", {{0, batch}}});
  auto produced =
      conn.call<protocol::ProduceRequest, protocol::ProduceResponse>(ApiKey::kProduce, req);
  ASSERT_TRUE(produced) << produced.error().to_string();
  ASSERT_EQ(produced->body.topics.at(0).partitions.at(0).error, protocol::ErrorCode::kNone);
  auto ended = conn.call<protocol::EndTxnRequest, protocol::EndTxnResponse>(
      ApiKey::kEndTxn, protocol::EndTxnRequest{p, result});
  ASSERT_TRUE(ended) << ended.error().to_string();
  ASSERT_EQ(ended->body.error, protocol::ErrorCode::kNone);
}

TEST_F(KafkaListener, KcatReadCommittedSkipsAbortedTransactionsAndMarkers) {
  create_topic("t", 1);
  ASSERT_EQ(cairn({"produce", "t"}, "plain\n").exit_code, 0);  // 0
  auto conn = client::Connection::connect({.broker = broker->address()});
  ASSERT_TRUE(conn) << conn.error().to_string();
  cairn_transaction(**conn, "a", {"aborted-1", "aborted-2"}, protocol::TxnResult::kAbort);  // 1-3
  cairn_transaction(**conn, "c", {"committed"}, protocol::TxnResult::kCommit);              // 4-5
  auto committed = kcat({"-C", "-t", "t", "-o", "beginning", "-e", "-X",
                         "isolation.level=read_committed", "-f", "%o %s\n"});
  ASSERT_EQ(committed.exit_code, 0) << committed.err;
  EXPECT_EQ(committed.out, "0 plain\n4 committed\n");
  auto all = kcat({"-C", "-t", "t", "-o", "beginning", "-e", "-X",
                   "isolation.level=read_uncommitted", "-f", "%o %s\n"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(all.out, "0 plain\n1 aborted-1\n2 aborted-2\n4 committed\n");
}

}  // namespace
}  // namespace cairn::testing
