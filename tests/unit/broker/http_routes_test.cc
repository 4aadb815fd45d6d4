// What /readyz says as the broker starts, serves and stops.
#include "broker/http_routes.h"

#include <gtest/gtest.h>

namespace cairn::broker {
namespace {

TEST(ReadinessStateTest, SaysHowFarRecoveryIsUntilServing) {
  ReadinessState state;
  state.begin_recovery(3);
  state.partition_recovered();
  auto r = state.probe();
  EXPECT_FALSE(r.ready);
  EXPECT_EQ(r.reason, "recovering: 1 of 3 partitions recovered");
  state.partition_recovered();
  state.partition_recovered();
  state.set_serving();
  EXPECT_TRUE(state.probe().ready);
}

TEST(ReadinessStateTest, IsNotReadyWithAnOfflinePartitionAndNamesIt) {
  ReadinessState state;
  state.set_offline("orders-2: corrupt segment");
  state.set_serving();
  auto r = state.probe();
  EXPECT_FALSE(r.ready);
  EXPECT_EQ(r.reason, "partitions offline: orders-2: corrupt segment");
}

TEST(ReadinessStateTest, IsNotReadyOnceStopping) {
  ReadinessState state;
  state.set_serving();
  state.set_stopping();
  EXPECT_EQ(state.probe().reason, "stopping");
  EXPECT_FALSE(state.serving());
}

}  // namespace
}  // namespace cairn::broker
