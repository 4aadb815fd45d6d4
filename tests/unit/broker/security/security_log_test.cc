// The security records against storage/FORMAT.md ("Security records"): expected bytes are
// typed from the spec's table, not produced by the encoder; then replay and its refusals.

#include "broker/security/security_log.h"

#include <gtest/gtest.h>

#include "protocol/record_batch_builder.h"

namespace cairn::broker::security {
namespace {

using protocol::sasl::ScramHash;

std::vector<std::byte> bytes(std::initializer_list<int> values) {
  std::vector<std::byte> out;
  for (int v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}
void append(std::vector<std::byte>& out, const std::vector<std::byte>& more) {
  out.insert(out.end(), more.begin(), more.end());
}
std::vector<std::byte> text(std::string_view s) {
  auto b = protocol::as_bytes(s);
  return {b.begin(), b.end()};
}
std::vector<std::byte> filled(size_t n, int value) {
  return std::vector<std::byte>(n, static_cast<std::byte>(value));
}

ScramCredential sample_credential() {
  return ScramCredential{ScramHash::kSha256, filled(8, 0x5a), 4096, filled(32, 0x11), filled(32, 0x22)};
}

struct StoredRecord {
  std::vector<std::byte> key;
  std::optional<std::vector<std::byte>> value;
};

// The records of a batch, as bytes, after sealing and parsing it as the log would.
std::vector<StoredRecord> records_of(std::vector<std::byte> batch) {
  auto view = protocol::RecordBatchView::parse(batch, protocol::Verify::kStored);
  EXPECT_TRUE(view.has_value());
  std::vector<StoredRecord> out;
  protocol::RecordReader reader(*view);
  protocol::RecordView r;
  while (reader.next(r)) {
    StoredRecord s{{r.key->begin(), r.key->end()}, std::nullopt};
    if (r.value) s.value = std::vector<std::byte>(r.value->begin(), r.value->end());
    out.push_back(std::move(s));
  }
  return out;
}

// A batch holding records with exactly these keys and values.
Result<std::vector<SecurityChange>> decode(const std::vector<StoredRecord>& records) {
  protocol::RecordBatchBuilder b;
  for (const auto& r : records) {
    b.append(timestamp_from_millis(0), protocol::Bytes(r.key),
             r.value ? std::optional<protocol::Bytes>(*r.value) : std::nullopt);
  }
  auto batch = b.seal();
  auto view = protocol::RecordBatchView::parse(batch, protocol::Verify::kStored);
  EXPECT_TRUE(view.has_value());
  return decode_security_batch(*view);
}

// FORMAT.md: type 1, key u8 1, user string, mechanism u8; value iterations u32, salt, StoredKey
// and ServerKey as u16-length strings.
std::vector<std::byte> spec_credential_key() {
  auto key = bytes({0x01, 0x05, 0x00});
  append(key, text("alice"));
  append(key, bytes({0x01}));  // SCRAM-SHA-256
  return key;
}
std::vector<std::byte> spec_credential_value() {
  auto value = bytes({0x00, 0x10, 0x00, 0x00});  // 4096
  append(value, bytes({0x08, 0x00}));
  append(value, filled(8, 0x5a));
  append(value, bytes({0x20, 0x00}));
  append(value, filled(32, 0x11));
  append(value, bytes({0x20, 0x00}));
  append(value, filled(32, 0x22));
  return value;
}
// Type 2: key u8 2, resource type i8, pattern type i8, resource name, principal, operation i8,
// permission i8; value empty.
std::vector<std::byte> spec_acl_key() {
  auto key = bytes({0x02, 0x02, 0x04, 0x03, 0x00});  // topic, prefixed, name of 3 bytes
  append(key, text("ord"));
  append(key, bytes({0x0a, 0x00}));
  append(key, text("User:alice"));
  append(key, bytes({0x03, 0x03}));  // read, allow
  return key;
}
AclBinding spec_binding() {
  return {"User:alice", AclPermission::kAllow, AclOperation::kRead,
          {ResourceType::kTopic, "ord", PatternType::kPrefixed}};
}

TEST(SecurityRecords, ACredentialRecordIsLaidOutAsFormatMdSays) {
  auto records = records_of(encode_security_batch(
      {CredentialChange{"alice", ScramMechanism::kScramSha256, sample_credential()}},
      timestamp_from_millis(0)));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].key, spec_credential_key());
  EXPECT_EQ(records[0].value, spec_credential_value());

  auto changes = decode({{spec_credential_key(), spec_credential_value()}});
  ASSERT_TRUE(changes.has_value()) << changes.status().to_string();
  const auto& c = std::get<CredentialChange>((*changes)[0]);
  EXPECT_EQ(c.user, "alice");
  EXPECT_EQ(c.credential, sample_credential());
}

TEST(SecurityRecords, AnAclRecordIsLaidOutAsFormatMdSays) {
  auto records = records_of(
      encode_security_batch({AclChange{spec_binding(), true}, AclChange{spec_binding(), false}},
                            timestamp_from_millis(0)));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].key, spec_acl_key());
  EXPECT_EQ(records[0].value, std::vector<std::byte>{}) << "present: an empty value, not null";
  EXPECT_EQ(records[1].key, spec_acl_key());
  EXPECT_FALSE(records[1].value) << "removed: a null value";

  auto changes = decode({{spec_acl_key(), std::vector<std::byte>{}}});
  ASSERT_TRUE(changes.has_value()) << changes.status().to_string();
  EXPECT_EQ(std::get<AclChange>((*changes)[0]).binding, spec_binding());
}

Status replay_all(SecurityState& state, const std::vector<SecurityChange>& changes) {
  auto batch = encode_security_batch(changes, system_now());
  auto view = protocol::RecordBatchView::parse(batch, protocol::Verify::kStored);
  if (!view) return view.error();
  return state.replay(*view);
}

TEST(SecurityRecords, ReplayKeepsTheLastRecordOfEachKeyAndNullsRemove) {
  SecurityState state;
  auto other = sample_credential();
  other.iterations = 5000;
  ASSERT_TRUE(replay_all(state, {CredentialChange{"alice", ScramMechanism::kScramSha256, sample_credential()},
                                 CredentialChange{"alice", ScramMechanism::kScramSha256, other},
                                 CredentialChange{"bob", ScramMechanism::kScramSha256, sample_credential()},
                                 AclChange{spec_binding(), true}})
                  .is_ok());
  EXPECT_EQ(state.credentials().find("alice", ScramMechanism::kScramSha256)->iterations, 5000u);
  EXPECT_EQ(state.acls().size(), 1u);
  ASSERT_TRUE(replay_all(state, {CredentialChange{"bob", ScramMechanism::kScramSha256, std::nullopt},
                                 AclChange{spec_binding(), false}})
                  .is_ok());
  EXPECT_FALSE(state.credentials().contains("bob"));
  EXPECT_TRUE(state.credentials().contains("alice"));
  EXPECT_EQ(state.acls().size(), 0u);
}

TEST(SecurityRecords, ARecordThatDoesNotDecodeMakesTheLogUnreadable) {
  auto key = spec_credential_key();
  auto value = spec_credential_value();
  for (size_t n = 0; n < key.size(); ++n) {
    EXPECT_FALSE(decode({{std::vector<std::byte>(key.begin(), key.begin() + n), value}}).has_value())
        << "key cut to " << n;
  }
  for (size_t n = 0; n < value.size(); ++n) {
    EXPECT_FALSE(decode({{key, std::vector<std::byte>(value.begin(), value.begin() + n)}}).has_value())
        << "value cut to " << n;
  }
  auto longer = value;
  longer.push_back(std::byte{0});
  EXPECT_FALSE(decode({{key, longer}}).has_value());
  auto unknown_type = key;
  unknown_type[0] = std::byte{3};
  EXPECT_FALSE(decode({{unknown_type, value}}).has_value());
  auto unknown_mechanism = key;
  unknown_mechanism.back() = std::byte{3};
  EXPECT_FALSE(decode({{unknown_mechanism, value}}).has_value());
  EXPECT_FALSE(decode({{spec_acl_key(), bytes({0x00})}}).has_value());
  auto bad_operation = spec_acl_key();
  bad_operation[bad_operation.size() - 2] = std::byte{1};  // ANY is no stored operation
  EXPECT_FALSE(decode({{bad_operation, std::vector<std::byte>{}}}).has_value());
  EXPECT_FALSE(decode({{std::vector<std::byte>{}, value}}).has_value());
}

TEST(SecurityRecords, ARecordThatBreaksABoundMakesTheLogUnreadable) {
  SecurityState state;
  auto weak = sample_credential();
  weak.iterations = 1000;
  Status s = replay_all(state, {CredentialChange{"alice", ScramMechanism::kScramSha256, weak}});
  EXPECT_EQ(s.code(), Status::Code::kCorruption) << s.to_string();
  auto short_key = sample_credential();
  short_key.stored_key.resize(20);
  EXPECT_FALSE(
      replay_all(state, {CredentialChange{"alice", ScramMechanism::kScramSha256, short_key}})
          .is_ok());
  auto wrong_hash = sample_credential();  // SHA-256-sized keys under SCRAM-SHA-512
  EXPECT_FALSE(
      replay_all(state, {CredentialChange{"alice", ScramMechanism::kScramSha512, wrong_hash}})
          .is_ok());
  AclBinding cluster_prefix{"User:a", AclPermission::kAllow, AclOperation::kCreate,
                            {ResourceType::kCluster, "kafka", PatternType::kPrefixed}};
  EXPECT_FALSE(replay_all(state, {AclChange{cluster_prefix, true}}).is_ok());
  EXPECT_EQ(state.credentials().size(), 0u);
}

TEST(SecurityRecords, TheSecurityTopicIsOnePartitionSyncedAndNeverTrimmed) {
  auto c = security_topic_config();
  EXPECT_EQ(c.partitions, 1);
  EXPECT_EQ(c.durability.to_string(), "always");
  EXPECT_FALSE(c.retention_bytes);
  EXPECT_FALSE(c.retention_age);
  EXPECT_TRUE(kSecurityTopic.starts_with("__")) << "internal: clients cannot produce to it";
}

TEST(CredentialStore, KeepsOneCredentialPerUserAndMechanism) {
  CredentialStore store;
  auto sha512 = ScramCredential{ScramHash::kSha512, filled(8, 1), 4096, filled(64, 2), filled(64, 3)};
  ASSERT_TRUE(store.set("alice", ScramMechanism::kScramSha256, sample_credential()).is_ok());
  ASSERT_TRUE(store.set("alice", ScramMechanism::kScramSha512, sha512).is_ok());
  ASSERT_TRUE(store.set("bob", ScramMechanism::kScramSha256, sample_credential()).is_ok());
  EXPECT_EQ(store.users().at("alice").size(), 2u);
  EXPECT_EQ(store.find("alice", ScramMechanism::kScramSha512), sha512);
  EXPECT_TRUE(store.remove("alice", ScramMechanism::kScramSha256));
  EXPECT_FALSE(store.remove("alice", ScramMechanism::kScramSha256));
  EXPECT_TRUE(store.contains("alice"));
  EXPECT_FALSE(store.find("carol", ScramMechanism::kScramSha256));
  EXPECT_FALSE(store.set("", ScramMechanism::kScramSha256, sample_credential()).is_ok());
  EXPECT_FALSE(store.set("a\nb", ScramMechanism::kScramSha256, sample_credential()).is_ok());
  EXPECT_FALSE(store.set(std::string(256, 'u'), ScramMechanism::kScramSha256, sample_credential()).is_ok());
  EXPECT_FALSE(store.set("dave", ScramMechanism::kScramSha512, sample_credential()).is_ok());
  EXPECT_EQ(store.size(), 2u);
}

}  // namespace
}  // namespace cairn::broker::security
