#include "tools/common/help_export.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tests/support/test_util.h"

namespace cairn::tools {
namespace {

struct Tree {
  CLI::App root{"cairn: a test tool", "cairn"};
  std::string broker, name, offset;
  int count = 0;
  Tree() {
    root.fallthrough();
    root.add_option("-b,--broker", broker, "Broker address")->capture_default_str();
    auto* topics = root.add_subcommand("topics", "Create and list topics");
    topics->alias("topic");
    topics->add_subcommand("list", "List topic names");
    topics->add_subcommand("describe", "Describe a topic")->add_option("name", name, "Topic name")->required();
    auto* consume = root.add_subcommand("consume", "Print records");
    consume->add_option("topic", name, "Topic")->required();
    consume->add_option("--count", count, "Stop after this many")->capture_default_str();
    consume->add_option("--offset", offset, "Where to start");
    root.add_subcommand("secret", "Hidden")->group("");
  }
};

// What bash completes for `line` (the cursor at its end) with `script` loaded.
std::string bash_completes(const std::string& script, const std::string& line) {
  testing::TempDir tmp;
  auto file = tmp.path() / "completion.bash";
  std::ofstream(file) << script;
  std::string command = "bash -c 'source " + file.string() + "; COMP_WORDS=(" + line +
                        "); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _cairn_complete; echo \"${COMPREPLY[*]}\"'";
  if (line.back() == ' ') {  // completing an empty word
    command = "bash -c 'source " + file.string() + "; COMP_WORDS=(" + line +
              "\"\"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _cairn_complete; echo \"${COMPREPLY[*]}\"'";
  }
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  std::array<char, 256> buffer{};
  while (pipe && std::fgets(buffer.data(), buffer.size(), pipe)) out += buffer.data();
  if (pipe) ::pclose(pipe);
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

TEST(HelpExport, TheManPageListsEveryVisibleCommandWithItsFlagsAndDefaults) {
  Tree tree;
  ManPageInfo info{"cairn", "1", "0.1.0", {{"EXIT STATUS", {"0: success.", "  cairn topics list"}}}};
  std::string page = man_page(tree.root, info);
  EXPECT_EQ(page.rfind(".TH CAIRN 1 ", 0), 0u) << page;
  EXPECT_NE(page.find(".SH NAME\ncairn \\- a test tool\n"), std::string::npos) << page;
  EXPECT_NE(page.find("\\fB\\-b\\fR, \\fB\\-\\-broker\\fR"), std::string::npos) << page;
  EXPECT_NE(page.find(".SS \\fBcairn topics describe\\fR"), std::string::npos) << page;
  EXPECT_NE(page.find("Also spelled: \\fBtopic\\fR"), std::string::npos) << page;
  EXPECT_NE(page.find("Stop after this many (default: 0)"), std::string::npos) << page;
  EXPECT_NE(page.find(".SH EXIT STATUS\n0: success.\n.PP\n.nf\n  cairn topics list\n.fi\n"), std::string::npos) << page;
  EXPECT_EQ(page.find("secret"), std::string::npos) << page;
}

TEST(HelpExport, TheManPageRendersWithoutGroffWarnings) {
  Tree tree;
  testing::TempDir tmp;
  auto file = tmp.path() / "cairn.1";
  std::ofstream(file) << man_page(tree.root, ManPageInfo{"cairn", "1", "0.1.0", {}});
  std::string command = "groff -man -Tutf8 -ww -z " + file.string() + " 2>&1";
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  std::array<char, 256> buffer{};
  while (pipe && std::fgets(buffer.data(), buffer.size(), pipe)) out += buffer.data();
  ASSERT_NE(pipe, nullptr);
  EXPECT_EQ(::pclose(pipe), 0) << out;
  EXPECT_EQ(out, "");
}

TEST(HelpExport, BashCompletesCommandsAliasesFlagsAndFlagValues) {
  Tree tree;
  CompletionHints hints;
  hints.flag_values = {{"--offset", "beginning end"}};
  hints.positional_values = {{"topic", "printf 'orders\\nodds\\n'"}};
  std::string script = bash_completion(tree.root, hints);
  EXPECT_EQ(bash_completes(script, "cairn "), "topics consume");
  EXPECT_EQ(bash_completes(script, "cairn topics d"), "describe");
  EXPECT_EQ(bash_completes(script, "cairn topic l"), "list");
  EXPECT_EQ(bash_completes(script, "cairn consume orders --c"), "--count");
  EXPECT_EQ(bash_completes(script, "cairn consume --offset b"), "beginning");
  // A global flag's value is skipped, and global flags are offered after the command too.
  EXPECT_EQ(bash_completes(script, "cairn -b h:1 consume --b"), "--broker");
  EXPECT_EQ(bash_completes(script, "cairn consume o"), "orders odds");
}

TEST(HelpExport, TheZshScriptOffersTheSameCommandsWithDescriptions) {
  Tree tree;
  std::string script = zsh_completion(tree.root, CompletionHints{});
  EXPECT_EQ(script.rfind("#compdef cairn\n", 0), 0u);
  EXPECT_NE(script.find("'topics:Create and list topics'"), std::string::npos) << script;
  EXPECT_NE(script.find("(cairn/topics|cairn/topic) cmd=cairn/topics"), std::string::npos) << script;
  EXPECT_NE(script.find("'--count:Stop after this many'"), std::string::npos) << script;
  EXPECT_EQ(script.find("secret"), std::string::npos);
}

}  // namespace
}  // namespace cairn::tools
