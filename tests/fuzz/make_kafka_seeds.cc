// Writes the seed corpus of the Kafka request fuzz target (tests/fuzz/corpus/kafka_request):
// for every API one request frame (without its size) at the first flexible version, or the
// newest when none is flexible, plus non-flexible Produce, Fetch, Metadata and ApiVersions
// frames and Produce frames carrying a record batch captured from a Kafka broker.
// Run once after a table change: build/asan/tests/cairn_make_kafka_fuzz_seeds tests/fuzz/corpus
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "protocol/kafka/apis.h"
#include "tests/unit/protocol/kafka/golden_batch.h"
#include "tests/unit/protocol/kafka/message_filler.h"

using namespace cairn::protocol::kafka;

namespace {

template <class M>
std::vector<std::byte> frame(const M& message, int16_t version) {
  std::vector<std::byte> out;
  Writer w(out);
  RequestHeader header{static_cast<int16_t>(M::kApi.key), version, 1, "seed"};
  if (!encode_request_frame(message, header, w).is_ok()) std::abort();
  return std::vector<std::byte>(out.begin() + 4, out.end());
}

void write(const std::filesystem::path& path, const std::vector<std::byte>& bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                              static_cast<std::streamsize>(bytes.size()));
}

std::string snake(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') {
      if (!out.empty()) out += '_';
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path dir = std::filesystem::path(argc > 1 ? argv[1] : "tests/fuzz/corpus") /
                              "kafka_request";
  for_each_api([&](auto api) {
    using Api = decltype(api);
    const ApiSpec& spec = Api::kApi;
    int16_t version = spec.flexible_from <= spec.valid.hi ? spec.flexible_from : spec.valid.hi;
    auto request = test::filled<typename Api::Request>(version, 3);
    write(dir / (snake(spec.name) + "_v" + std::to_string(version)), frame(request, version));
  });
  auto older = [&](auto message, int16_t version) {
    using M = decltype(message);
    write(dir / (snake(M::kApi.name) + "_v" + std::to_string(version)),
          frame(test::filled<M>(version, 4), version));
  };
  older(ProduceRequest{}, 3);
  older(FetchRequest{}, 4);
  older(FetchRequest{}, 11);
  older(MetadataRequest{}, 1);
  older(ApiVersionsRequest{}, 0);
  older(OffsetFetchRequest{}, 8);

  auto batch = test::golden_batch();
  auto batch2 = test::golden_batch_with_header();
  auto two = test::concat(batch, batch2);
  ProduceRequest produce;
  produce.acks = -1;
  produce.timeout_ms = 30000;
  produce.topic_data = {{"t", Uuid{}, {{0, Records::view(batch)}, {1, Records::view(two)}}}};
  write(dir / "produce_v3_batches", frame(produce, 3));
  write(dir / "produce_v9_batches", frame(produce, 9));
  std::printf("seeds written to %s\n", dir.c_str());
  return 0;
}
