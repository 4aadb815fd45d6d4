#include "protocol/messages/security_admin.h"

#include "protocol/messages/body_codec.h"

namespace cairn::protocol {

using body_codec::done;
using body_codec::kMinCount;
using body_codec::kMinString;
using body_codec::read_error;
using body_codec::write_error;

namespace {

// Bounds before anything is allocated: far more than one request needs.
constexpr uint32_t kMaxEntries = 10'000;
constexpr uint32_t kMaxMechanisms = 16;
constexpr size_t kMinBinding = 4 + 2 * kMinString;
constexpr size_t kMinError = 2 + kMinString;

void write_binding(Encoder& e, const WireAclBinding& b) {
  e.write<int8_t>(b.resource_type);
  e.write_string(b.resource_name);
  e.write<int8_t>(b.pattern_type);
  e.write_string(b.principal);
  e.write<int8_t>(b.operation);
  e.write<int8_t>(b.permission);
}

WireAclBinding read_binding(Decoder& d) {
  WireAclBinding b;
  b.resource_type = d.read<int8_t>("resource type");
  b.resource_name = d.read_string("resource name");
  b.pattern_type = d.read<int8_t>("pattern type");
  b.principal = d.read_string("principal");
  b.operation = d.read<int8_t>("operation");
  b.permission = d.read<int8_t>("permission");
  return b;
}

void write_bindings(Encoder& e, const std::vector<WireAclBinding>& bindings) {
  e.write_count(bindings.size());
  for (const auto& b : bindings) write_binding(e, b);
}

std::vector<WireAclBinding> read_bindings(Decoder& d, std::string_view field) {
  std::vector<WireAclBinding> out;
  uint32_t n = d.read_count(field, kMinBinding, kMaxEntries);
  for (uint32_t i = 0; i < n && d.ok(); ++i) out.push_back(read_binding(d));
  return out;
}

// A filter has the layout of a binding.
void write_filter(Encoder& e, const WireAclFilter& f) {
  write_binding(e, {f.resource_type, f.resource_name, f.pattern_type, f.principal, f.operation,
                    f.permission});
}

WireAclFilter read_filter(Decoder& d) {
  WireAclBinding b = read_binding(d);
  return {b.resource_type, std::move(b.resource_name),
          b.pattern_type,  std::move(b.principal),
          b.operation,     b.permission};
}

void write_blob(Encoder& e, const std::vector<std::byte>& b) { e.write_bytes32(b); }

std::vector<std::byte> read_blob(Decoder& d, std::string_view field) {
  Bytes b = d.read_bytes32(field);
  return {b.begin(), b.end()};
}

}  // namespace

void CreateAclsRequest::encode(Encoder& e, uint16_t) const { write_bindings(e, creations); }

Result<CreateAclsRequest> CreateAclsRequest::decode(Bytes body, uint16_t) {
  Decoder d(body);
  CreateAclsRequest r;
  r.creations = read_bindings(d, "creations");
  return done(d, std::move(r), "CreateAcls request");
}

void CreateAclsResponse::encode(Encoder& e, uint16_t) const {
  e.write_count(results.size());
  for (const auto& r : results) {
    write_error(e, r.error);
    e.write_string(r.message);
  }
}

Result<CreateAclsResponse> CreateAclsResponse::decode(Bytes body, uint16_t) {
  Decoder d(body);
  CreateAclsResponse r;
  uint32_t n = d.read_count("results", kMinError, kMaxEntries);
  for (uint32_t i = 0; i < n && d.ok(); ++i) {
    AclResult a;
    a.error = read_error(d);
    a.message = d.read_string("message");
    r.results.push_back(std::move(a));
  }
  return done(d, std::move(r), "CreateAcls response");
}

void DescribeAclsRequest::encode(Encoder& e, uint16_t) const { write_filter(e, filter); }

Result<DescribeAclsRequest> DescribeAclsRequest::decode(Bytes body, uint16_t) {
  Decoder d(body);
  DescribeAclsRequest r;
  r.filter = read_filter(d);
  return done(d, std::move(r), "DescribeAcls request");
}

void DescribeAclsResponse::encode(Encoder& e, uint16_t) const {
  write_error(e, error);
  e.write_string(message);
  write_bindings(e, bindings);
}

Result<DescribeAclsResponse> DescribeAclsResponse::decode(Bytes body, uint16_t) {
  Decoder d(body);
  DescribeAclsResponse r;
  r.error = read_error(d);
  r.message = d.read_string("message");
  r.bindings = read_bindings(d, "bindings");
  return done(d, std::move(r), "DescribeAcls response");
}

void DeleteAclsRequest::encode(Encoder& e, uint16_t) const {
  e.write_count(filters.size());
  for (const auto& f : filters) write_filter(e, f);
}

Result<DeleteAclsRequest> DeleteAclsRequest::decode(Bytes body, uint16_t) {
  Decoder d(body);
  DeleteAclsRequest r;
  uint32_t n = d.read_count("filters", kMinBinding, kMaxEntries);
  for (uint32_t i = 0; i < n && d.ok(); ++i) r.filters.push_back(read_filter(d));
  return done(d, std::move(r), "DeleteAcls request");
}

void DeleteAclsResponse::encode(Encoder& e, uint16_t) const {
  e.write_count(results.size());
  for (const auto& r : results) {
    write_error(e, r.error);
    e.write_string(r.message);
    write_bindings(e, r.deleted);
  }
}

Result<DeleteAclsResponse> DeleteAclsResponse::decode(Bytes body, uint16_t) {
  Decoder d(body);
  DeleteAclsResponse r;
  uint32_t n = d.read_count("results", kMinError + kMinCount, kMaxEntries);
  for (uint32_t i = 0; i < n && d.ok(); ++i) {
    DeleteAclsResult a;
    a.error = read_error(d);
    a.message = d.read_string("message");
    a.deleted = read_bindings(d, "deleted");
    r.results.push_back(std::move(a));
  }
  return done(d, std::move(r), "DeleteAcls response");
}

void AlterUserScramCredentialsRequest::encode(Encoder& e, uint16_t) const {
  e.write_count(deletions.size());
  for (const auto& x : deletions) {
    e.write_string(x.name);
    e.write<int8_t>(x.mechanism);
  }
  e.write_count(upsertions.size());
  for (const auto& x : upsertions) {
    e.write_string(x.name);
    e.write<int8_t>(x.mechanism);
    e.write<int32_t>(x.iterations);
    write_blob(e, x.salt);
    write_blob(e, x.salted_password);
  }
}

Result<AlterUserScramCredentialsRequest> AlterUserScramCredentialsRequest::decode(Bytes body,
                                                                                  uint16_t) {
  Decoder d(body);
  AlterUserScramCredentialsRequest r;
  uint32_t n = d.read_count("deletions", kMinString + 1, kMaxEntries);
  for (uint32_t i = 0; i < n && d.ok(); ++i) {
    ScramDeletion x;
    x.name = d.read_string("name");
    x.mechanism = d.read<int8_t>("mechanism");
    r.deletions.push_back(std::move(x));
  }
  n = d.read_count("upsertions", kMinString + 1 + 4 + 4 + 4, kMaxEntries);
  for (uint32_t i = 0; i < n && d.ok(); ++i) {
    ScramUpsertion x;
    x.name = d.read_string("name");
    x.mechanism = d.read<int8_t>("mechanism");
    x.iterations = d.read<int32_t>("iterations");
    x.salt = read_blob(d, "salt");
    x.salted_password = read_blob(d, "salted password");
    r.upsertions.push_back(std::move(x));
  }
  return done(d, std::move(r), "AlterUserScramCredentials request");
}

void AlterUserScramCredentialsResponse::encode(Encoder& e, uint16_t) const {
  e.write_count(results.size());
  for (const auto& r : results) {
    e.write_string(r.user);
    write_error(e, r.error);
    e.write_string(r.message);
  }
}

Result<AlterUserScramCredentialsResponse> AlterUserScramCredentialsResponse::decode(Bytes body,
                                                                                    uint16_t) {
  Decoder d(body);
  AlterUserScramCredentialsResponse r;
  uint32_t n = d.read_count("results", kMinString + kMinError, kMaxEntries);
  for (uint32_t i = 0; i < n && d.ok(); ++i) {
    UserResult u;
    u.user = d.read_string("user");
    u.error = read_error(d);
    u.message = d.read_string("message");
    r.results.push_back(std::move(u));
  }
  return done(d, std::move(r), "AlterUserScramCredentials response");
}

void DescribeUserScramCredentialsRequest::encode(Encoder& e, uint16_t) const {
  e.write_count(users.size());
  for (const auto& u : users) e.write_string(u);
}

Result<DescribeUserScramCredentialsRequest> DescribeUserScramCredentialsRequest::decode(Bytes body,
                                                                                        uint16_t) {
  Decoder d(body);
  DescribeUserScramCredentialsRequest r;
  uint32_t n = d.read_count("users", kMinString, kMaxEntries);
  for (uint32_t i = 0; i < n && d.ok(); ++i) r.users.push_back(d.read_string("user"));
  return done(d, std::move(r), "DescribeUserScramCredentials request");
}

void DescribeUserScramCredentialsResponse::encode(Encoder& e, uint16_t) const {
  write_error(e, error);
  e.write_string(message);
  e.write_count(users.size());
  for (const auto& u : users) {
    e.write_string(u.user);
    write_error(e, u.error);
    e.write_count(u.credentials.size());
    for (const auto& c : u.credentials) {
      e.write<int8_t>(c.mechanism);
      e.write<int32_t>(c.iterations);
    }
  }
}

Result<DescribeUserScramCredentialsResponse> DescribeUserScramCredentialsResponse::decode(
    Bytes body, uint16_t) {
  Decoder d(body);
  DescribeUserScramCredentialsResponse r;
  r.error = read_error(d);
  r.message = d.read_string("message");
  uint32_t n = d.read_count("users", kMinString + 2 + kMinCount, kMaxEntries);
  for (uint32_t i = 0; i < n && d.ok(); ++i) {
    DescribedUser u;
    u.user = d.read_string("user");
    u.error = read_error(d);
    uint32_t m = d.read_count("credentials", 1 + 4, kMaxMechanisms);
    for (uint32_t j = 0; j < m && d.ok(); ++j) {
      ScramCredentialInfo c;
      c.mechanism = d.read<int8_t>("mechanism");
      c.iterations = d.read<int32_t>("iterations");
      u.credentials.push_back(c);
    }
    r.users.push_back(std::move(u));
  }
  return done(d, std::move(r), "DescribeUserScramCredentials response");
}

}  // namespace cairn::protocol
