// A minimal producer: sends COUNT records with values "record-<i>", keyed by i % 16, then waits
// until every one is acknowledged. Usage: producer BROKER TOPIC COUNT
#include <cairn/producer.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s BROKER TOPIC COUNT\n", argv[0]);
    return 2;
  }
  cairn::client::ProducerConfig config;
  config.broker = argv[1];  // idempotent, acks=all and retries are the defaults
  auto producer = cairn::client::Producer::create(config);
  if (!producer) {
    std::fprintf(stderr, "cannot start: %s\n", producer.error().to_string().c_str());
    return 1;
  }
  long count = std::atol(argv[3]);
  std::atomic<long> failed{0};
  for (long i = 0; i < count; ++i) {
    cairn::client::ProducerRecord record;
    record.topic = argv[2];
    record.key = "key-" + std::to_string(i % 16);
    record.value = "record-" + std::to_string(i);
    auto status = (*producer)->send(std::move(record), [&failed](auto result) {
      if (!result) ++failed;  // runs on the producer's I/O thread
    });
    if (!status.is_ok()) {
      std::fprintf(stderr, "send: %s\n", status.to_string().c_str());
      return 1;
    }
  }
  if (auto s = (*producer)->flush(); !s.is_ok()) std::fprintf(stderr, "flush: %s\n", s.to_string().c_str());
  std::printf("%ld records sent, %ld failed\n", count, failed.load());
  return failed == 0 ? 0 : 1;
}
