#include "broker/security/principal_mapper.h"

#include <cctype>

namespace cairn::broker::security {

namespace {

constexpr std::string_view kRulePrefix = "RULE:";
constexpr std::string_view kDefault = "DEFAULT";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Reads up to the next '/' not escaped by a backslash, unescaping "\/"; advances `at` past it.
// False when there is no such '/'.
bool read_part(std::string_view text, size_t& at, std::string& out) {
  while (at < text.size()) {
    char c = text[at];
    if (c == '\\' && at + 1 < text.size() && text[at + 1] == '/') {
      out += '/';
      at += 2;
      continue;
    }
    ++at;
    if (c == '/') return true;
    out += c;
  }
  return false;
}

}  // namespace

Result<PrincipalMapper> PrincipalMapper::parse(std::string_view rules) {
  PrincipalMapper mapper;
  size_t at = 0;
  while (true) {
    while (at < rules.size() && (is_space(rules[at]) || rules[at] == ',')) ++at;
    if (at == rules.size()) break;
    std::string_view rest = rules.substr(at);
    if (rest.starts_with(kDefault)) {
      mapper.rules_.push_back(Rule{.is_default = true});
      at += kDefault.size();
    } else if (rest.starts_with(kRulePrefix)) {
      size_t start = at;
      at += kRulePrefix.size();
      std::string pattern, replacement;
      if (!read_part(rules, at, pattern) || !read_part(rules, at, replacement)) {
        return Status::invalid_argument("principal rule '" + std::string(rules.substr(start)) +
                                        "' is not RULE:pattern/replacement/[L|U]");
      }
      Rule rule;
      rule.replacement = std::move(replacement);
      if (at < rules.size() && (rules[at] == 'L' || rules[at] == 'U')) rule.case_change = rules[at++];
      try {
        rule.pattern = std::regex(pattern, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        return Status::invalid_argument("principal rule pattern '" + pattern + "': " + e.what());
      }
      mapper.rules_.push_back(std::move(rule));
    } else {
      return Status::invalid_argument("principal rule '" + std::string(rest) +
                                      "' starts with neither RULE: nor DEFAULT");
    }
    while (at < rules.size() && is_space(rules[at])) ++at;
    if (at < rules.size() && rules[at] != ',') {
      return Status::invalid_argument("principal rules: expected ',' before '" +
                                      std::string(rules.substr(at)) + "'");
    }
  }
  if (mapper.rules_.empty()) return Status::invalid_argument("no principal rules");
  return mapper;
}

Result<std::string> PrincipalMapper::principal_for(std::string_view subject) const {
  std::string text(subject);
  for (const Rule& rule : rules_) {
    if (rule.is_default) {
      if (!text.empty()) return "User:" + text;
      continue;
    }
    if (!std::regex_match(text, rule.pattern)) continue;
    std::string name = std::regex_replace(text, rule.pattern, rule.replacement,
                                          std::regex_constants::format_first_only);
    for (char& c : name) {
      auto u = static_cast<unsigned char>(c);
      if (rule.case_change == 'L') c = static_cast<char>(std::tolower(u));
      if (rule.case_change == 'U') c = static_cast<char>(std::toupper(u));
    }
    if (!name.empty()) return "User:" + name;
  }
  return Status::not_found("no principal rule applies to the certificate subject '" + text + "'");
}

}  // namespace cairn::broker::security
