// At-most-once: commit a batch of records, then process it. A crash between the two loses the
// batch: no record is processed twice, some may never be processed.
// Usage: at_most_once_consumer BROKER TOPIC GROUP OUTPUT_FILE [SESSION_TIMEOUT_MS] [IDLE_EXIT_MS]
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
    auto committed = (*consumer)->commit();  // first commit...
    if (!committed.is_ok()) {
      // Not committed: another member owns these records now and will process them.
      std::fprintf(stderr, "commit: %s\n", committed.to_string().c_str());
      continue;
    }
    process(args.out_fd, *records);  // ...then process
  }
  (*consumer)->close();
  return 0;
}
