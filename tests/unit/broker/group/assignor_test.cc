#include "broker/group/assignor.h"

#include "broker/group/cooperative_assignor.h"

#include <gtest/gtest.h>

#include <set>

namespace cairn::broker {
namespace {

std::set<std::pair<std::string, int32_t>> owned(const Assignment& a, const std::string& member) {
  std::set<std::pair<std::string, int32_t>> out;
  auto it = a.find(member);
  if (it == a.end()) return out;
  for (const auto& t : it->second) {
    for (int32_t p : t.partitions) out.insert({t.topic, p});
  }
  return out;
}

// Every partition of every subscribed topic is owned by exactly one subscribed member.
void expect_exact_cover(const Assignment& a, const std::vector<Subscription>& members,
                        const std::map<std::string, int32_t>& partitions) {
  std::map<std::pair<std::string, int32_t>, int> owners;
  for (const auto& m : members) {
    for (const auto& tp : owned(a, m.member_id)) {
      EXPECT_NE(std::find(m.topics.begin(), m.topics.end(), tp.first), m.topics.end())
          << m.member_id << " got " << tp.first << " it does not subscribe to";
      ++owners[tp];
    }
  }
  for (const auto& [topic, count] : partitions) {
    bool subscribed = std::any_of(members.begin(), members.end(), [&](const Subscription& m) {
      return std::find(m.topics.begin(), m.topics.end(), topic) != m.topics.end();
    });
    for (int32_t p = 0; p < count; ++p) {
      EXPECT_EQ(owners[std::make_pair(topic, p)], subscribed ? 1 : 0) << topic << "-" << p;
    }
  }
}

TEST(Assignor, RangeGivesContiguousRunsExtrasFirst) {
  std::vector<Subscription> m = {{"c", {"t"}}, {"a", {"t"}}, {"b", {"t"}}};
  auto a = assign_range(m, {{"t", 8}});
  EXPECT_EQ(owned(a, "a"),
            (std::set<std::pair<std::string, int32_t>>{{"t", 0}, {"t", 1}, {"t", 2}}));
  EXPECT_EQ(owned(a, "b"),
            (std::set<std::pair<std::string, int32_t>>{{"t", 3}, {"t", 4}, {"t", 5}}));
  EXPECT_EQ(owned(a, "c"), (std::set<std::pair<std::string, int32_t>>{{"t", 6}, {"t", 7}}));
  expect_exact_cover(a, m, {{"t", 8}});
}

TEST(Assignor, RoundRobinDealsPartitionsAcrossTopics) {
  std::vector<Subscription> m = {{"a", {"t", "u"}}, {"b", {"t", "u"}}};
  auto a = assign_round_robin(m, {{"t", 3}, {"u", 2}});
  EXPECT_EQ(owned(a, "a").size(), 3u);
  EXPECT_EQ(owned(a, "b").size(), 2u);
  expect_exact_cover(a, m, {{"t", 3}, {"u", 2}});
}

TEST(Assignor, EveryStrategyCoversMixedSubscriptionsExactly) {
  std::vector<Subscription> m = {{"m1", {"t"}}, {"m2", {"t", "u"}}, {"m3", {"u"}}, {"m4", {"v"}}};
  std::map<std::string, int32_t> parts = {{"t", 12}, {"u", 5}, {"v", 1}, {"w", 3}};
  for (const char* strategy : {"range", "roundrobin"}) {
    SCOPED_TRACE(strategy);
    auto a = assign(strategy, m, parts);
    expect_exact_cover(a, m, parts);
    EXPECT_TRUE(a.count("m4"));
  }
}

TEST(Assignor, CooperativeStickyCoversMixedSubscriptionsExactly) {
  std::vector<Subscription> m = {{"m1", {"t"}}, {"m2", {"t", "u"}}, {"m3", {"u"}}, {"m4", {"v"}}};
  std::map<std::string, int32_t> parts = {{"t", 12}, {"u", 5}, {"v", 1}, {"w", 3}};
  expect_exact_cover(assign_cooperative_sticky(m, parts, {}), m, parts);
}

TEST(Assignor, MembersBeyondPartitionsGetNothing) {
  std::vector<Subscription> m = {{"a", {"t"}}, {"b", {"t"}}, {"c", {"t"}}};
  auto a = assign_range(m, {{"t", 2}});
  EXPECT_TRUE(owned(a, "c").empty());
  expect_exact_cover(a, m, {{"t", 2}});
}

TEST(Assignor, CooperativeStickyDealsAFreshGroupEvenly) {
  std::vector<Subscription> m = {{"a", {"t"}}, {"b", {"t"}}, {"c", {"t"}}};
  auto a = assign_cooperative_sticky(m, {{"t", 7}}, {});
  expect_exact_cover(a, m, {{"t", 7}});
  for (const char* id : {"a", "b", "c"}) {
    EXPECT_GE(owned(a, id).size(), 2u) << id;
    EXPECT_LE(owned(a, id).size(), 3u) << id;
  }
}

TEST(Assignor, CooperativeStickyWithholdsAPartitionMovingToAJoiningMemberForOneGeneration) {
  std::map<std::string, int32_t> parts = {{"t", 6}};
  std::vector<Subscription> m = {{"a", {"t"}}, {"b", {"t"}}};
  auto one = assign_cooperative_sticky(m, parts, {{"a", {{"t", {0, 1, 2, 3, 4, 5}}}}});
  // a keeps half of what it owns; the other half is nobody's until a has given it up.
  EXPECT_EQ(owned(one, "a").size(), 3u);
  EXPECT_TRUE(owned(one, "b").empty());
  auto two = assign_cooperative_sticky(m, parts, one);
  EXPECT_EQ(owned(two, "a"), owned(one, "a"));
  EXPECT_EQ(owned(two, "b").size(), 3u);
  expect_exact_cover(two, m, parts);
}

TEST(Assignor, CooperativeStickyKeepsWhatTheRemainingMemberOwnsWhenAnotherLeaves) {
  std::map<std::string, int32_t> parts = {{"t", 4}};
  std::vector<Subscription> m = {{"b", {"t"}}};
  auto a = assign_cooperative_sticky(m, parts, {{"a", {{"t", {0, 1}}}}, {"b", {{"t", {2, 3}}}}});
  expect_exact_cover(a, m, parts);
  EXPECT_EQ(owned(a, "b").size(), 4u);
}

TEST(Assignor, CooperativeStickyIgnoresOwnedPartitionsThatNoLongerExistOrAreClaimedTwice) {
  std::map<std::string, int32_t> parts = {{"t", 2}};
  std::vector<Subscription> m = {{"a", {"t"}}, {"b", {"t"}}};
  auto a = assign_cooperative_sticky(
      m, parts, {{"a", {{"gone", {0}}, {"t", {0, 1, 7}}}}, {"b", {{"t", {0}}}}});
  for (const auto& tp : owned(a, "a")) EXPECT_EQ(tp.first, "t");
  EXPECT_LE(owned(a, "a").size() + owned(a, "b").size(), 2u);
  EXPECT_FALSE(owned(a, "a").contains({"t", 7}));
}

}  // namespace
}  // namespace cairn::broker
