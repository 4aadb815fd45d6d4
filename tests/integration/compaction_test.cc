// Log compaction end to end against a real cairnd: the cleaner of each core compacts a
// `cleanup.policy=compact` topic while it serves (PROTOCOL.md, "TopicConfig"; storage/FORMAT.md,
// "Compaction"). 1,000 keys x 100 versions, then tombstones for 100 of them.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

constexpr int kKeys = 1000;
constexpr int kVersions = 100;
constexpr int kTombstoned = 100;  // keys 0..99 are deleted at the end

std::string key_of(int k) { return "key-" + std::to_string(k); }
std::string value_of(int version, int k) {
  return "v" + std::to_string(version) + "-" + std::to_string(k);
}

struct Record {
  int64_t offset = 0;
  std::string key;
  std::string value;
};

class Compaction : public ::testing::Test {
 protected:
  void start(std::vector<std::string> extra) {
    std::vector<std::string> args = {"--cleaner-check-ms", "50"};
    args.insert(args.end(), extra.begin(), extra.end());
    broker_ = std::make_unique<BrokerProcess>(tmp_.path() / "data", args);
    auto created =
        cli(broker_->address(),
            {"topics", "create", "state", "--segment-bytes", "65536", "--cleanup-policy", "compact",
             "--config", "min.cleanable.dirty.ratio=0.01", "--config", "delete.retention.ms=2000"});
    ASSERT_EQ(created.exit_code, 0) << created.err;
  }

  void produce(const std::vector<std::string>& lines) {
    auto input = tmp_.path() / "input.txt";
    {
      std::ofstream out(input);
      for (const auto& l : lines) out << l << "\n";
    }
    auto r = cli(broker_->address(), {"produce", "state", "-K", ":", "--null-empty"}, input);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // Every version of every key, then a tombstone for each of the first kTombstoned keys.
  void produce_history() {
    std::vector<std::string> lines;
    for (int v = 0; v < kVersions; ++v) {
      for (int k = 0; k < kKeys; ++k) lines.push_back(key_of(k) + ":" + value_of(v, k));
    }
    for (int k = 0; k < kTombstoned; ++k) lines.push_back(key_of(k) + ":");
    produce(lines);
  }

  // Records of another key, enough to roll past the segments before them (the active segment
  // is never compacted) and to make the log dirty again.
  void produce_filler() {
    std::vector<std::string> lines(3000, "~filler:" + std::string(20, 'x'));
    produce(lines);
  }

  std::vector<Record> read_all() {
    auto r = cli(broker_->address(), {"consume", "state", "-e", "-f", "{offset} {key} {value}"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<Record> out;
    std::istringstream in(r.out);
    std::string line;
    while (std::getline(in, line)) {
      Record rec;
      size_t a = line.find(' '), b = line.find(' ', a + 1);
      if (a == std::string::npos || b == std::string::npos) {
        ADD_FAILURE() << "unreadable line: " << line;
        continue;
      }
      rec.offset = std::stoll(line.substr(0, a));
      rec.key = line.substr(a + 1, b - a - 1);
      rec.value = line.substr(b + 1);
      out.push_back(std::move(rec));
    }
    return out;
  }

  // A read seen at any moment: offsets increase, and every value of a key is one produced for
  // that key (or a tombstone, empty).
  static void expect_consistent(const std::vector<Record>& records) {
    int64_t last = -1;
    for (const auto& r : records) {
      EXPECT_GT(r.offset, last);
      last = r.offset;
      if (!r.key.starts_with("key-") || r.value.empty()) continue;
      std::string suffix = "-" + r.key.substr(4);
      EXPECT_TRUE(r.value.starts_with("v") && r.value.ends_with(suffix))
          << r.key << " has value " << r.value;
    }
  }

  // The keyed records of the topic's own keys, in offset order, are exactly the latest value
  // of each live key, each once, and no tombstoned key.
  static bool fully_compacted(const std::vector<Record>& records) {
    std::map<std::string, std::string> seen;
    for (const auto& r : records) {
      if (!r.key.starts_with("key-")) continue;
      if (!seen.emplace(r.key, r.value).second) return false;
    }
    if (seen.size() != static_cast<size_t>(kKeys - kTombstoned)) return false;
    for (int k = kTombstoned; k < kKeys; ++k) {
      auto it = seen.find(key_of(k));
      if (it == seen.end() || it->second != value_of(kVersions - 1, k)) return false;
    }
    return true;
  }

  // Reads while the cleaner works, checking each read, until the log is fully compacted;
  // produces filler between reads so that the cleaner keeps finding dirty segments (and passes
  // once the tombstones are older than delete.retention.ms).
  void await_full_compaction() {
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(240);
    std::vector<Record> records = read_all();
    expect_consistent(records);
    while (!fully_compacted(records) && std::chrono::steady_clock::now() < end) {
      produce_filler();
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      records = read_all();
      expect_consistent(records);
    }
    EXPECT_TRUE(fully_compacted(records)) << broker_->log();
  }

  TempDir tmp_;
  std::unique_ptr<BrokerProcess> broker_;
};

TEST_F(Compaction, AFullReadEndsWithTheLatestValueOfEachLiveKeyAndNoTombstonedKey) {
  start({});
  produce_history();
  produce_filler();
  await_full_compaction();
  EXPECT_NE(broker_->log().find("compacted"), std::string::npos);

  // `cairn log dump` shows the gaps compaction left and how far the cleaner has got.
  ASSERT_EQ(broker_->stop(), 0) << broker_->log();
  auto dump = run_program(
      {cairn_path(), "log", "dump", (tmp_.path() / "data" / "topics" / "state" / "0").string()});
  ASSERT_EQ(dump.exit_code, 0) << dump.err;
  EXPECT_NE(dump.out.find(" compacted ("), std::string::npos) << dump.out;
  EXPECT_NE(dump.out.find("compaction: cleaned below offset "), std::string::npos) << dump.out;
}

TEST_F(Compaction, AKilledBrokerLosesNothingOfACompactionUnderWay) {
  // Slow enough that each pass over the ~4 MB log takes seconds, so the kills land in passes.
  start({"--cleaner-bytes-per-sec", "262144"});
  produce_history();
  produce_filler();
  for (int kill = 0; kill < 3; ++kill) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500 + 700 * kill));
    broker_->kill9();
    broker_->restart();
    // Every live key's last value is still its latest, whatever the cleaner had done.
    std::map<std::string, std::string> last;
    auto records = read_all();
    expect_consistent(records);
    for (const auto& r : records) last[r.key] = r.value;
    for (int k = kTombstoned; k < kKeys; ++k) {
      ASSERT_EQ(last[key_of(k)], value_of(kVersions - 1, k)) << "after kill " << kill;
    }
    for (int k = 0; k < kTombstoned; ++k) {
      auto it = last.find(key_of(k));
      EXPECT_TRUE(it == last.end() || it->second.empty()) << key_of(k) << " after kill " << kill;
    }
  }
  // Then at full speed, from the state the kills left.
  broker_->kill9();
  broker_ = std::make_unique<BrokerProcess>(tmp_.path() / "data",
                                            std::vector<std::string>{"--cleaner-check-ms", "50"});
  await_full_compaction();
}

}  // namespace
}  // namespace cairn::testing
