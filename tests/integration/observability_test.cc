// cairnd's HTTP listener against the real program: /metrics after a known workload (records in
// equals records produced, lag is produced minus consumed), /healthz, /readyz with an offline
// partition, the listener turned off, promtool on the real exposition, and `cairn top --once`.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>

#include "tests/support/broker_process.h"
#include "tests/support/http_client.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

// The value of one sample of the exposition (`series` with its labels as cairnd writes them:
// `cairn_records_in_total{topic="r"}`), or nullopt when it is absent.
std::optional<double> sample(const std::string& exposition, const std::string& series) {
  std::istringstream in(exposition);
  for (std::string line; std::getline(in, line);) {
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
        line[series.size()] == ' ') {
      return std::stod(line.substr(series.size() + 1));
    }
  }
  return std::nullopt;
}

std::string scrape(const BrokerProcess& broker) {
  auto r = http_get(broker.http_port(), "/metrics");
  if (!r || r->status != 200) return "";
  return r->body;
}

void produce_lines(const BrokerProcess& broker, const TempDir& tmp, const std::string& topic,
                   int count) {
  auto input = tmp.path() / "in.txt";
  {
    std::ofstream out(input);
    for (int v = 0; v < count; ++v) out << "record-" << v << "\n";
  }
  auto r = cli(broker.address(), {"produce", topic}, input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

TEST(Observability, MetricsCountAKnownWorkloadAndLagIsProducedMinusConsumed) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  ASSERT_NE(broker.http_port(), 0);
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "r", "--partitions", "1"}).exit_code, 0);
  produce_lines(broker, tmp, "r", 100);
  auto consumed = cli(broker.address(), {"consume", "r", "--group", "g", "--count", "40"});
  ASSERT_EQ(consumed.exit_code, 0) << consumed.err;

  std::string text = scrape(broker);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(sample(text, R"(cairn_records_in_total{topic="r"})"), 100) << text;
  EXPECT_GT(sample(text, R"(cairn_produced_bytes_total{topic="r"})").value_or(0), 100 * 8);
  EXPECT_GE(sample(text, R"(cairn_records_out_total{topic="r"})").value_or(0), 40);
  EXPECT_EQ(sample(text, R"(cairn_partition_high_watermark{topic="r",partition="0"})"), 100);
  EXPECT_EQ(sample(text, R"(cairn_partition_log_start_offset{topic="r",partition="0"})"), 0);
  EXPECT_EQ(sample(text, R"(cairn_partition_segments{topic="r",partition="0"})"), 1);
  EXPECT_EQ(sample(text, R"(cairn_partition_offline{topic="r",partition="0"})"), 0);
  EXPECT_EQ(sample(text, R"(cairn_group_committed_offset{group="g",topic="r",partition="0"})"), 40);
  EXPECT_EQ(sample(text, R"(cairn_group_lag_records{group="g",topic="r",partition="0"})"), 60);
  EXPECT_GT(
      sample(text, R"(cairn_group_lag_seconds{group="g",topic="r",partition="0"})").value_or(0), 0);
  EXPECT_GE(sample(text, R"(cairn_requests_total{api="produce"})").value_or(0), 1);
  EXPECT_GE(sample(text, R"(cairn_request_duration_seconds_count{api="fetch"})").value_or(0), 1);
  EXPECT_GE(sample(text, "cairn_connections_accepted_total").value_or(0), 2);
  EXPECT_GE(sample(text, "cairn_fsync_duration_seconds_count").value_or(0), 1);
  EXPECT_GE(sample(text, "cairn_produce_durable_duration_seconds_count").value_or(0), 1);
  EXPECT_GE(sample(text, "cairn_group_commit_batch_appends_count").value_or(0), 1);
  EXPECT_GT(sample(text, "cairn_request_memory_budget_bytes").value_or(0), 0);
  EXPECT_TRUE(sample(text, "cairn_recovery_duration_seconds")) << text;
  EXPECT_NE(text.find("cairn_build_info{version="), std::string::npos);

  // Consuming the rest brings the lag to 0.
  ASSERT_EQ(cli(broker.address(), {"consume", "r", "--group", "g", "--count", "60"}).exit_code, 0);
  text = scrape(broker);
  EXPECT_EQ(sample(text, R"(cairn_group_lag_records{group="g",topic="r",partition="0"})"), 0);
  EXPECT_EQ(sample(text, R"(cairn_group_lag_seconds{group="g",topic="r",partition="0"})"), 0);
}

TEST(Observability, ARequestThatFailsCountsAsAnErrorOfItsApi) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  auto before = sample(scrape(broker), R"(cairn_request_errors_total{api="produce"})");
  EXPECT_EQ(before.value_or(0), 0);
  auto input = tmp.path() / "one.txt";
  std::ofstream(input) << "x\n";
  auto r = cli(broker.address(), {"produce", "no-such-topic"}, input);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_GE(sample(scrape(broker), R"(cairn_request_errors_total{api="metadata"})").value_or(0) +
                sample(scrape(broker), R"(cairn_request_errors_total{api="produce"})").value_or(0),
            1);
}

TEST(Observability, HealthzAnswersAndReadyzIsReadyOnceServing) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  auto health = http_get(broker.http_port(), "/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, "ok\n");
  auto ready = http_get(broker.http_port(), "/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
  EXPECT_EQ(ready->body, "ready\n");
}

TEST(Observability, ReadyzIsNotReadyWhileAPartitionIsOfflineAndSaysWhichAndWhy) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "r", "--partitions", "2"}).exit_code, 0);
  ASSERT_EQ(broker.stop(), 0);
  // Partition 1's directory replaced by a file: it cannot be opened at the next start.
  std::optional<std::filesystem::path> dir;
  for (const auto& e : std::filesystem::recursive_directory_iterator(tmp.path() / "data")) {
    if (e.is_directory() && e.path().filename() == "1" &&
        e.path().parent_path().filename() == "r") {
      dir = e.path();
    }
  }
  ASSERT_TRUE(dir);
  std::filesystem::remove_all(*dir);
  std::ofstream(*dir) << "not a directory";
  broker.restart();

  auto ready = http_get(broker.http_port(), "/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503);
  EXPECT_NE(ready->body.find("not ready: partitions offline: r-1: "), std::string::npos)
      << ready->body;
  auto text = scrape(broker);
  EXPECT_EQ(sample(text, R"(cairn_partition_offline{topic="r",partition="1"})"), 1) << text;
  EXPECT_EQ(sample(text, R"(cairn_partition_offline{topic="r",partition="0"})"), 0);
  EXPECT_EQ(http_get(broker.http_port(), "/healthz")->status, 200);
}

TEST(Observability, AnEmptyHttpListenTurnsTheListenerOff) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data", {"--http-listen", ""});
  EXPECT_EQ(broker.http_port(), 0);
  EXPECT_EQ(broker.log().find("http listener"), std::string::npos) << broker.log();
}

TEST(Observability, TheRealExpositionPassesPromtool) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "r"}).exit_code, 0);
  produce_lines(broker, tmp, "r", 10);
  ASSERT_EQ(cli(broker.address(), {"consume", "r", "--group", "g", "--count", "5"}).exit_code, 0);
  auto file = tmp.path() / "metrics.txt";
  std::ofstream(file) << scrape(broker);
  auto r = run_program({"/bin/sh", "-c", "promtool check metrics < " + file.string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST(Observability, CairnTopOnceShowsARealBrokersTopicsAndGroups) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "orders"}).exit_code, 0);
  produce_lines(broker, tmp, "orders", 50);
  ASSERT_EQ(
      cli(broker.address(), {"consume", "orders", "--group", "billing", "--count", "20"}).exit_code,
      0);
  auto r = run_program({cairn_path(), "top", "--once", "--interval", "0.2", "--http",
                        "127.0.0.1:" + std::to_string(broker.http_port())});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("orders"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("billing"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("30"), std::string::npos) << r.out;  // the group's lag
}

}  // namespace
}  // namespace cairn::testing
