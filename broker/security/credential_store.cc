#include "broker/security/credential_store.h"

#include <algorithm>

namespace cairn::broker::security {

Status validate_username(std::string_view name) {
  if (name.empty() || name.size() > kMaxUsernameBytes) {
    return Status::invalid_argument("a user name is 1 to 255 bytes");
  }
  bool control = std::ranges::any_of(
      name, [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
  if (control) return Status::invalid_argument("a user name holds a control character");
  return Status::ok();
}

Status CredentialStore::set(const std::string& user, ScramMechanism mechanism,
                            ScramCredential credential) {
  CAIRN_RETURN_IF_ERROR(validate_username(user));
  CAIRN_RETURN_IF_ERROR(protocol::sasl::validate_credential(credential));
  if (credential.hash != protocol::sasl::hash_of(mechanism)) {
    return Status::invalid_argument("a credential of another hash than " +
                                    std::string(protocol::sasl::mechanism_name(mechanism)) + "'s");
  }
  credentials_[{user, mechanism}] = std::move(credential);
  return Status::ok();
}

bool CredentialStore::remove(std::string_view user, ScramMechanism mechanism) {
  return credentials_.erase({std::string(user), mechanism}) > 0;
}

std::optional<ScramCredential> CredentialStore::find(std::string_view user,
                                                     ScramMechanism mechanism) const {
  auto it = credentials_.find({std::string(user), mechanism});
  if (it == credentials_.end()) return std::nullopt;
  return it->second;
}

bool CredentialStore::contains(std::string_view user) const {
  return std::ranges::any_of(protocol::sasl::kScramMechanisms,
                             [&](ScramMechanism m) { return find(user, m).has_value(); });
}

std::map<std::string, std::vector<ScramMechanism>> CredentialStore::users() const {
  std::map<std::string, std::vector<ScramMechanism>> out;
  for (const auto& [key, credential] : credentials_) out[key.first].push_back(key.second);
  return out;
}

}  // namespace cairn::broker::security
