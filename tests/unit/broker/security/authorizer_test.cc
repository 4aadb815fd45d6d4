// The authorizer's rules beyond the matrix: which operations imply Describe, how deny and
// allow meet, and the by-resource-type question an idempotent producer asks.

#include "broker/security/authorizer.h"

#include <gtest/gtest.h>

namespace cairn::broker::security {
namespace {

const std::string kAlice = "User:alice";
const Resource kOrders{ResourceType::kTopic, "orders"};

AclBinding binding(AclPermission permission, AclOperation op, ResourcePattern p,
                   std::string principal = kAlice) {
  return AclBinding{std::move(principal), permission, op, std::move(p)};
}
ResourcePattern topic(std::string name, PatternType pattern = PatternType::kLiteral) {
  return {ResourceType::kTopic, std::move(name), pattern};
}

Authorizer with(std::initializer_list<AclBinding> bindings) {
  Authorizer a(AuthorizerConfig{true, {"User:admin"}});
  for (const auto& b : bindings) EXPECT_TRUE(a.acls().add(b).has_value()) << describe(b);
  return a;
}

TEST(Authorizer, ReadWriteDeleteAndAlterEachAllowDescribe) {
  for (AclOperation op : {AclOperation::kRead, AclOperation::kWrite, AclOperation::kDelete,
                          AclOperation::kAlter}) {
    Authorizer a = with({binding(AclPermission::kAllow, op, topic("orders"))});
    EXPECT_TRUE(a.authorize(kAlice, AclOperation::kDescribe, kOrders)) << name_of(op);
  }
  Authorizer create = with({binding(AclPermission::kAllow, AclOperation::kCreate, topic("orders"))});
  EXPECT_FALSE(create.authorize(kAlice, AclOperation::kDescribe, kOrders));
}

TEST(Authorizer, AlterConfigsAllowsDescribeConfigsButNotTheReverse) {
  Authorizer alter = with({binding(AclPermission::kAllow, AclOperation::kAlterConfigs, topic("orders"))});
  EXPECT_TRUE(alter.authorize(kAlice, AclOperation::kDescribeConfigs, kOrders));
  Authorizer describe = with(
      {binding(AclPermission::kAllow, AclOperation::kDescribeConfigs, topic("orders"))});
  EXPECT_FALSE(describe.authorize(kAlice, AclOperation::kAlterConfigs, kOrders));
}

TEST(Authorizer, ADescribeImpliedByReadIsNotTakenAwayByDenyingRead) {
  Authorizer a = with({binding(AclPermission::kAllow, AclOperation::kRead, topic("orders")),
                       binding(AclPermission::kDeny, AclOperation::kRead, topic("orders"))});
  EXPECT_FALSE(a.authorize(kAlice, AclOperation::kRead, kOrders));
  EXPECT_TRUE(a.authorize(kAlice, AclOperation::kDescribe, kOrders));
}

TEST(Authorizer, DenyingAllBeatsEveryAllowIncludingPrefixedAndWildcardOnes) {
  Authorizer a = with({binding(AclPermission::kAllow, AclOperation::kAll, topic("*")),
                       binding(AclPermission::kAllow, AclOperation::kRead, topic("ord", PatternType::kPrefixed),
                               std::string(kWildcardPrincipal)),
                       binding(AclPermission::kDeny, AclOperation::kAll, topic("orders"))});
  EXPECT_FALSE(a.authorize(kAlice, AclOperation::kRead, kOrders));
  EXPECT_FALSE(a.authorize(kAlice, AclOperation::kDescribe, kOrders));
  EXPECT_TRUE(a.authorize(kAlice, AclOperation::kRead, {ResourceType::kTopic, "payments"}));
}

TEST(Authorizer, AWildcardPrincipalDenyAppliesToEveryoneButSuperUsers) {
  Authorizer a = with({binding(AclPermission::kAllow, AclOperation::kWrite, topic("orders")),
                       binding(AclPermission::kDeny, AclOperation::kWrite, topic("orders"),
                               std::string(kWildcardPrincipal))});
  EXPECT_FALSE(a.authorize(kAlice, AclOperation::kWrite, kOrders));
  EXPECT_TRUE(a.authorize("User:admin", AclOperation::kWrite, kOrders));
}

TEST(Authorizer, ABindingForOneTypeSaysNothingAboutAnotherOfTheSameName) {
  Authorizer a = with({binding(AclPermission::kAllow, AclOperation::kRead, topic("orders"))});
  EXPECT_FALSE(a.authorize(kAlice, AclOperation::kRead, {ResourceType::kGroup, "orders"}));
}

TEST(Authorizer, ARemovedBindingNoLongerAllows) {
  Authorizer a = with({binding(AclPermission::kAllow, AclOperation::kRead, topic("orders"))});
  EXPECT_TRUE(a.acls().remove(binding(AclPermission::kAllow, AclOperation::kRead, topic("orders"))));
  EXPECT_FALSE(a.authorize(kAlice, AclOperation::kRead, kOrders));
  EXPECT_FALSE(a.acls().remove(binding(AclPermission::kAllow, AclOperation::kRead, topic("orders"))));
}

TEST(Authorizer, WriteOnAnyTopicIsFoundUnlessADenyCoversIt) {
  Authorizer none = with({});
  EXPECT_FALSE(none.authorize_any(kAlice, AclOperation::kWrite, ResourceType::kTopic));
  EXPECT_TRUE(none.authorize_any("User:admin", AclOperation::kWrite, ResourceType::kTopic));

  Authorizer literal = with({binding(AclPermission::kAllow, AclOperation::kWrite, topic("orders"))});
  EXPECT_TRUE(literal.authorize_any(kAlice, AclOperation::kWrite, ResourceType::kTopic));
  EXPECT_FALSE(literal.authorize_any(kAlice, AclOperation::kRead, ResourceType::kTopic));
  EXPECT_FALSE(literal.authorize_any(kAlice, AclOperation::kWrite, ResourceType::kGroup));

  Authorizer denied_literal = with({binding(AclPermission::kAllow, AclOperation::kWrite, topic("orders")),
                                    binding(AclPermission::kDeny, AclOperation::kWrite, topic("orders"))});
  EXPECT_FALSE(denied_literal.authorize_any(kAlice, AclOperation::kWrite, ResourceType::kTopic));

  Authorizer denied_by_prefix = with(
      {binding(AclPermission::kAllow, AclOperation::kWrite, topic("orders-eu", PatternType::kPrefixed)),
       binding(AclPermission::kDeny, AclOperation::kAll, topic("orders", PatternType::kPrefixed))});
  EXPECT_FALSE(denied_by_prefix.authorize_any(kAlice, AclOperation::kWrite, ResourceType::kTopic));

  Authorizer prefix_not_covered = with(
      {binding(AclPermission::kAllow, AclOperation::kWrite, topic("orders", PatternType::kPrefixed)),
       binding(AclPermission::kDeny, AclOperation::kWrite, topic("orders-eu"))});
  EXPECT_TRUE(prefix_not_covered.authorize_any(kAlice, AclOperation::kWrite, ResourceType::kTopic));

  Authorizer denied_everywhere = with(
      {binding(AclPermission::kAllow, AclOperation::kWrite, topic("orders")),
       binding(AclPermission::kDeny, AclOperation::kWrite, topic("*"), std::string(kWildcardPrincipal))});
  EXPECT_FALSE(denied_everywhere.authorize_any(kAlice, AclOperation::kWrite, ResourceType::kTopic));
}

TEST(AclFilters, AnyMatchLiteralAndPrefixedFilterAsKafkasDo) {
  AclSet acls;
  const AclOperation read = AclOperation::kRead;
  for (const auto& b :
       {binding(AclPermission::kAllow, read, topic("orders")),
        binding(AclPermission::kAllow, read, topic("ord", PatternType::kPrefixed)),
        binding(AclPermission::kAllow, read, topic("*")),
        binding(AclPermission::kDeny, AclOperation::kWrite, topic("payments"), "User:bob")}) {
    ASSERT_TRUE(acls.add(b).has_value());
  }
  EXPECT_EQ(acls.list().size(), 4u);
  AclFilter any_orders{.resource_name = "orders"};
  EXPECT_EQ(acls.list(any_orders).size(), 1u);
  AclFilter match_orders{.resource_type = ResourceType::kTopic, .resource_name = "orders",
                         .pattern = PatternFilter::kMatch};
  EXPECT_EQ(acls.list(match_orders).size(), 3u);
  AclFilter prefixed{.pattern = PatternFilter::kPrefixed};
  EXPECT_EQ(acls.list(prefixed).size(), 1u);
  AclFilter bob_denials{.principal = "User:bob", .permission = AclPermission::kDeny};
  ASSERT_EQ(acls.list(bob_denials).size(), 1u);
  EXPECT_EQ(describe(acls.list(bob_denials)[0]), "deny User:bob write topic payments (literal)");
  EXPECT_EQ(acls.list(AclFilter{.operation = AclOperation::kDescribe}).size(), 0u);
}

TEST(AclNames, OperationsAndTypesParseInTheSpellingsPeopleUse) {
  EXPECT_EQ(parse_operation("read"), AclOperation::kRead);
  EXPECT_EQ(parse_operation("ClusterAction"), AclOperation::kClusterAction);
  EXPECT_EQ(parse_operation("CLUSTER_ACTION"), AclOperation::kClusterAction);
  EXPECT_EQ(parse_operation("idempotent-write"), AclOperation::kIdempotentWrite);
  EXPECT_FALSE(parse_operation("any"));
  EXPECT_EQ(parse_resource_type("transactional-id"), ResourceType::kTransactionalId);
  EXPECT_EQ(parse_resource_type("TransactionalId"), ResourceType::kTransactionalId);
  EXPECT_FALSE(parse_resource_type("user"));
  EXPECT_EQ(static_cast<int>(AclOperation::kIdempotentWrite), 12);  // Kafka's code
  EXPECT_FALSE(operation_from_code(1));                             // ANY is a filter, not stored
  EXPECT_FALSE(pattern_type_from_code(2));                          // MATCH likewise
}

TEST(AclBindings, MalformedBindingsAreRefused) {
  AclSet acls;
  auto read = [](ResourcePattern p, std::string who = kAlice) {
    return binding(AclPermission::kAllow, AclOperation::kRead, std::move(p), std::move(who));
  };
  EXPECT_FALSE(acls.add(read(topic("orders"), "alice")).has_value());
  EXPECT_FALSE(acls.add(read(topic("orders"), "User:")).has_value());
  EXPECT_FALSE(acls.add(read(topic(""))).has_value());
  EXPECT_FALSE(acls.add(read(topic(std::string(256, 't')))).has_value());
  EXPECT_FALSE(acls.add(read(topic("*", PatternType::kPrefixed))).has_value());
  EXPECT_FALSE(acls.add(binding(AclPermission::kAllow, AclOperation::kCreate,
                                {ResourceType::kCluster, "my-cluster", PatternType::kLiteral}))
                   .has_value());
  EXPECT_EQ(acls.size(), 0u);
  ASSERT_TRUE(acls.add(binding(AclPermission::kAllow, AclOperation::kRead, topic("orders"))).has_value());
  EXPECT_FALSE(*acls.add(binding(AclPermission::kAllow, AclOperation::kRead, topic("orders"))));
  EXPECT_EQ(acls.size(), 1u);
}

}  // namespace
}  // namespace cairn::broker::security
