// cairn groups: moving a group to a time or by a shift, a dry run, total lag and --watch,
// deleting a group.
#include <gtest/gtest.h>

#include <csignal>
#include <ctime>
#include <fstream>
#include <thread>

#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string iso8601(int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char text[64];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  return std::string(text) + "." + std::to_string(1000 + ms % 1000).substr(1) + "Z";
}

void produce(const BrokerProcess& broker, const TempDir& tmp, int from, int to) {
  auto input = tmp.path() / "in.txt";
  {
    std::ofstream out(input);
    for (int v = from; v < to; ++v) out << v << "\n";
  }
  ASSERT_EQ(cli(broker.address(), {"produce", "r"}, input).exit_code, 0);
}

std::string committed(const BrokerProcess& broker) {
  auto d = cli(broker.address(), {"groups", "describe", "g"});
  std::istringstream in(d.out);
  for (std::string line; std::getline(in, line);) {
    std::istringstream row(line);
    std::string topic, partition, offset;
    if (row >> topic >> partition >> offset && topic == "r") return offset;
  }
  return "?";
}

TEST(CliGroups, ResetOffsetsToATimeByAShiftAndAsADryRun) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "r"}).exit_code, 0);
  produce(broker, tmp, 0, 10);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the clock moves past those records
  int64_t since = now_ms();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  produce(broker, tmp, 10, 15);

  auto at_time = cli(broker.address(), {"groups", "reset-offsets", "g", "--topic", "r", "--to",
                                        "@" + std::to_string(since)});
  ASSERT_EQ(at_time.exit_code, 0) << at_time.err;
  EXPECT_EQ(at_time.out, "set r-0 at 10\n");
  EXPECT_EQ(committed(broker), "10");

  EXPECT_EQ(
      cli(broker.address(), {"groups", "reset-offsets", "g", "--topic", "r", "--shift-by", "-3"})
          .out,
      "set r-0 at 7\n");
  auto past =
      cli(broker.address(), {"groups", "reset-offsets", "g", "--topic", "r", "--shift-by", "100"});
  EXPECT_EQ(past.out, "set r-0 at 15\n");
  EXPECT_NE(past.err.find("[0, 15]"), std::string::npos) << past.err;

  auto datetime = cli(broker.address(), {"groups", "reset-offsets", "g", "--topic", "r",
                                         "--to-datetime", iso8601(since)});
  EXPECT_EQ(datetime.out, "set r-0 at 10\n") << datetime.err;

  auto dry = cli(broker.address(),
                 {"groups", "reset-offsets", "g", "--topic", "r", "--to", "earliest", "--dry-run"});
  EXPECT_EQ(dry.out, "would set r-0 to 0\n") << dry.err;
  EXPECT_EQ(committed(broker), "10");

  EXPECT_EQ(cli(broker.address(), {"groups", "reset-offsets", "g", "--topic", "r"}).exit_code, 2);
  EXPECT_EQ(cli(broker.address(),
                {"groups", "reset-offsets", "g", "--topic", "r", "--to", "1", "--shift-by", "1"})
                .exit_code,
            2);
  EXPECT_EQ(
      cli(broker.address(), {"groups", "reset-offsets", "g", "--topic", "r", "--to", "@later"})
          .exit_code,
      2);
}

TEST(CliGroups, DescribeShowsTotalLagAndWatchRefreshesUntilInterrupted) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "r"}).exit_code, 0);
  produce(broker, tmp, 0, 12);
  ASSERT_EQ(cli(broker.address(), {"groups", "reset-offsets", "g", "--topic", "r", "--to", "5"})
                .exit_code,
            0);
  auto described = cli(broker.address(), {"group", "describe", "g"});
  EXPECT_NE(described.out.find("\ntotal lag 7\n"), std::string::npos) << described.out;

  auto out = tmp.path() / "watch.out";
  Child watch({cairn_path(), "-b", broker.address(), "groups", "describe", "g", "--watch",
               "--interval", "0.1"},
              tmp.path() / "watch.err", {}, out);
  auto refreshes = [&] {
    auto text = read_file(out);
    size_t n = 0;
    for (size_t at = text.find("total lag"); at != std::string::npos;
         at = text.find("total lag", at + 1))
      ++n;
    return n;
  };
  for (auto end = std::chrono::steady_clock::now() + std::chrono::seconds(60);
       refreshes() < 3 && std::chrono::steady_clock::now() < end;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_GE(refreshes(), 3u);
  watch.signal(SIGINT);
  auto rc = watch.wait(std::chrono::seconds(30));
  ASSERT_TRUE(rc);
  EXPECT_EQ(*rc, 0) << read_file(tmp.path() / "watch.err");
}

TEST(CliGroups, DeleteRefusesAGroupWithLiveMembersAndADeletedGroupStaysDeletedAfterARestart) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "r"}).exit_code, 0);
  produce(broker, tmp, 0, 5);
  ASSERT_EQ(cli(broker.address(), {"groups", "reset-offsets", "g", "--topic", "r", "--to", "2"})
                .exit_code,
            0);
  ASSERT_EQ(cli(broker.address(), {"groups", "reset-offsets", "other", "--topic", "r", "--to", "1"})
                .exit_code,
            0);

  Child member({cairn_path(), "-b", broker.address(), "consume", "r", "--group", "g"},
               tmp.path() / "member.err", {}, tmp.path() / "member.out");
  auto members = [&] { return cli(broker.address(), {"groups", "describe", "g"}).out; };
  for (auto end = std::chrono::steady_clock::now() + std::chrono::seconds(60);
       members().find(", 1 member\n") == std::string::npos &&
       std::chrono::steady_clock::now() < end;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_NE(members().find(", 1 member\n"), std::string::npos) << members();
  auto refused = cli(broker.address(), {"groups", "delete", "g"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.out, "");
  EXPECT_NE(refused.err.find("NON_EMPTY_GROUP"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find(
                "group 'g': NON_EMPTY_GROUP: it has 1 member; stop its consumers, then delete it"),
            std::string::npos)
      << refused.err;
  member.signal(SIGINT);
  ASSERT_TRUE(member.wait(std::chrono::seconds(30)));

  auto deleted = cli(broker.address(), {"groups", "delete", "g"});
  EXPECT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_EQ(deleted.out, "deleted group g\n");
  EXPECT_EQ(cli(broker.address(), {"groups", "list"}).out, "other\n");
  EXPECT_EQ(cli(broker.address(), {"groups", "describe", "g"}).exit_code, 4);
  EXPECT_EQ(cli(broker.address(), {"groups", "delete", "g"}).exit_code, 4);

  broker.restart();
  EXPECT_EQ(cli(broker.address(), {"groups", "list"}).out, "other\n");
  EXPECT_EQ(cli(broker.address(), {"groups", "describe", "g"}).exit_code, 4);
  EXPECT_EQ(committed(broker), "?");
}

}  // namespace
}  // namespace cairn::testing
