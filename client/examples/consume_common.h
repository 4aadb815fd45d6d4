#pragma once

// Shared by the two consumer examples: their arguments, a stop signal (SIGTERM or SIGINT ends the
// loop once the records in hand are processed), and "processing" a record, which here means
// appending "partition offset value" to a file with one write(2) per poll, so a killed process
// leaves whole lines behind.

#include <cairn/consumer.h>
#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

struct ExampleArgs {
  cairn::client::ConsumerConfig config;
  std::string topic;
  int out_fd = -1;
  long idle_exit_ms = 0;  // exit after this long without records; 0: never
};

inline bool parse_args(int argc, char** argv, ExampleArgs& args) {
  if (argc < 5 || argc > 7) {
    std::fprintf(stderr, "usage: %s BROKER TOPIC GROUP OUTPUT_FILE [SESSION_TIMEOUT_MS] [IDLE_EXIT_MS]\n", argv[0]);
    return false;
  }
  args.config.broker = argv[1];
  args.topic = argv[2];
  args.config.group_id = argv[3];
  args.config.enable_auto_commit = false;  // the examples commit where their semantics say
  args.config.auto_offset_reset = cairn::client::ConsumerConfig::OffsetReset::kEarliest;
  if (argc > 5) {
    args.config.session_timeout = std::chrono::milliseconds(std::atol(argv[5]));
    args.config.heartbeat_interval = args.config.session_timeout / 4;
  }
  if (argc > 6) args.idle_exit_ms = std::atol(argv[6]);
  args.out_fd = ::open(argv[4], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  return args.out_fd >= 0;
}

inline volatile std::sig_atomic_t stop_requested = 0;

inline void install_stop_handler() {
  std::signal(SIGTERM, [](int) { stop_requested = 1; });
  std::signal(SIGINT, [](int) { stop_requested = 1; });
}

inline void process(int fd, const std::vector<cairn::client::ConsumerRecord>& records) {
  std::string lines;
  for (const auto& r : records) {
    lines += std::to_string(r.topic_partition.partition) + " " + std::to_string(r.offset) + " " +
             r.value.value_or("") + "\n";
  }
  if (!lines.empty() && ::write(fd, lines.data(), lines.size()) < 0) std::perror("write");
}
