package cairn.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real cairnd for one test program: a temporary data directory, Cairn's and Kafka's listeners on
 * ephemeral loopback ports (read from its log), no HTTP listener; stopped by its own PID.
 */
final class Broker implements AutoCloseable {
  private static final Pattern KAFKA = Pattern.compile("kafka listener on (127\\.0\\.0\\.1:\\d+)");
  private static final Pattern CAIRN = Pattern.compile("serving on (127\\.0\\.0\\.1:\\d+)");

  private final Path dir;
  private final Path log;
  private final Process process;
  private final String kafka;
  private final String cairn;

  /** What runs on the data directory before cairnd starts (users and grants made offline). */
  interface Setup {
    void run(Path dataDir) throws Exception;
  }

  Broker(String cairnd, String... extraArgs) throws Exception {
    this(cairnd, dataDir -> {}, extraArgs);
  }

  Broker(String cairnd, Setup setup, String... extraArgs) throws Exception {
    dir = Files.createTempDirectory("cairn-kafka-java-");
    setup.run(dir.resolve("data"));
    log = dir.resolve("cairnd.log");
    List<String> command = new ArrayList<>(List.of(cairnd, "--listen", "127.0.0.1:0",
        "--kafka-listen", "127.0.0.1:0", "--http-listen", "", "--data-dir",
        dir.resolve("data").toString(), "--group-rebalance-delay-ms", "100", "--log-level", "debug"));
    command.addAll(List.of(extraArgs));
    process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String k = null;
    String c = null;
    while (System.nanoTime() < deadline) {
      String text = Files.readString(log);
      Matcher km = KAFKA.matcher(text);
      Matcher cm = CAIRN.matcher(text);
      if (km.find() && cm.find()) {
        k = km.group(1);
        c = cm.group(1);
        break;
      }
      if (!process.isAlive()) throw new IllegalStateException("cairnd exited:\n" + text);
      Thread.sleep(50);
    }
    if (k == null) throw new IllegalStateException("cairnd did not start:\n" + Files.readString(log));
    kafka = k;
    cairn = c;
  }

  /** Where Kafka clients bootstrap. */
  String kafka() {
    return kafka;
  }

  /** The temporary directory the broker's data directory is in. */
  Path dir() {
    return dir;
  }

  /** Cairn's own listener, for the cairn CLI. */
  String cairn() {
    return cairn;
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() throws IOException, InterruptedException {
    process.destroy();  // SIGTERM: a graceful stop
    if (!process.waitFor(60, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    int exit = process.exitValue();
    String text = Files.readString(log);
    // Anything the broker refused, and the versions each API was called at.
    java.util.TreeSet<String> versions = new java.util.TreeSet<>();
    Pattern called = Pattern.compile("kafka (\\w+ v\\d+) from client");
    for (String line : text.split("\n")) {
      if (line.contains("not served") || line.contains("closing the connection")) {
        System.out.println("cairnd: " + line);
      }
      Matcher m = called.matcher(line);
      if (m.find()) versions.add(m.group(1));
    }
    System.out.println("versions called: " + String.join(", ", versions));
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    if (exit != 0 && exit != 143) throw new IllegalStateException("cairnd exited with " + exit);
  }
}
