// The ACL matrix (RELIABILITY.md X4): every operation a resource type takes, for every
// resource type, under each kind of binding, decided by the authorizer; then the same with the
// bindings written to a data directory's security log and read back by a fresh store, as a
// restarted broker would.

#include <gtest/gtest.h>

#include <map>

#include "broker/security/authorizer.h"
#include "broker/security/offline_security_store.h"
#include "tests/support/test_util.h"

namespace cairn::broker::security {
namespace {

enum class Case {
  kNone,               // no binding at all
  kAllow,              // a literal ALLOW of the operation for the principal
  kDeny,               // that ALLOW and a DENY of the same operation
  kSuperUser,          // a DENY of everything for a super user
  kPrefixMatch,        // a prefixed ALLOW whose prefix starts the name
  kPrefixNonMatch,     // a prefixed ALLOW whose prefix does not
  kWildcardPrincipal,  // an ALLOW for User:*
  kWildcardResource,   // an ALLOW on the literal name "*"
  kAllOperation,       // an ALLOW of All
  kOtherPrincipal,     // an ALLOW for someone else
};

constexpr Case kCases[] = {Case::kNone,          Case::kAllow,          Case::kDeny,
                           Case::kSuperUser,     Case::kPrefixMatch,    Case::kPrefixNonMatch,
                           Case::kWildcardPrincipal, Case::kWildcardResource,
                           Case::kAllOperation,  Case::kOtherPrincipal};
constexpr ResourceType kTypes[] = {ResourceType::kTopic, ResourceType::kGroup,
                                   ResourceType::kCluster, ResourceType::kTransactionalId};
const std::string kSuperUser = "User:admin";

std::string case_name(Case c) {
  switch (c) {
    case Case::kNone: return "no binding";
    case Case::kAllow: return "allow";
    case Case::kDeny: return "allow and deny";
    case Case::kSuperUser: return "super user";
    case Case::kPrefixMatch: return "prefix match";
    case Case::kPrefixNonMatch: return "prefix non-match";
    case Case::kWildcardPrincipal: return "User:*";
    case Case::kWildcardResource: return "resource *";
    case Case::kAllOperation: return "operation all";
    case Case::kOtherPrincipal: return "other principal";
  }
  return "";
}

bool expected(Case c) {
  switch (c) {
    case Case::kAllow:
    case Case::kSuperUser:
    case Case::kPrefixMatch:
    case Case::kWildcardPrincipal:
    case Case::kWildcardResource:
    case Case::kAllOperation: return true;
    default: return false;
  }
}

bool applies(Case c, ResourceType t) {
  bool prefixed = c == Case::kPrefixMatch || c == Case::kPrefixNonMatch;
  bool wildcard_name = c == Case::kWildcardResource;
  return t != ResourceType::kCluster || (!prefixed && !wildcard_name);
}

// Operations a request asks for: every one the type takes except All, which only bindings use.
std::vector<AclOperation> request_operations(ResourceType t) {
  std::vector<AclOperation> out;
  for (AclOperation op : operations_of(t)) {
    if (op != AclOperation::kAll) out.push_back(op);
  }
  return out;
}

// Each (type, operation) cell has its own principal and resource name, so that cells written
// to one security log do not decide one another.
std::string cell(ResourceType t, AclOperation op) {
  return std::string(name_of(t)) + "-" + std::string(name_of(op));
}
Resource resource_of(ResourceType t, AclOperation op) {
  if (t == ResourceType::kCluster) return {t, std::string(kClusterResourceName)};
  return {t, cell(t, op) + "-orders"};
}
std::string principal_of(Case c, ResourceType t, AclOperation op) {
  if (c == Case::kSuperUser) return kSuperUser;
  return "User:u-" + cell(t, op);
}

std::vector<AclBinding> bindings_of(Case c, ResourceType t, AclOperation op) {
  std::string principal = principal_of(c, t, op);
  ResourcePattern literal{t, resource_of(t, op).name, PatternType::kLiteral};
  auto allow = [&](std::string who, AclOperation what, ResourcePattern p) {
    return AclBinding{std::move(who), AclPermission::kAllow, what, std::move(p)};
  };
  switch (c) {
    case Case::kNone: return {};
    case Case::kAllow: return {allow(principal, op, literal)};
    case Case::kDeny:
      return {allow(principal, op, literal),
              AclBinding{principal, AclPermission::kDeny, op, literal}};
    case Case::kSuperUser:
      return {AclBinding{principal, AclPermission::kDeny, AclOperation::kAll, literal}};
    case Case::kPrefixMatch:
      return {allow(principal, op, {t, cell(t, op) + "-ord", PatternType::kPrefixed})};
    case Case::kPrefixNonMatch:
      return {allow(principal, op, {t, cell(t, op) + "-pay", PatternType::kPrefixed})};
    case Case::kWildcardPrincipal: return {allow(std::string(kWildcardPrincipal), op, literal)};
    case Case::kWildcardResource:
      return {allow(principal, op, {t, std::string(kWildcardName), PatternType::kLiteral})};
    case Case::kAllOperation: return {allow(principal, AclOperation::kAll, literal)};
    case Case::kOtherPrincipal: return {allow("User:other-" + cell(t, op), op, literal)};
  }
  return {};
}

Authorizer authorizer_with(const AclSet& acls) {
  return Authorizer(AuthorizerConfig{true, {kSuperUser}}, acls);
}

TEST(AclMatrix, EveryOperationOnEveryResourceTypeIsDecidedAsKafkaWould) {
  int cells = 0;
  for (Case c : kCases) {
    for (ResourceType t : kTypes) {
      if (!applies(c, t)) continue;
      for (AclOperation op : request_operations(t)) {
        AclSet acls;
        for (const auto& b : bindings_of(c, t, op)) ASSERT_TRUE(acls.add(b).has_value()) << describe(b);
        Authorizer a = authorizer_with(acls);
        EXPECT_EQ(a.authorize(principal_of(c, t, op), op, resource_of(t, op)), expected(c))
            << case_name(c) << ": " << name_of(op) << " on " << name_of(t);
        ++cells;
      }
    }
  }
  EXPECT_EQ(cells, 10 * (8 + 3 + 7 + 2) - 3 * 7);
}

TEST(AclMatrix, EveryCellDecidesTheSameAfterTheBindingsAreReadBackFromDisk) {
  for (Case c : kCases) {
    cairn::testing::TempDir dir;
    AclSet written;
    {
      auto store = OfflineSecurityStore::open(dir.path());
      ASSERT_TRUE(store.has_value()) << store.status().to_string();
      std::vector<SecurityChange> changes;
      for (ResourceType t : kTypes) {
        if (!applies(c, t)) continue;
        for (AclOperation op : request_operations(t)) {
          for (const auto& b : bindings_of(c, t, op)) {
            changes.push_back(AclChange{b, true});
            ASSERT_TRUE(written.add(b).has_value());
          }
        }
      }
      ASSERT_TRUE((*store)->append(changes).is_ok());
      ASSERT_TRUE((*store)->close().is_ok());
    }
    auto reopened = OfflineSecurityStore::open(dir.path());
    ASSERT_TRUE(reopened.has_value()) << reopened.status().to_string();
    const AclSet& read = (*reopened)->state().acls();
    EXPECT_EQ(read.bindings(), written.bindings()) << case_name(c);
    Authorizer a = authorizer_with(read);
    for (ResourceType t : kTypes) {
      if (!applies(c, t)) continue;
      for (AclOperation op : request_operations(t)) {
        EXPECT_EQ(a.authorize(principal_of(c, t, op), op, resource_of(t, op)), expected(c))
            << case_name(c) << " after a reload: " << name_of(op) << " on " << name_of(t);
      }
    }
  }
}

TEST(AclMatrix, WithTheAuthorizerOffEverythingIsAllowed) {
  Authorizer off(AuthorizerConfig{false, {}});
  for (ResourceType t : kTypes) {
    for (AclOperation op : request_operations(t)) {
      EXPECT_TRUE(off.authorize("User:anyone", op, resource_of(t, op)));
    }
  }
}

TEST(AclMatrix, PrefixedAndWildcardNamedClusterBindingsAreRefused) {
  AclSet acls;
  for (Case c : {Case::kPrefixMatch, Case::kWildcardResource}) {
    for (const auto& b : bindings_of(c, ResourceType::kCluster, AclOperation::kCreate)) {
      EXPECT_FALSE(acls.add(b).has_value()) << describe(b);
    }
  }
}

TEST(AclMatrix, OperationsATypeDoesNotTakeCannotBeBound) {
  int refused = 0;
  for (ResourceType t : kTypes) {
    for (int code = 2; code <= 12; ++code) {
      auto op = *operation_from_code(static_cast<int8_t>(code));
      if (supports(t, op)) continue;
      AclSet acls;
      EXPECT_FALSE(acls.add(AclBinding{"User:u", AclPermission::kAllow, op,
                                       {t, t == ResourceType::kCluster ? "kafka-cluster" : "x"}})
                       .has_value())
          << name_of(op) << " on " << name_of(t);
      ++refused;
    }
  }
  EXPECT_EQ(refused, (11 - 9) + (11 - 4) + (11 - 8) + (11 - 3));
}

}  // namespace
}  // namespace cairn::broker::security
