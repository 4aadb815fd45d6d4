// A main for fuzz targets where libFuzzer is not available (the g++ test build): runs the
// target over every file of the seed corpus, then over deterministic mutations of each, so the
// decoders meet hostile input under ASan and UBSan in every test run.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR [MUTATIONS]\n", argv[0]);
    return 2;
  }
  int mutations = argc > 2 ? std::atoi(argv[2]) : 2000;
  std::mt19937_64 rng(12345);
  size_t inputs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(argv[1])) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::vector<uint8_t> seed((std::istreambuf_iterator<char>(in)), {});
    LLVMFuzzerTestOneInput(seed.data(), seed.size());
    ++inputs;
    for (int m = 0; m < mutations; ++m) {
      std::vector<uint8_t> input = seed;
      int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits; ++e) {
        switch (rng() % 4) {
          case 0:  // flip a bit
            if (!input.empty()) input[rng() % input.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
            break;
          case 1:  // overwrite a byte
            if (!input.empty()) input[rng() % input.size()] = static_cast<uint8_t>(rng());
            break;
          case 2:  // truncate
            if (!input.empty()) input.resize(rng() % input.size());
            break;
          case 3:  // append junk
            for (int k = static_cast<int>(rng() % 16); k > 0; --k) input.push_back(static_cast<uint8_t>(rng()));
            break;
        }
      }
      LLVMFuzzerTestOneInput(input.data(), input.size());
      ++inputs;
    }
  }
  std::printf("replayed %zu inputs\n", inputs);
  return 0;
}
