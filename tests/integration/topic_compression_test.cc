// A topic's `compression` setting end to end against a real cairnd: the broker stores produced
// batches in the topic's codec whatever the producer sent (PROTOCOL.md, "Compression"), and a
// change of the setting applies to the next batch.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

// The codec of each batch `cairn log dump` lists, in order ("none" for a plain batch).
std::vector<std::string> stored_codecs(const std::string& dump) {
  std::vector<std::string> out;
  std::istringstream lines(dump);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("  batch offsets") != 0) continue;
    auto at = line.find(" codec ");
    if (at == std::string::npos) {
      out.emplace_back("none");
      continue;
    }
    std::istringstream fields(line.substr(at));
    std::string word, codec;
    fields >> word >> codec;
    out.push_back(codec);
  }
  return out;
}

class TopicCompression : public ::testing::Test {
 protected:
  void SetUp() override {
    broker_ = std::make_unique<BrokerProcess>(tmp_.path() / "data");
    auto created =
        cli(broker_->address(), {"topics", "create", "clicks", "--config", "compression=zstd"});
    ASSERT_EQ(created.exit_code, 0) << created.err;
  }

  // One produce run (one batch) of ten JSON lines, compressed by the producer with `codec`.
  void produce(int run, const std::string& codec) {
    auto input = tmp_.path() / "input.txt";
    {
      std::ofstream out(input);
      for (int i = 0; i < 10; ++i) {
        out << R"({"run":)" << run << R"(,"user":"u-)" << i << R"(","page":"/items/)" << i * 31
            << R"(","event":"click"})"
            << "\n";
        sent_.push_back(R"({"run":)" + std::to_string(run) + R"(,"user":"u-)" + std::to_string(i) +
                        R"(","page":"/items/)" + std::to_string(i * 31) + R"(","event":"click"})");
      }
    }
    auto r = cli(broker_->address(), {"produce", "clicks", "--compression", codec}, input);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  void alter(const std::string& setting) {
    auto r = cli(broker_->address(), {"topics", "alter", "clicks", "--set", setting});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  TempDir tmp_;
  std::unique_ptr<BrokerProcess> broker_;
  std::vector<std::string> sent_;
};

TEST_F(TopicCompression, BatchesAreStoredInTheTopicsCodecAndAnAlterTakesEffectLive) {
  produce(0, "none");  // recompressed to zstd
  produce(1, "lz4");   // recompressed to zstd
  alter("compression=producer");
  produce(2, "lz4");   // kept as sent
  produce(3, "none");  // kept as sent
  alter("compression=uncompressed");
  produce(4, "gzip");  // decompressed
  alter("compression=zstd");
  produce(5, "snappy");  // recompressed to zstd again
  produce(6, "zstd");    // already zstd

  auto consumed = cli(broker_->address(), {"consume", "clicks", "-e", "-f", "{value}"});
  ASSERT_EQ(consumed.exit_code, 0) << consumed.err;
  std::vector<std::string> values;
  std::istringstream in(consumed.out);
  for (std::string line; std::getline(in, line);) values.push_back(line);
  EXPECT_EQ(values, sent_);

  ASSERT_EQ(broker_->stop(), 0) << broker_->log();
  auto dump = run_program(
      {cairn_path(), "log", "dump", (tmp_.path() / "data" / "topics" / "clicks" / "0").string()});
  ASSERT_EQ(dump.exit_code, 0) << dump.err << dump.out;
  EXPECT_EQ(stored_codecs(dump.out),
            (std::vector<std::string>{"zstd", "zstd", "lz4", "none", "none", "zstd", "zstd"}))
      << dump.out;
}

}  // namespace
}  // namespace cairn::testing
