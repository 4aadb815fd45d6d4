#pragma once

// PrincipalMapper: the principal of a mutual-TLS client, from its certificate's subject.
//
// Rules in the syntax of Kafka's `ssl.principal.mapping.rules`, tried in order, the first that
// applies giving the name (the principal is "User:" + name):
//
//   RULE:pattern/replacement/[L|U]   if the ECMAScript regex `pattern` matches the whole
//                                    subject, the name is the subject with the match replaced
//                                    by `replacement` ($1, $2... are the groups), optionally
//                                    lower-cased (L) or upper-cased (U). '/' inside pattern or
//                                    replacement is written "\/". An empty result does not apply.
//   DEFAULT                          the whole subject.
//
// Rules are separated by commas (commas inside a RULE's pattern are part of it). The subject is
// in RFC 2253 form, most specific attribute first: "CN=alice,OU=eng,O=Acme".
//
// Cairn's default (`--tls-principal-rules` unset) is kDefaultPrincipalRules: the first CN whose
// value has no escaped character and that follows no escaped comma (so "O=a\,CN=admin" names
// no one admin), else the whole subject. Kafka's default is DEFAULT alone.
//
// Immutable once parsed; safe to share between threads.

#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/status.h"

namespace cairn::broker::security {

inline constexpr std::string_view kDefaultPrincipalRules =
    R"(RULE:^(.*?[^\\],)??CN=([^,\\+]+)(,.*)?$/$2/,DEFAULT)";

class PrincipalMapper {
 public:
  // kInvalidArgument naming the rule that does not parse (or whose regex does not compile).
  static Result<PrincipalMapper> parse(std::string_view rules);

  // "User:NAME" for `subject`; kNotFound when no rule applies.
  Result<std::string> principal_for(std::string_view subject) const;

 private:
  struct Rule {
    bool is_default = false;
    std::regex pattern;
    std::string replacement;
    char case_change = 0;  // 'L', 'U' or 0
  };
  std::vector<Rule> rules_;
};

}  // namespace cairn::broker::security
