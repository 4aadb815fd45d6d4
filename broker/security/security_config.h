#pragma once

// SecurityConfig: cairnd's security settings, under their flag names (the same keys in the
// config file), with the rules that tie them together. Parsed and checked at start; the broker
// refuses to start with a bad combination rather than run less safely than asked.

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "broker/security/sasl_authenticator.h"
#include "protocol/status.h"

namespace cairn::broker::security {

struct SecurityConfig {
  std::optional<std::filesystem::path> tls_cert;       // --tls-cert: PEM certificate (+ chain)
  std::optional<std::filesystem::path> tls_key;        // --tls-key: its PEM private key
  std::optional<std::filesystem::path> tls_client_ca;  // --tls-client-ca: require client certificates (mTLS)
  std::string tls_principal_rules;  // --tls-principal-rules: empty means kDefaultPrincipalRules
  std::vector<SaslMechanism> sasl_mechanisms;  // --sasl-mechanisms SCRAM-SHA-256[,SCRAM-SHA-512][,PLAIN]
  bool authorizer = false;                     // --authorizer on|off
  std::set<std::string, std::less<>> super_users;  // --super-users User:NAME[,User:NAME...]

  bool tls() const { return tls_cert.has_value(); }
  // kInvalidArgument naming the flags that do not go together: a certificate without its key
  // (or the reverse), a client CA without TLS, PLAIN without TLS, a mechanism twice, principal
  // rules that do not parse, a super user that is not User:NAME (User:* is refused).
  Status validate() const;
  // Legal but probably not meant: for the broker's log at start.
  std::vector<std::string> warnings() const;
};

// "SCRAM-SHA-256,SCRAM-SHA-512": names as SASL spells them, comma separated.
Result<std::vector<SaslMechanism>> parse_sasl_mechanisms(std::string_view list);
// "User:alice,User:admin".
Result<std::set<std::string, std::less<>>> parse_super_users(std::string_view list);
// "on" or "off".
Result<bool> parse_on_off(std::string_view value);

}  // namespace cairn::broker::security
