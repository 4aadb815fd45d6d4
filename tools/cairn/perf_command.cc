// cairn perf: the subcommands and their flags; the runners live in tools/cairn/perf/.
#include <memory>

#include "tools/cairn/perf/perf.h"

namespace cairn::tools {

void add_perf_command(CLI::App& app, const GlobalOptions& global) {
  auto* perf = app.add_subcommand("perf", "Throughput and latency runs");
  perf->require_subcommand(1);

  auto po = std::make_shared<perf::PerfOptions>();
  auto* produce =
      perf->add_subcommand("produce", "Produce records as fast as possible, or at --rate");
  produce->add_option("topic", po->topic, "Topic (create it first: cairn topics create)")->required();
  produce->add_option("--count", po->count, "Records to produce")->capture_default_str();
  produce->add_option("--size", po->size, "Value bytes per record")->capture_default_str();
  produce->add_option("--rate", po->rate,
                      "Records/s in all, open loop (default: as fast as possible)");
  produce->add_option("--producers", po->producers, "Producers, each on its own connection")
      ->capture_default_str();
  produce->add_option("--acks", po->acks, "0, 1 or all")->capture_default_str();
  produce->add_option("--batch-bytes", po->batch_bytes, "Largest batch")->capture_default_str();
  produce->add_option("--linger-ms", po->linger_ms, "Linger (default 5, or 0 with --rate)");
  produce->add_option("--keys", po->keys,
                      "Distinct keys, hashed to partitions (default: unkeyed)");
  produce->add_flag("--json", po->json, "One JSON object with every figure");
  produce->add_option("--histogram", po->histogram_file,
                      "Write the latency distribution to FILE");
  produce->callback([po, &global] { perf::run_produce(*po, global); });

  auto co = std::make_shared<perf::PerfOptions>();
  auto* consume = perf->add_subcommand(
      "consume", "Consume records from the beginning as fast as possible");
  consume->add_option("topic", co->topic, "Topic")->required();
  consume->add_option("--count", co->count, "Records to consume")->capture_default_str();
  consume->add_option("--group", co->group,
                      "Consume as this group (default: no group, every partition)");
  consume->add_option("--consumers", co->consumers, "Consumers (with --group)")
      ->capture_default_str();
  consume->add_flag("--json", co->json, "One JSON object with every figure");
  consume->callback([co, &global] { perf::run_consume(*co, global); });

  auto eo = std::make_shared<perf::PerfOptions>();
  auto* e2e =
      perf->add_subcommand("e2e", "Produce at --rate and measure send-to-receive latency");
  e2e->add_option("topic", eo->topic, "Topic (create it first: cairn topics create)")->required();
  e2e->add_option("--rate", eo->rate, "Records/s")->required();
  e2e->add_option("--duration", eo->duration_s, "Seconds")->capture_default_str();
  e2e->add_option("--size", eo->size, "Value bytes per record (at least 8)")
      ->capture_default_str();
  e2e->add_flag("--json", eo->json, "One JSON object with every figure");
  e2e->add_option("--histogram", eo->histogram_file, "Write the latency distribution to FILE");
  e2e->callback([eo, &global] { perf::run_e2e(*eo, global); });
}

}  // namespace cairn::tools
