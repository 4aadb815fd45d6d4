package cairn.kafka;

import static cairn.kafka.Checks.check;
import static cairn.kafka.Checks.equal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Apache Kafka's own command-line tools (kafka-topics, the console producer and consumer,
 * kafka-consumer-groups) against cairnd, each run as its own JVM as the scripts run them.
 *
 * <p>Usage: ToolsTest CAIRND
 */
public final class ToolsTest {
  record Run(int exit, String out, String err) {}

  static Run run(String stdin, String main, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), main));
    command.addAll(Arrays.asList(args));
    Process p = new ProcessBuilder(command).start();
    if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    var out = p.getInputStream().readAllBytes();
    var err = p.getErrorStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(main + " did not finish");
    }
    Run r = new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
    if (r.exit != 0) System.out.println(main + " exited " + r.exit + ":\n" + r.out + r.err);
    return r;
  }

  static final String TOPICS = "org.apache.kafka.tools.TopicCommand";
  static final String PRODUCER = "org.apache.kafka.tools.ConsoleProducer";
  static final String CONSUMER = "org.apache.kafka.tools.consumer.ConsoleConsumer";
  static final String GROUPS = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand";

  public static void main(String[] args) throws Exception {
    Checks checks = new Checks();
    try (Broker broker = new Broker(args[0])) {
      String b = broker.kafka();
      checks.test("KafkaTopicsCreatesListsAndDescribesATopic", () -> {
        equal(0, run(null, TOPICS, "--bootstrap-server", b, "--create", "--topic", "tools",
            "--partitions", "3", "--replication-factor", "1").exit, "create");
        Run list = run(null, TOPICS, "--bootstrap-server", b, "--list");
        equal(0, list.exit, "list");
        check(list.out.lines().anyMatch("tools"::equals), "listed:\n" + list.out);
        Run describe = run(null, TOPICS, "--bootstrap-server", b, "--describe", "--topic", "tools");
        equal(0, describe.exit, "describe");
        check(describe.out.contains("PartitionCount: 3"), "describe:\n" + describe.out);
        check(describe.out.contains("ReplicationFactor: 1"), "describe:\n" + describe.out);
        equal(3L, describe.out.lines().filter(l -> l.contains("Partition: ")).count(),
            "partition lines:\n" + describe.out);
      });
      checks.test("TheConsoleProducerAndConsumerMoveLinesWithKeys", () -> {
        equal(0, run("a:one\nb:two\nc:three\n", PRODUCER, "--bootstrap-server", b, "--topic",
            "tools", "--reader-property", "parse.key=true", "--reader-property", "key.separator=:")
            .exit,
            "produce");
        Run consumed = run(null, CONSUMER, "--bootstrap-server", b, "--topic", "tools",
            "--from-beginning", "--max-messages", "3", "--timeout-ms", "30000", "--group",
            "tools-group", "--formatter-property", "print.key=true", "--formatter-property",
            "key.separator=:");
        equal(0, consumed.exit, "consume");
        List<String> lines = consumed.out.lines().sorted().toList();
        equal(List.of("a:one", "b:two", "c:three"), lines, "consumed");
      });
      checks.test("KafkaConsumerGroupsDescribesTheGroupsOffsetsAndLag", () -> {
        equal(0, run("d\ne\n", PRODUCER, "--bootstrap-server", b, "--topic", "tools").exit,
            "produce more");
        Run describe = run(null, GROUPS, "--bootstrap-server", b, "--describe", "--group",
            "tools-group");
        equal(0, describe.exit, "describe");
        // GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG ...: the lag adds up to the
        // two records produced after the group's commits.
        long lag = 0;
        int rows = 0;
        for (String line : describe.out.lines().toList()) {
          String[] f = line.trim().split("\\s+");
          if (f.length >= 6 && f[0].equals("tools-group") && f[1].equals("tools")) {
            ++rows;
            lag += Long.parseLong(f[5]);
          }
        }
        equal(3, rows, "partition rows:\n" + describe.out);
        equal(2L, lag, "total lag:\n" + describe.out);
        Run list = run(null, GROUPS, "--bootstrap-server", b, "--list");
        check(list.out.lines().anyMatch("tools-group"::equals), "listed:\n" + list.out);
      });
    }
    System.exit(checks.finish());
  }
}
