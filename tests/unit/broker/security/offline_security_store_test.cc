// Editing a data directory's security records with the broker stopped.

#include "broker/security/offline_security_store.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "protocol/sasl/scram_credential.h"
#include "tests/support/test_util.h"

namespace cairn::broker::security {
namespace {

AclBinding read_orders() {
  return {"User:alice", AclPermission::kAllow, AclOperation::kRead,
          {ResourceType::kTopic, "orders", PatternType::kLiteral}};
}

CredentialChange alice(const std::string& password) {
  auto c = protocol::sasl::make_scram_credential(protocol::sasl::ScramHash::kSha256, password,
                                                 protocol::sasl::kMinIterations);
  EXPECT_TRUE(c.has_value());
  return {"alice", ScramMechanism::kScramSha256, *c};
}

TEST(OfflineSecurityStore, ChangesSurviveClosingAndOpeningAgain) {
  cairn::testing::TempDir dir;
  auto change = alice("pw");
  {
    auto store = OfflineSecurityStore::open(dir.path());
    ASSERT_TRUE(store.has_value()) << store.status().to_string();
    ASSERT_TRUE((*store)->append({change, AclChange{read_orders(), true}}).is_ok());
    EXPECT_TRUE((*store)->state().credentials().contains("alice"));
    ASSERT_TRUE((*store)->close().is_ok());
  }
  auto store = OfflineSecurityStore::open(dir.path());
  ASSERT_TRUE(store.has_value()) << store.status().to_string();
  EXPECT_EQ((*store)->state().credentials().find("alice", ScramMechanism::kScramSha256),
            change.credential);
  EXPECT_EQ((*store)->state().acls().size(), 1u);
  ASSERT_TRUE((*store)->append({CredentialChange{"alice", ScramMechanism::kScramSha256, std::nullopt},
                                AclChange{read_orders(), false}})
                  .is_ok());
  Status closed = (*store)->close();
  ASSERT_TRUE(closed.is_ok()) << closed.to_string();
  store->reset();  // releases the lock
  store = OfflineSecurityStore::open(dir.path());
  ASSERT_TRUE(store.has_value()) << store.status().to_string();
  EXPECT_FALSE((*store)->state().credentials().contains("alice"));
  EXPECT_EQ((*store)->state().acls().size(), 0u);
}

TEST(OfflineSecurityStore, ADataDirectoryABrokerHoldsIsRefused) {
  cairn::testing::TempDir dir;
  int fd = ::open((dir.path() / ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);  // as a running cairnd holds it
  auto store = OfflineSecurityStore::open(dir.path());
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), Status::Code::kUnavailable);
  EXPECT_NE(store.error().message().find("in use by a running cairnd"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "topics")) << "nothing may be written";
  ::close(fd);
}

TEST(OfflineSecurityStore, HoldsTheLockUntilClosed) {
  cairn::testing::TempDir dir;
  auto store = OfflineSecurityStore::open(dir.path());
  ASSERT_TRUE(store.has_value());
  int fd = ::open((dir.path() / ".lock").c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  EXPECT_NE(::flock(fd, LOCK_EX | LOCK_NB), 0) << "a cairnd starting now must be refused";
  store->reset();
  EXPECT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  ::close(fd);
}

TEST(OfflineSecurityStore, CreatesADataDirectoryAndASecurityTopicOnlyItsOwnerCanEnter) {
  cairn::testing::TempDir dir;
  auto data_dir = dir.path() / "new-data-dir";
  auto store = OfflineSecurityStore::open(data_dir);
  ASSERT_TRUE(store.has_value()) << store.status().to_string();
  auto topic = data_dir / "topics" / std::string(kSecurityTopic);
  EXPECT_TRUE(std::filesystem::exists(topic / "topic.conf"));
  struct stat st{};
  ASSERT_EQ(::stat(topic.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST(OfflineSecurityStore, AnInvalidChangeWritesNothing) {
  cairn::testing::TempDir dir;
  {
    auto store = OfflineSecurityStore::open(dir.path());
    ASSERT_TRUE(store.has_value());
    AclBinding bad = read_orders();
    bad.principal = "alice";
    Status s = (*store)->append({alice("pw"), AclChange{bad, true}});
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
    EXPECT_FALSE((*store)->state().credentials().contains("alice"));
  }
  auto store = OfflineSecurityStore::open(dir.path());
  ASSERT_TRUE(store.has_value());
  EXPECT_EQ((*store)->state().credentials().size(), 0u);
}

}  // namespace
}  // namespace cairn::broker::security
