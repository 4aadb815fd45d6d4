#include "broker/security/security_log.h"

#include "protocol/codec.h"
#include "protocol/record_batch_builder.h"
#include "storage/log_replay.h"
#include "storage/partition_log.h"

namespace cairn::broker::security {

namespace {

// Record types, the first byte of every key (storage/FORMAT.md, "Security records").
constexpr uint8_t kCredentialKey = 1;
constexpr uint8_t kAclKey = 2;

using protocol::as_bytes;
using protocol::as_string_view;

std::vector<std::byte> credential_key(const CredentialChange& c) {
  std::vector<std::byte> out;
  protocol::Encoder e(out);
  e.write<uint8_t>(kCredentialKey);
  e.write_string(c.user);
  e.write<uint8_t>(static_cast<uint8_t>(c.mechanism));
  return out;
}

std::vector<std::byte> credential_value(const ScramCredential& c) {
  std::vector<std::byte> out;
  protocol::Encoder e(out);
  e.write<uint32_t>(c.iterations);
  e.write_string(as_string_view(c.salt));
  e.write_string(as_string_view(c.stored_key));
  e.write_string(as_string_view(c.server_key));
  return out;
}

std::vector<std::byte> acl_key(const AclBinding& b) {
  std::vector<std::byte> out;
  protocol::Encoder e(out);
  e.write<uint8_t>(kAclKey);
  e.write<int8_t>(static_cast<int8_t>(b.pattern.type));
  e.write<int8_t>(static_cast<int8_t>(b.pattern.pattern));
  e.write_string(b.pattern.name);
  e.write_string(b.principal);
  e.write<int8_t>(static_cast<int8_t>(b.operation));
  e.write<int8_t>(static_cast<int8_t>(b.permission));
  return out;
}

std::vector<std::byte> bytes_of(const std::string& s) {
  auto b = as_bytes(s);
  return {b.begin(), b.end()};
}

Result<SecurityChange> decode_credential(protocol::Decoder& key,
                                         const std::optional<protocol::Bytes>& value) {
  CredentialChange c;
  c.user = key.read_string("user");
  auto code = key.read<uint8_t>("mechanism");
  CAIRN_RETURN_IF_ERROR(key.finish("credential key"));
  auto mechanism = protocol::sasl::scram_mechanism_from_code(code);
  if (!mechanism) return Status::corruption("unknown SCRAM mechanism " + std::to_string(code));
  c.mechanism = *mechanism;
  if (!value) return SecurityChange(std::move(c));
  protocol::Decoder v(*value);
  ScramCredential credential;
  credential.hash = protocol::sasl::hash_of(*mechanism);
  credential.iterations = v.read<uint32_t>("iterations");
  credential.salt = bytes_of(v.read_string("salt"));
  credential.stored_key = bytes_of(v.read_string("stored key"));
  credential.server_key = bytes_of(v.read_string("server key"));
  CAIRN_RETURN_IF_ERROR(v.finish("credential value"));
  c.credential = std::move(credential);
  return SecurityChange(std::move(c));
}

Result<SecurityChange> decode_acl(protocol::Decoder& key,
                                  const std::optional<protocol::Bytes>& value) {
  auto type = resource_type_from_code(key.read<int8_t>("resource type"));
  auto pattern = pattern_type_from_code(key.read<int8_t>("pattern type"));
  std::string name = key.read_string("resource name");
  std::string principal = key.read_string("principal");
  auto operation = operation_from_code(key.read<int8_t>("operation"));
  auto permission = permission_from_code(key.read<int8_t>("permission"));
  CAIRN_RETURN_IF_ERROR(key.finish("ACL key"));
  if (!type || !pattern || !operation || !permission) {
    return Status::corruption("an ACL key with an unknown code");
  }
  if (value && !value->empty()) return Status::corruption("an ACL value that is not empty");
  AclChange a;
  a.binding = AclBinding{std::move(principal), *permission, *operation,
                         ResourcePattern{*type, std::move(name), *pattern}};
  a.present = value.has_value();
  return SecurityChange(std::move(a));
}

}  // namespace

storage::TopicConfig security_topic_config() {
  storage::TopicConfig c;
  c.partitions = 1;
  c.segment_bytes = 64ull << 20;
  c.durability = storage::DurabilityPolicy::always();
  return c;
}

std::vector<std::byte> encode_security_batch(const std::vector<SecurityChange>& changes,
                                             Timestamp now) {
  protocol::RecordBatchBuilder b;
  for (const auto& change : changes) {
    if (const auto* c = std::get_if<CredentialChange>(&change)) {
      auto key = credential_key(*c);
      if (c->credential) {
        auto value = credential_value(*c->credential);
        b.append(now, protocol::Bytes(key), protocol::Bytes(value));
      } else {
        b.append(now, protocol::Bytes(key), std::nullopt);
      }
      continue;
    }
    const auto& a = std::get<AclChange>(change);
    auto key = acl_key(a.binding);
    if (a.present) {
      b.append(now, protocol::Bytes(key), protocol::Bytes());
    } else {
      b.append(now, protocol::Bytes(key), std::nullopt);
    }
  }
  return b.seal();
}

Result<std::vector<SecurityChange>> decode_security_batch(const protocol::RecordBatchView& batch) {
  std::vector<SecurityChange> out;
  protocol::RecordReader reader(batch);
  protocol::RecordView rec;
  while (reader.next(rec)) {
    std::string where = " (offset " + rec.offset.to_string() + ")";
    if (!rec.key || rec.key->empty())
      return Status::corruption("security record without a key" + where);
    protocol::Decoder key(*rec.key);
    auto type = key.read<uint8_t>("type");
    Result<SecurityChange> change =
        Status::corruption("unknown security record type " + std::to_string(type));
    if (type == kCredentialKey) change = decode_credential(key, rec.value);
    if (type == kAclKey) change = decode_acl(key, rec.value);
    if (!change) return Status::corruption(change.error().message() + where);
    out.push_back(std::move(*change));
  }
  CAIRN_RETURN_IF_ERROR(reader.status());
  return out;
}

Status SecurityState::apply(const SecurityChange& change) {
  if (const auto* c = std::get_if<CredentialChange>(&change)) {
    if (!c->credential) {
      credentials_.remove(c->user, c->mechanism);
      return Status::ok();
    }
    return credentials_.set(c->user, c->mechanism, *c->credential);
  }
  const auto& a = std::get<AclChange>(change);
  if (!a.present) {
    acls_.remove(a.binding);
    return Status::ok();
  }
  return acls_.add(a.binding).status();
}

Status SecurityState::replay(const protocol::RecordBatchView& batch) {
  auto changes = decode_security_batch(batch);
  if (!changes) return changes.error();
  for (const auto& change : *changes) {
    Status s = apply(change);
    if (!s.is_ok()) return Status::corruption("a stored security record: " + s.message());
  }
  return Status::ok();
}

Status replay_security_log(storage::PartitionLog& log, SecurityState& state) {
  return storage::replay_log(
             log, [&state](const protocol::RecordBatchView& batch) { return state.replay(batch); })
      .with_context("the security log");
}

}  // namespace cairn::broker::security
