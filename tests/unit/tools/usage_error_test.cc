#include "tools/common/usage_error.h"

#include <gtest/gtest.h>

namespace cairn::tools {
namespace {

// A small tree shaped like cairn's: a global flag, a group of commands and a command with flags.
struct Tree {
  CLI::App root{"test", "cairn"};
  std::string broker;
  std::string name;
  int count = 0;
  Tree() {
    root.require_subcommand(1);
    root.fallthrough();
    root.add_option("-b,--broker", broker);
    auto* topics = root.add_subcommand("topics", "Topics");
    topics->alias("topic");
    topics->require_subcommand(1);
    topics->add_subcommand("list", "List");
    topics->add_subcommand("describe", "Describe")->add_option("name", name)->required();
    root.add_subcommand("consume", "Consume")->add_option("--count", count);
  }
  // The message for parsing `args`, or "" if they parse.
  std::string error(std::vector<std::string> args) {
    std::reverse(args.begin(), args.end());
    try {
      root.parse(args);
    } catch (const CLI::ParseError& e) {
      return usage_error_message(root, e);
    }
    return "";
  }
};

TEST(UsageError, AMistypedCommandSuggestsTheNearestOne) {
  EXPECT_EQ(Tree().error({"topics", "lsit"}), "unknown command 'lsit' for 'cairn topics' (did you mean 'list'?)");
  EXPECT_EQ(Tree().error({"consum", "x"}), "unknown command 'consum' for 'cairn' (did you mean 'consume'?)");
}

TEST(UsageError, AnUnknownCommandFarFromAnyListsTheCommands) {
  EXPECT_EQ(Tree().error({"topics", "frobnicate"}),
            "unknown command 'frobnicate' for 'cairn topics'; the commands are list, describe");
}

TEST(UsageError, AMistypedFlagSuggestsTheNearestOneOfThatCommand) {
  EXPECT_EQ(Tree().error({"consume", "--cout", "1"}), "unknown flag --cout for 'cairn consume' (did you mean --count?)");
  EXPECT_EQ(Tree().error({"consume", "--brokr=x"}), "unknown flag --brokr for 'cairn consume' (did you mean --broker?)");
}

TEST(UsageError, GlobalFlagsAndSingularNounsParseAnywhere) {
  Tree tree;
  EXPECT_EQ(tree.error({"topic", "describe", "t", "-b", "h:1"}), "");
  EXPECT_EQ(tree.broker, "h:1");
  EXPECT_EQ(tree.name, "t");
}

TEST(UsageError, AMissingArgumentPointsAtTheCommandsHelp) {
  Tree tree;
  auto message = tree.error({"topics", "describe"});
  EXPECT_NE(message.find("name"), std::string::npos) << message;
  EXPECT_NE(message.find("see 'cairn topics describe --help'"), std::string::npos) << message;
  EXPECT_FALSE(missing_subcommand_only(tree.root));
}

TEST(UsageError, AGroupWithoutItsCommandIsAMissingSubcommandOnly) {
  Tree bare;
  bare.error({});
  EXPECT_TRUE(missing_subcommand_only(bare.root));
  Tree topics;
  topics.error({"topics"});
  EXPECT_TRUE(missing_subcommand_only(topics.root));
  EXPECT_EQ(command_path(deepest_command(topics.root)), "cairn topics");
}

TEST(UsageError, AnOptionGroupLeftUnsatisfiedIsAnErrorNotAMissingSubcommand) {
  CLI::App root{"test", "cairn"};
  root.require_subcommand(1);
  auto* add = root.add_subcommand("add", "Add");
  auto* resource = add->add_option_group("resource");
  std::string topic, group;
  resource->add_option("--topic", topic);
  resource->add_option("--group", group);
  resource->require_option(1);
  std::vector<std::string> args = {"add"};
  try {
    root.parse(args);
    FAIL() << "parsed";
  } catch (const CLI::ParseError& e) {
    EXPECT_FALSE(missing_subcommand_only(root));
    EXPECT_EQ(command_path(deepest_command(root)), "cairn add");
    EXPECT_NE(usage_error_message(root, e).find("see 'cairn add --help'"), std::string::npos);
  }
}

}  // namespace
}  // namespace cairn::tools
