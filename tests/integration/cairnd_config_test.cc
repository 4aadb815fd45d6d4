// cairnd's command line and config file: a mistake stops it with one line that names the key
// and exit code 2, instead of a broker running on defaults or without logs.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

// Runs cairnd with `args` on any free port and a data directory under `tmp`, as far as it gets
// within 20 s (a cairnd that starts is killed then).
RunResult run_cairnd(const TempDir& tmp, std::vector<std::string> args) {
  std::vector<std::string> argv = {cairnd_path(),   "--listen",    "127.0.0.1:0",
                                   "--http-listen", "127.0.0.1:0", "--kafka-listen",
                                   "127.0.0.1:0",   "--data-dir",  (tmp.path() / "data").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv, std::nullopt, std::chrono::seconds(20));
}

std::string config_file(const TempDir& tmp, const std::string& text) {
  auto path = tmp.path() / "cairn.toml";
  std::ofstream(path) << text;
  return path.string();
}

int lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

TEST(CairndConfig, AnUnknownKeyFailsNamingItAndSuggestingTheKnownOne) {
  TempDir tmp;
  auto r = run_cairnd(tmp, {"--config", config_file(tmp, "data_dir = \"/var/lib/cairn\"\n")});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("'data_dir'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("did you mean 'data-dir'"), std::string::npos) << r.err;

  auto far = run_cairnd(tmp, {"--config", config_file(tmp, "colour = \"blue\"\n")});
  EXPECT_EQ(far.exit_code, 2) << far.err;
  EXPECT_NE(far.err.find("'colour'"), std::string::npos) << far.err;
  EXPECT_EQ(far.err.find("did you mean"), std::string::npos) << far.err;
}

TEST(CairndConfig, ASectionFailsNamingIt) {
  TempDir tmp;
  auto r = run_cairnd(tmp, {"--config", config_file(tmp, "[broker]\nlisten = \"127.0.0.1:0\"\n")});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("[broker]"), std::string::npos) << r.err;
}

TEST(CairndConfig, AnUnknownLogLevelFails) {
  TempDir tmp;
  auto r = run_cairnd(tmp, {"--log-level", "verbose"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("--log-level"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("verbose"), std::string::npos) << r.err;

  auto in_file = run_cairnd(tmp, {"--config", config_file(tmp, "log-level = \"loud\"\n")});
  EXPECT_EQ(in_file.exit_code, 2) << in_file.err;
  EXPECT_NE(in_file.err.find("loud"), std::string::npos) << in_file.err;
}

TEST(CairndConfig, EveryCommandLineMistakeExitsTwoWithOneLine) {
  TempDir tmp;
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--no-such-flag"},                                    // unknown flag
           {"--partitions", "three"},                             // not a number
           {"--config", (tmp.path() / "missing.toml").string()},  // no file
           {"--config", config_file(tmp, "partitions = \"three\"\n")},
       }) {
    auto r = run_cairnd(tmp, args);
    EXPECT_EQ(r.exit_code, 2) << args.back() << ": " << r.err;
    EXPECT_EQ(lines(r.err), 1) << args.back() << ": " << r.err;
  }
  auto typo = run_cairnd(tmp, {"--fsycn", "never"});
  EXPECT_NE(typo.err.find("did you mean --fsync"), std::string::npos) << typo.err;
}

TEST(CairndConfig, AValidConfigFileIsApplied) {
  TempDir tmp;
  BrokerProcess broker(
      tmp.path() / "data",
      {"--config", config_file(tmp, "segment-bytes = 1048576\nfsync = \"interval:100\"\n")});
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "t"}).exit_code, 0);
  auto described = cli(broker.address(), {"topics", "describe", "t"}).out;
  EXPECT_NE(described.find("segment 1048576 bytes"), std::string::npos) << described;
  EXPECT_NE(described.find("interval:100"), std::string::npos) << described;
}

}  // namespace
}  // namespace cairn::testing
