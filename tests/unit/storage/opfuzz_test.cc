// Seeded operation fuzzing (RELIABILITY.md S11): random appends, rolls, retention, reads, clean
// restarts and power losses against a model of the log. A failing seed replays exactly.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "storage/partition_log.h"
#include "tests/unit/storage/partition_fixture.h"

namespace cairn::storage {
namespace {

using testing::BatchSpec;
using testing::make_batch;

void run_seed(uint64_t seed) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  testing::PartitionFixture fx("fault");
  std::mt19937_64 rng(seed);
  PartitionConfig config{.segment_bytes = 512 + rng() % 4096,
                         .retention_bytes = 4096 + rng() % 16384,
                         .index_interval_bytes = static_cast<uint32_t>(64 + rng() % 1024)};
  std::map<int64_t, std::string> model;  // every offset from the log start on
  auto log = fx.open_ok(config);
  ASSERT_TRUE(log);
  uint64_t spec_seed = seed * 1'000'000;
  for (int op = 0; op < 300; ++op) {
    switch (rng() % 10) {
      case 0:
      case 1:
      case 2:
      case 3: {  // append a group
        std::vector<BatchSpec> specs;
        std::vector<std::vector<std::byte>> batches;
        for (int b = 1 + static_cast<int>(rng() % 3); b > 0; --b) {
          specs.push_back({.records = 1 + static_cast<int>(rng() % 5),
                           .value_bytes = rng() % 300, .seed = ++spec_seed});
          batches.push_back(make_batch(specs.back()));
        }
        Offset next = log->high_watermark();
        auto results = fx.append_all(*log, std::move(batches));
        for (size_t i = 0; i < results.size(); ++i) {
          ASSERT_TRUE(results[i]) << results[i].error().to_string();
          ASSERT_EQ(results[i]->base_offset, next);
          next = next + specs[i].records;
          for (int r = 0; r < specs[i].records; ++r) {
            model[results[i]->base_offset.value() + r] = testing::expected_value(specs[i], r);
          }
        }
        break;
      }
      case 4: {  // retention
        ASSERT_TRUE(log->enforce_retention());
        break;
      }
      case 5:
      case 6: {  // read from a random offset
        if (model.empty()) break;
        auto it = model.lower_bound(model.begin()->first +
                                    static_cast<int64_t>(rng() % model.size()));
        auto records = fx.read_all(*log, Offset(it->first), 1 + rng() % 3000);
        ASSERT_EQ(records.size(), static_cast<size_t>(std::distance(it, model.end())));
        for (const auto& r : records) {
          ASSERT_EQ(r.value, model.at(r.offset.value())) << "offset " << r.offset.value();
        }
        break;
      }
      case 7: {  // clean restart
        fx.flush_and_close(*log);
        log = fx.open_ok(config);
        ASSERT_TRUE(log);
        break;
      }
      case 8: {  // power loss: every acknowledged append was synced (policy always)
        fx.fault().crash();
        log.reset();
        log = fx.open_ok(config);
        ASSERT_TRUE(log);
        break;
      }
      case 9: {  // a timestamp lookup agrees with a scan
        if (model.empty()) break;
        auto found = log->offset_for_timestamp(timestamp_from_millis(0));
        ASSERT_TRUE(found);
        ASSERT_TRUE(found->has_value());
        EXPECT_EQ(found->value(), log->log_start_offset());
        break;
      }
    }
    // Retention runs on every roll too: it may only drop whole old segments while keeping at
    // least retention_bytes.
    if (!model.empty() && log->log_start_offset().value() > model.begin()->first) {
      ASSERT_GE(log->size_bytes(), *config.retention_bytes);
      model.erase(model.begin(), model.lower_bound(log->log_start_offset().value()));
    }
    ASSERT_EQ(log->high_watermark().value(), model.empty() ? log->high_watermark().value()
                                                            : model.rbegin()->first + 1);
    if (!model.empty()) {
      ASSERT_EQ(log->log_start_offset().value(), model.begin()->first);
    }
  }
}

TEST(StorageOpFuzz, RandomOperationsMatchTheModel) {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    run_seed(seed);
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace cairn::storage
