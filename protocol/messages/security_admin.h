#pragma once

// Bodies of the security management APIs (PROTOCOL.md, "Managing users and ACLs"), shaped like
// Kafka's CreateAcls, DescribeAcls, DeleteAcls, AlterUserScramCredentials and
// DescribeUserScramCredentials. Codes are Kafka's: resource type 1 any, 2 topic, 3 group,
// 4 cluster, 5 transactional id; pattern type 1 any, 2 match, 3 literal, 4 prefixed; operation
// 1 any, 2 all, 3 read ... 12 idempotent write; permission 1 any, 2 deny, 3 allow; SCRAM
// mechanism 1 SCRAM-SHA-256, 2 SCRAM-SHA-512.

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/codec.h"
#include "protocol/error_code.h"

namespace cairn::protocol {

inline constexpr int8_t kAclAny = 1;

struct WireAclBinding {
  int8_t resource_type = 2;
  std::string resource_name;
  int8_t pattern_type = 3;
  std::string principal;
  int8_t operation = 3;
  int8_t permission = 3;
  friend bool operator==(const WireAclBinding&, const WireAclBinding&) = default;
};

// A binding filter: codes as above (1: any); an empty name or principal matches any.
struct WireAclFilter {
  int8_t resource_type = kAclAny;
  std::string resource_name;
  int8_t pattern_type = kAclAny;
  std::string principal;
  int8_t operation = kAclAny;
  int8_t permission = kAclAny;
};

struct AclResult {
  ErrorCode error = ErrorCode::kNone;
  std::string message;
};

struct CreateAclsRequest {
  std::vector<WireAclBinding> creations;

  void encode(Encoder& e, uint16_t version) const;
  static Result<CreateAclsRequest> decode(Bytes body, uint16_t version);
};

struct CreateAclsResponse {
  std::vector<AclResult> results;  // one per creation, in order

  void encode(Encoder& e, uint16_t version) const;
  static Result<CreateAclsResponse> decode(Bytes body, uint16_t version);
};

struct DescribeAclsRequest {
  WireAclFilter filter;

  void encode(Encoder& e, uint16_t version) const;
  static Result<DescribeAclsRequest> decode(Bytes body, uint16_t version);
};

struct DescribeAclsResponse {
  ErrorCode error = ErrorCode::kNone;
  std::string message;
  std::vector<WireAclBinding> bindings;

  void encode(Encoder& e, uint16_t version) const;
  static Result<DescribeAclsResponse> decode(Bytes body, uint16_t version);
};

struct DeleteAclsRequest {
  std::vector<WireAclFilter> filters;

  void encode(Encoder& e, uint16_t version) const;
  static Result<DeleteAclsRequest> decode(Bytes body, uint16_t version);
};

struct DeleteAclsResult {
  ErrorCode error = ErrorCode::kNone;
  std::string message;
  std::vector<WireAclBinding> deleted;  // the bindings this filter removed
};

struct DeleteAclsResponse {
  std::vector<DeleteAclsResult> results;  // one per filter, in order

  void encode(Encoder& e, uint16_t version) const;
  static Result<DeleteAclsResponse> decode(Bytes body, uint16_t version);
};

struct ScramDeletion {
  std::string name;
  int8_t mechanism = 1;
};

// The client salts the password (PBKDF2 with the mechanism's hash), as Kafka's does; the broker
// derives and stores the verifiers only.
struct ScramUpsertion {
  std::string name;
  int8_t mechanism = 1;
  int32_t iterations = 0;
  std::vector<std::byte> salt;
  std::vector<std::byte> salted_password;
};

struct AlterUserScramCredentialsRequest {
  std::vector<ScramDeletion> deletions;
  std::vector<ScramUpsertion> upsertions;

  void encode(Encoder& e, uint16_t version) const;
  static Result<AlterUserScramCredentialsRequest> decode(Bytes body, uint16_t version);
};

struct UserResult {
  std::string user;
  ErrorCode error = ErrorCode::kNone;
  std::string message;
};

struct AlterUserScramCredentialsResponse {
  std::vector<UserResult> results;  // deletions, then upsertions, in order

  void encode(Encoder& e, uint16_t version) const;
  static Result<AlterUserScramCredentialsResponse> decode(Bytes body, uint16_t version);
};

struct DescribeUserScramCredentialsRequest {
  std::vector<std::string> users;  // empty: every user

  void encode(Encoder& e, uint16_t version) const;
  static Result<DescribeUserScramCredentialsRequest> decode(Bytes body, uint16_t version);
};

struct ScramCredentialInfo {
  int8_t mechanism = 1;
  int32_t iterations = 0;
};

struct DescribedUser {
  std::string user;
  ErrorCode error = ErrorCode::kNone;
  std::vector<ScramCredentialInfo> credentials;
};

struct DescribeUserScramCredentialsResponse {
  ErrorCode error = ErrorCode::kNone;
  std::string message;
  std::vector<DescribedUser> users;

  void encode(Encoder& e, uint16_t version) const;
  static Result<DescribeUserScramCredentialsResponse> decode(Bytes body, uint16_t version);
};

}  // namespace cairn::protocol
