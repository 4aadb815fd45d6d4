// The admin client against a scripted FakeBroker: replies without the entry asked for, and how
// refusals become Status values.
#include <gtest/gtest.h>

#include "cairn/admin.h"
#include "protocol/messages/admin.h"
#include "protocol/messages/group.h"
#include "tests/support/fake_broker.h"

namespace cairn::testing {
namespace {

using client::Admin;
using protocol::ApiKey;
using protocol::ErrorCode;
using Answer = FakeBroker::Answer;

class AdminTest : public ::testing::Test {
 protected:
  std::unique_ptr<Admin> make() {
    auto admin = Admin::create({.broker = broker_.address()});
    EXPECT_TRUE(admin) << admin.error().to_string();
    return admin ? std::move(*admin) : nullptr;
  }

  FakeBroker broker_;
};

TEST_F(AdminTest, ACreateTopicsReplyWithoutTheTopicIsAnError) {
  broker_.on(ApiKey::kCreateTopics, [](const FakeBroker::Request&) {
    return Answer::reply(protocol::CreateTopicsResponse{});
  });
  auto admin = make();
  Status s = admin->create_topic({.name = "t"});
  EXPECT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("'t'"), std::string::npos) << s.to_string();
}

TEST_F(AdminTest, ADeleteTopicsReplyWithoutTheTopicIsAnError) {
  broker_.on(ApiKey::kDeleteTopics, [](const FakeBroker::Request&) {
    return Answer::reply(protocol::DeleteTopicsResponse{});
  });
  auto admin = make();
  EXPECT_FALSE(admin->delete_topic("t").is_ok());
}

TEST_F(AdminTest, ADescribeGroupsReplyWithoutTheGroupIsAnError) {
  broker_.on(ApiKey::kDescribeGroups, [](const FakeBroker::Request&) {
    return Answer::reply(protocol::DescribeGroupsResponse{});
  });
  auto admin = make();
  auto d = admin->describe_group("g");
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message().find("'g'"), std::string::npos) << d.error().to_string();
}

TEST_F(AdminTest, AnUnknownTopicIsNotFoundAndARetriableRefusalIsUnavailable) {
  broker_.on(ApiKey::kCreateTopics, [](const FakeBroker::Request& r) {
    auto req = r.decode<protocol::CreateTopicsRequest>();
    ErrorCode e = req.topics.at(0).name == "full" ? ErrorCode::kDiskFull : ErrorCode::kTopicAlreadyExists;
    return Answer::reply(protocol::CreateTopicsResponse{{{req.topics.at(0).name, e, "why"}}});
  });
  broker_.on(ApiKey::kDeleteTopics, [](const FakeBroker::Request&) {
    return Answer::reply(protocol::DeleteTopicsResponse{{{"t", ErrorCode::kUnknownTopicOrPartition, ""}}});
  });
  auto admin = make();
  Status full = admin->create_topic({.name = "full"});
  EXPECT_EQ(full.code(), Status::Code::kUnavailable) << full.to_string();
  EXPECT_NE(full.message().find("DISK_FULL"), std::string::npos);
  Status exists = admin->create_topic({.name = "t"});
  EXPECT_EQ(exists.code(), Status::Code::kInvalidArgument) << exists.to_string();
  EXPECT_NE(exists.message().find("TOPIC_ALREADY_EXISTS"), std::string::npos);
  EXPECT_EQ(admin->delete_topic("t").code(), Status::Code::kNotFound);
}

TEST_F(AdminTest, DescribeTopicGivesSettingsAndPartitions) {
  broker_.add_topic("t", 2);
  auto admin = make();
  auto d = admin->describe_topic("t");
  ASSERT_TRUE(d) << d.error().to_string();
  EXPECT_EQ(d->name, "t");
  ASSERT_EQ(d->partitions.size(), 2u);
  EXPECT_EQ(d->partitions[1].partition, 1);
  EXPECT_EQ(admin->describe_topic("nope").error().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace cairn::testing
