// Prints a realistic exposition: every metric of the catalogue with series for a few topics,
// partitions, groups, APIs and a follower, as a two-shard broker under load would export it.
// The promtool test lints it; the names and label values include what needs escaping.
// With --catalogue it prints the catalogue instead, one "name type" a line, for tests written in
// other languages (the Grafana dashboard's). With --serve it serves the exposition at /metrics
// on an ephemeral loopback port, prints "port N" and serves until its standard input closes (a
// real Prometheus scrapes it in the Prometheus test).
#include <cstdio>
#include <iostream>
#include <string>

#include "broker/http/server.h"
#include "broker/http/standard_routes.h"

#include "broker/metrics/catalogue.h"
#include "broker/metrics/registry.h"
#include "broker/metrics/text_format.h"

using namespace cairn::broker::metrics;

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--catalogue") {
    for (const Descriptor* d : catalogue::kAll) {
      std::printf("%s %s\n", std::string(d->name).c_str(), std::string(type_name(d->type)).c_str());
    }
    return 0;
  }
  Registry registry({.shard_count = 2});
  namespace c = catalogue;
  for (const char* topic : {"orders", "payments", "odd \"topic\" \\ name"}) {
    registry.counter(c::kRecordsIn, {topic}).inc(0, 12000);
    registry.counter(c::kRecordsIn, {topic}).inc(1, 3000);
    registry.counter(c::kBytesIn, {topic}).inc(0, 4'800'000);
    registry.counter(c::kRecordsOut, {topic}).inc(1, 14000);
    registry.counter(c::kBytesOut, {topic}).inc(1, 4'500'000);
    for (int p = 0; p < 3; ++p) {
      std::string partition = std::to_string(p);
      unsigned shard = static_cast<unsigned>(p % 2);
      registry.gauge(c::kLogStartOffset, {topic, partition}).set(shard, 0);
      registry.gauge(c::kLogEndOffset, {topic, partition}).set(shard, 5000);
      registry.gauge(c::kHighWatermark, {topic, partition}).set(shard, 5000);
      registry.gauge(c::kPartitionSize, {topic, partition}).set(shard, 1.6e6);
      registry.gauge(c::kPartitionSegments, {topic, partition}).set(shard, 2);
      registry.gauge(c::kPartitionOffline, {topic, partition}).set(shard, 0);
      registry.gauge(c::kGroupCommittedOffset, {"billing", topic, partition}).set(0, 4200);
      registry.gauge(c::kGroupLagSeconds, {"billing", topic, partition}).set(0, 1.25);
      registry.gauge(c::kReplicationLagRecords, {"127.0.0.1:9393", topic, partition}).set(0, 3);
    }
  }
  registry.set_collector(c::kGroupLagRecords, group_lag_collector());
  registry.gauge(c::kGroupMembers, {"billing"}).set(0, 2);
  registry.gauge(c::kReplicationLagSeconds, {"127.0.0.1:9393"}).set(0, 0.02);
  for (const char* api : {"produce", "fetch", "metadata"}) {
    registry.counter(c::kRequests, {api}).inc(0, 900);
    registry.counter(c::kRequestErrors, {api}).inc(1, 2);
    Histogram h = registry.histogram(c::kRequestDuration, {api});
    for (int i = 1; i <= 900; ++i) h.observe(static_cast<unsigned>(i % 2), 0.00001 * i);
  }
  Histogram durable = registry.histogram(c::kProduceDurableDuration);
  Histogram fsync = registry.histogram(c::kFsyncDuration);
  Histogram batch = registry.histogram(c::kGroupCommitBatch);
  for (int i = 1; i <= 500; ++i) {
    durable.observe(0, 0.0002 * i);
    fsync.observe(1, 0.0001 * i);
    batch.observe(0, i % 40);
  }
  for (const char* op : {"append", "fsync", "read"}) registry.counter(c::kStorageErrors, {op});
  registry.counter(c::kStorageErrors, {"fsync"}).inc(0);
  registry.gauge(c::kRecoveryDuration).set(0, 0.42);
  registry.gauge(c::kConnections).set(0, 7);
  registry.gauge(c::kConnections).set(1, 5);
  registry.counter(c::kConnectionsAccepted).inc(0, 30);
  registry.counter(c::kConnectionsRejected).inc(1, 1);
  registry.gauge(c::kRequestMemory).set(0, 65536);
  registry.gauge(c::kRequestMemoryBudget).set(0, 64 << 20);
  registry.gauge(c::kRequestMemoryBudget).set(1, 64 << 20);
  registry.gauge(c::kBuildInfo, {"0.1.0"}).set(0, 1);
  if (argc > 1 && std::string(argv[1]) == "--serve") {
    cairn::broker::http::Router router;
    cairn::broker::http::add_metrics_route(router, registry);
    cairn::broker::http::ServerOptions options;
    options.port = 0;
    cairn::broker::http::Server server(std::move(router), options);
    if (cairn::Status s = server.start(); !s.is_ok()) {
      std::fprintf(stderr, "%s\n", s.message().c_str());
      return 1;
    }
    std::printf("port %u\n", static_cast<unsigned>(server.port()));
    std::fflush(stdout);
    std::string line;
    while (std::getline(std::cin, line)) {
    }
    return 0;
  }
  std::string text = to_text(registry);
  std::fwrite(text.data(), 1, text.size(), stdout);
  int missing = 0;
  for (const Descriptor* d : c::kAll) {
    if (text.find("# TYPE " + std::string(d->name) + " ") == std::string::npos) {
      std::fprintf(stderr, "the sample leaves out %s\n", std::string(d->name).c_str());
      ++missing;
    }
  }
  return missing == 0 ? 0 : 1;
}
