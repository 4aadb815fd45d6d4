// Storage edges against the real programs: producer ids cairnd never issued, the exit status of
// a stop that could not close every partition cleanly (a full disk), and `cairn log dump` of a
// live partition and of a path that does not exist.
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "client/src/connection.h"
#include "protocol/messages/init_producer_id.h"
#include "protocol/messages/produce.h"
#include "protocol/record_batch_builder.h"
#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

using protocol::ApiKey;
using protocol::ErrorCode;

protocol::ProducePartitionResult produce_one(client::Connection& conn, int64_t producer_id) {
  protocol::RecordBatchBuilder builder(
      {.producer_id = producer_id, .producer_epoch = 0, .base_sequence = 0});
  builder.append(system_now(), std::nullopt, protocol::as_bytes(std::string_view("v")));
  std::vector<std::byte> batch = builder.seal();
  protocol::ProduceRequest request;
  request.topics.push_back({"t", {{0, protocol::MutableBytes(batch)}}});
  auto reply = conn.call<protocol::ProduceRequest, protocol::ProduceResponse>(ApiKey::kProduce,
                                                                             request);
  EXPECT_TRUE(reply) << reply.error().to_string();
  if (!reply) return {};
  return reply->body.topics.at(0).partitions.at(0);
}

TEST(BrokerStorage, AProducerIdTheBrokerNeverIssuedIsRefused) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "t"}).exit_code, 0);
  auto conn = client::Connection::connect({.broker = broker.address()});
  ASSERT_TRUE(conn) << conn.error().to_string();

  auto forged = produce_one(**conn, 123'456'789);
  EXPECT_EQ(forged.error, ErrorCode::kInvalidRecord);
  EXPECT_NE(forged.message.find("not issued"), std::string::npos) << forged.message;

  auto init = (*conn)->call<protocol::InitProducerIdRequest, protocol::InitProducerIdResponse>(
      ApiKey::kInitProducerId, protocol::InitProducerIdRequest{});
  ASSERT_TRUE(init) << init.error().to_string();
  ASSERT_EQ(init->body.error, ErrorCode::kNone);
  auto issued = produce_one(**conn, init->body.producer_id);
  EXPECT_EQ(issued.error, ErrorCode::kNone) << issued.message;
  EXPECT_EQ(issued.base_offset, 0);
}

// A partition whose index file cannot be written at the final close: the path is a directory.
TEST(BrokerStorage, AStopThatCannotCloseAPartitionCleanlyExitsNonZero) {
  TempDir tmp;
  auto data = tmp.path() / "data";
  BrokerProcess broker(data);
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "t"}).exit_code, 0);
  auto input = tmp.path() / "in.txt";
  std::ofstream(input) << "one\ntwo\n";
  ASSERT_EQ(cli(broker.address(), {"produce", "t"}, input).exit_code, 0);
  std::filesystem::create_directory(data / "topics" / "t" / "0" / "00000000000000000000.index");

  auto code = broker.stop();
  ASSERT_TRUE(code);
  EXPECT_EQ(*code, 3) << broker.log();
  EXPECT_NE(broker.log().find("could not be flushed and closed cleanly"), std::string::npos)
      << broker.log();
}

// A small tmpfs as the data directory: mounting one needs root, so the test skips without it.
class FullDisk : public ::testing::Test {
 protected:
  void SetUp() override {
    mount_point = tmp.path() / "disk";
    std::filesystem::create_directory(mount_point);
    if (::mount("tmpfs", mount_point.c_str(), "tmpfs", 0, "size=4m") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs here (needs root): " << std::strerror(errno);
    }
    mounted = true;
  }
  void TearDown() override {
    broker.reset();
    if (mounted) ::umount2(mount_point.c_str(), MNT_DETACH);
  }
  TempDir tmp;
  std::filesystem::path mount_point;
  bool mounted = false;
  std::unique_ptr<BrokerProcess> broker;
};

TEST_F(FullDisk, AStopOnAFullDiskExitsNonZeroAndTheRestartServesTheData) {
  broker = std::make_unique<BrokerProcess>(mount_point / "data",
                                           std::vector<std::string>{"--offsets-partitions", "1"});
  ASSERT_EQ(cli(broker->address(), {"topics", "create", "t"}).exit_code, 0);
  auto conn = client::Connection::connect({.broker = broker->address()});
  ASSERT_TRUE(conn) << conn.error().to_string();
  std::string value(60'000, 'x');
  ErrorCode error = ErrorCode::kNone;
  int acknowledged = 0;
  for (int i = 0; i < 200 && error == ErrorCode::kNone; ++i) {
    protocol::RecordBatchBuilder builder;
    builder.append(system_now(), std::nullopt, protocol::as_bytes(value));
    std::vector<std::byte> batch = builder.seal();
    protocol::ProduceRequest request;
    request.topics.push_back({"t", {{0, protocol::MutableBytes(batch)}}});
    auto reply = (*conn)->call<protocol::ProduceRequest, protocol::ProduceResponse>(
        ApiKey::kProduce, request);
    ASSERT_TRUE(reply) << reply.error().to_string();
    error = reply->body.topics.at(0).partitions.at(0).error;
    if (error == ErrorCode::kNone) ++acknowledged;
  }
  ASSERT_EQ(error, ErrorCode::kDiskFull);
  ASSERT_GT(acknowledged, 0);
  conn->reset();
  // The failed append gave back what it had written; take every byte left.
  auto filler = mount_point / "filler";
  {
    std::ofstream out(filler, std::ios::binary);
    std::string block(4096, 'f');
    while (out.write(block.data(), static_cast<std::streamsize>(block.size()))) {
    }
  }

  auto code = broker->stop();
  ASSERT_TRUE(code);
  EXPECT_EQ(*code, 3) << broker->log();

  // Nothing acknowledged is lost, and the partition serves it again (no free space needed).
  broker->restart();
  auto described = cli(broker->address(), {"topics", "describe", "t"});
  ASSERT_EQ(described.exit_code, 0) << described.err;
  EXPECT_NE(described.out.find(" ok"), std::string::npos) << described.out;
  auto all = cli(broker->address(), {"consume", "t", "--count", std::to_string(acknowledged),
                                     "--timeout-ms", "10000", "--format", "{offset}"});
  EXPECT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(std::count(all.out.begin(), all.out.end(), '\n'), acknowledged);

  // Space comes back: appends work again without a restart.
  std::filesystem::remove(filler);
  auto more = tmp.path() / "more.txt";
  std::ofstream(more) << "after\n";
  EXPECT_EQ(cli(broker->address(), {"produce", "t"}, more).exit_code, 0);
}

TEST(LogDump, ALivePartitionHasNoProblemsAndAMissingPathExitsFour) {
  TempDir tmp;
  auto data = tmp.path() / "data";
  BrokerProcess broker(data);
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "t"}).exit_code, 0);
  auto input = tmp.path() / "in.txt";
  std::ofstream(input) << "one\ntwo\n";
  ASSERT_EQ(cli(broker.address(), {"produce", "t"}, input).exit_code, 0);

  // The broker is running: the active segment's index files are not written yet.
  auto partition = data / "topics" / "t" / "0";
  auto verify = run_program({cairn_path(), "log", "dump", partition.string(), "--verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_EQ(verify.out.find("index 0"), std::string::npos) << verify.out;
  EXPECT_NE(verify.out.find("0 corrupt, 0 index problems, 0 other problems"), std::string::npos)
      << verify.out;

  auto missing = run_program({cairn_path(), "log", "dump", (data / "topics" / "nope" / "0").string()});
  EXPECT_EQ(missing.exit_code, 4) << missing.err;
  EXPECT_NE(missing.err.find("no such file or directory"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace cairn::testing
