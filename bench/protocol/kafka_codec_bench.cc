// The Kafka message codec on its hot paths: decoding a Produce request and encoding a Fetch
// response whose record batches are external bytes (sent from their files). Neither touches the
// records, so the cost is per partition, whatever the batches hold.
#include <benchmark/benchmark.h>

#include <array>
#include <string>
#include <vector>

#include "protocol/kafka/messages/fetch.h"
#include "protocol/kafka/messages/produce.h"

namespace cairn::protocol::kafka {
namespace {

constexpr int kTopics = 4;
constexpr int kPartitions = 8;

// A Produce request for kTopics x kPartitions partitions, each with `batch_bytes` of records.
std::vector<std::byte> produce_body(size_t batch_bytes, int16_t version) {
  static std::vector<std::byte> batch;
  batch.assign(batch_bytes, std::byte{7});
  ProduceRequest r;
  r.acks = -1;
  r.timeout_ms = 30000;
  for (int t = 0; t < kTopics; ++t) {
    TopicProduceData topic{"topic-" + std::to_string(t), Uuid{}, {}};
    for (int p = 0; p < kPartitions; ++p) topic.partition_data.push_back({p, Records::view(batch)});
    r.topic_data.push_back(std::move(topic));
  }
  std::vector<std::byte> out;
  Writer w(out);
  encode(r, version, w).ignore_error();
  return out;
}

void BM_KafkaDecodeProduceRequest(benchmark::State& state) {
  auto version = static_cast<int16_t>(state.range(1));
  auto body = produce_body(static_cast<size_t>(state.range(0)), version);
  for (auto _ : state) {
    auto decoded = decode<ProduceRequest>(body, version);
    benchmark::DoNotOptimize(decoded);
  }
  state.SetItemsProcessed(state.iterations() * kTopics * kPartitions);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
}
BENCHMARK(BM_KafkaDecodeProduceRequest)->Args({16 << 10, 7})->Args({16 << 10, 9})
    ->Args({1 << 20, 9});

// A Fetch response whose partitions each carry four stored batches: a 61-byte header copied
// from memory, then the records as external bytes.
void BM_KafkaEncodeFetchResponse(benchmark::State& state) {
  auto version = static_cast<int16_t>(state.range(0));
  std::array<std::byte, 61> header{};
  std::vector<std::byte> out;
  out.reserve(64 << 10);
  for (auto _ : state) {
    FetchResponse r;
    for (int t = 0; t < kTopics; ++t) {
      FetchableTopicResponse topic{"topic-" + std::to_string(t), Uuid{}, {}};
      for (int p = 0; p < kPartitions; ++p) {
        FetchPartitionData partition;
        partition.partition_index = p;
        partition.high_watermark = 1000;
        partition.last_stable_offset = 1000;
        partition.records = Records::empty();
        for (uint32_t b = 0; b < 4; ++b) {
          partition.records.append_copy(header);
          partition.records.append_external(16 << 10, b);
        }
        topic.partitions.push_back(std::move(partition));
      }
      r.responses.push_back(std::move(topic));
    }
    out.clear();
    Writer w(out);
    encode_response_frame(r, version, 1, w).ignore_error();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * kTopics * kPartitions);
}
BENCHMARK(BM_KafkaEncodeFetchResponse)->Arg(11)->Arg(12);

}  // namespace
}  // namespace cairn::protocol::kafka
