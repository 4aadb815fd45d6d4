// At-least-once: process a batch of records, then commit it. A crash between the two means the
// batch is processed again after a restart: no record is lost, some may be processed twice.
// Usage: at_least_once_consumer BROKER TOPIC GROUP OUTPUT_FILE [SESSION_TIMEOUT_MS] [IDLE_EXIT_MS]
// It stops after IDLE_EXIT_MS without records, or on SIGTERM or SIGINT, and then closes the
// consumer (leaving the group).
#include "consume_common.h"

int main(int argc, char** argv) {
  ExampleArgs args;
  if (!parse_args(argc, argv, args)) return 2;
  install_stop_handler();
  auto consumer = cairn::client::Consumer::create(args.config);
  if (!consumer || !(*consumer)->subscribe({args.topic}).is_ok()) {
    std::fprintf(stderr, "cannot start consumer\n");
    return 1;
  }
  auto last = std::chrono::steady_clock::now();
  while (stop_requested == 0) {
    auto records = (*consumer)->poll(std::chrono::milliseconds(200));
    if (!records) {
      std::fprintf(stderr, "poll: %s\n", records.error().to_string().c_str());
      return 1;
    }
    if (records->empty()) {
      auto idle = std::chrono::steady_clock::now() - last;
      if (args.idle_exit_ms > 0 && idle > std::chrono::milliseconds(args.idle_exit_ms)) break;
      continue;
    }
    last = std::chrono::steady_clock::now();
    process(args.out_fd, *records);  // first process...
    auto committed = (*consumer)->commit();  // ...then commit
    if (!committed.is_ok()) {
      // A rebalance took the partitions: the records will be processed again by their new owner.
      std::fprintf(stderr, "commit: %s\n", committed.to_string().c_str());
    }
  }
  (*consumer)->close();
  return 0;
}
