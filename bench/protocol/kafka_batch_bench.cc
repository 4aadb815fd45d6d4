// Kafka RecordBatch v2 <-> Cairn batch translation and the CRC-32C it relies on. Sizes are the
// bytes of records per batch (state.range(0)); byte rates are over those bytes.
#include <benchmark/benchmark.h>

#include <array>
#include <string>
#include <vector>

#include "protocol/kafka/crc32c.h"
#include "protocol/kafka/record_batch.h"
#include "protocol/record_batch_builder.h"

namespace cairn::protocol::kafka {
namespace {

std::vector<std::byte> random_bytes(size_t n) {
  std::vector<std::byte> out(n);
  uint64_t x = 88172645463325252ull;
  for (auto& b : out) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    b = static_cast<std::byte>(x);
  }
  return out;
}

// A stored Cairn batch of about `records_bytes` bytes of records (records of 1 KiB values).
std::vector<std::byte> cairn_batch(size_t records_bytes) {
  std::string value(1000, 'v');
  RecordBatchBuilder builder;
  for (size_t i = 0; i * 1010 < records_bytes; ++i) {
    builder.append(timestamp_from_millis(1'700'000'000'000 + static_cast<int64_t>(i)),
                   std::nullopt, as_bytes(value));
  }
  auto batch = builder.seal();
  assign_offsets(batch, Offset(0), 0);
  return batch;
}

// The same records as a Kafka batch.
std::vector<std::byte> kafka_batch(const std::vector<std::byte>& cairn) {
  auto header = *decode_batch_header(cairn);
  Bytes records = Bytes(cairn).subspan(protocol::batch::kHeaderSize);
  std::array<std::byte, batch::kHeaderSize> kafka_header;
  write_kafka_header(header, crc32c(records), kafka_header);
  std::vector<std::byte> out(kafka_header.begin(), kafka_header.end());
  out.insert(out.end(), records.begin(), records.end());
  return out;
}

void BM_Crc32c(benchmark::State& state) {
  auto data = random_bytes(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(crc32c(data));
  state.SetBytesProcessed(state.iterations() * state.range(0));
  state.SetLabel(crc32c_is_hardware() ? "sse4.2" : "table");
}
BENCHMARK(BM_Crc32c)->Arg(1 << 10)->Arg(16 << 10)->Arg(1 << 20);

void BM_Crc32cPortable(benchmark::State& state) {
  auto data = random_bytes(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(crc32c_portable(data));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Crc32cPortable)->Arg(1 << 10)->Arg(16 << 10)->Arg(1 << 20);

// Produce path: verify a Kafka batch (CRC-32C over it) and write the Cairn header (XXH3 over the
// records); the records are not copied.
void BM_KafkaToCairnHeader(benchmark::State& state) {
  auto kafka = kafka_batch(cairn_batch(static_cast<size_t>(state.range(0))));
  std::array<std::byte, protocol::batch::kHeaderSize> header;
  for (auto _ : state) {
    auto parsed = parse_kafka_batch(kafka);
    write_cairn_header(parsed->header, parsed->records, header);
    benchmark::DoNotOptimize(header.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kafka.size()));
}
BENCHMARK(BM_KafkaToCairnHeader)->Arg(16 << 10)->Arg(1 << 20);

// Fetch path with the records' CRC-32C kept next to the stored batch: a 61-byte header from the
// 69-byte Cairn header, independent of the records' size.
void BM_CairnToKafkaHeaderWithStoredCrc(benchmark::State& state) {
  auto cairn = cairn_batch(static_cast<size_t>(state.range(0)));
  uint32_t records_crc = crc32c(Bytes(cairn).subspan(protocol::batch::kHeaderSize));
  std::array<std::byte, batch::kHeaderSize> header;
  for (auto _ : state) {
    auto stored = decode_batch_header(cairn);
    write_kafka_header(*stored, records_crc, header);
    benchmark::DoNotOptimize(header.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(cairn.size()));
}
BENCHMARK(BM_CairnToKafkaHeaderWithStoredCrc)->Arg(16 << 10)->Arg(1 << 20);

// Fetch path without a stored CRC: the records must be read and checksummed on every fetch.
void BM_CairnToKafkaHeaderComputingCrc(benchmark::State& state) {
  auto cairn = cairn_batch(static_cast<size_t>(state.range(0)));
  Bytes records = Bytes(cairn).subspan(protocol::batch::kHeaderSize);
  std::array<std::byte, batch::kHeaderSize> header;
  for (auto _ : state) {
    auto stored = decode_batch_header(cairn);
    write_kafka_header(*stored, crc32c(records), header);
    benchmark::DoNotOptimize(header.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(cairn.size()));
}
BENCHMARK(BM_CairnToKafkaHeaderComputingCrc)->Arg(16 << 10)->Arg(1 << 20);

// Produce path: the records' CRC-32C derived from the verified batch CRC, to store with the batch.
void BM_RecordsCrcFromBatchCrc(benchmark::State& state) {
  auto kafka = kafka_batch(cairn_batch(static_cast<size_t>(state.range(0))));
  auto parsed = parse_kafka_batch(kafka);
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        records_crc_from_batch_crc(parsed->header, parsed->crc, parsed->records.size()));
  }
}
BENCHMARK(BM_RecordsCrcFromBatchCrc)->Arg(16 << 10)->Arg(1 << 20);

}  // namespace
}  // namespace cairn::protocol::kafka
