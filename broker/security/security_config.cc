#include "broker/security/security_config.h"

#include <algorithm>

#include "broker/security/acl.h"
#include "broker/security/principal_mapper.h"

namespace cairn::broker::security {

namespace {

std::vector<std::string_view> split_list(std::string_view list) {
  std::vector<std::string_view> out;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    out.push_back(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace

Result<std::vector<SaslMechanism>> parse_sasl_mechanisms(std::string_view list) {
  std::vector<SaslMechanism> out;
  for (std::string_view name : split_list(list)) {
    auto m = parse_sasl_mechanism(name);
    if (!m) {
      return Status::invalid_argument("--sasl-mechanisms: unknown mechanism '" + std::string(name) +
                                      "' (SCRAM-SHA-256, SCRAM-SHA-512 or PLAIN)");
    }
    out.push_back(*m);
  }
  return out;
}

Result<std::set<std::string, std::less<>>> parse_super_users(std::string_view list) {
  std::set<std::string, std::less<>> out;
  for (std::string_view principal : split_list(list)) {
    out.emplace(principal);
  }
  return out;
}

Result<bool> parse_on_off(std::string_view value) {
  if (value == "on") return true;
  if (value == "off") return false;
  return Status::invalid_argument("expected on or off, not '" + std::string(value) + "'");
}

Status SecurityConfig::validate() const {
  if (tls_cert.has_value() != tls_key.has_value()) {
    return Status::invalid_argument("--tls-cert and --tls-key go together");
  }
  if (tls_client_ca && !tls()) {
    return Status::invalid_argument("--tls-client-ca needs TLS (--tls-cert and --tls-key)");
  }
  bool plain = std::ranges::find(sasl_mechanisms, SaslMechanism::kPlain) != sasl_mechanisms.end();
  if (plain && !tls()) {
    return Status::invalid_argument("--sasl-mechanisms PLAIN sends passwords as they are: it needs "
                                    "TLS (--tls-cert and --tls-key)");
  }
  for (size_t i = 0; i < sasl_mechanisms.size(); ++i) {
    if (std::count(sasl_mechanisms.begin(), sasl_mechanisms.end(), sasl_mechanisms[i]) > 1) {
      return Status::invalid_argument("--sasl-mechanisms names " +
                                      std::string(mechanism_name(sasl_mechanisms[i])) + " twice");
    }
  }
  if (!tls_principal_rules.empty()) {
    auto rules = PrincipalMapper::parse(tls_principal_rules);
    if (!rules) return rules.error().with_context("--tls-principal-rules");
  }
  for (const auto& user : super_users) {
    CAIRN_RETURN_IF_ERROR(validate_principal(user).with_context("--super-users"));
    if (user == kWildcardPrincipal) {
      return Status::invalid_argument("--super-users: User:* would make everyone a super user");
    }
  }
  return Status::ok();
}

std::vector<std::string> SecurityConfig::warnings() const {
  std::vector<std::string> out;
  bool authenticates = !sasl_mechanisms.empty() || tls_client_ca.has_value();
  if (authorizer && !authenticates) {
    out.push_back("--authorizer on without --sasl-mechanisms or --tls-client-ca: every client is "
                  "User:ANONYMOUS");
  }
  if (!sasl_mechanisms.empty() && !tls()) {
    out.push_back("SASL without TLS: passwords stay secret, but every record crosses the network "
                  "in the clear");
  }
  if (authenticates && !authorizer) {
    out.push_back("clients authenticate, but --authorizer is off: every client may do anything");
  }
  return out;
}

}  // namespace cairn::broker::security
