package dev.cairn.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * An event-time tumbling-window count in Apache Flink (a local mini-cluster in this JVM), from
 * and to Cairn: INPUT_TOPIC holds clicks "user,epoch-millis"; every user's clicks are counted per
 * 10-second window of their own timestamps (out of order by up to 5 s), and each count is written
 * to OUTPUT_TOPIC as "user,window-start-millis,count". The source reads what INPUT_TOPIC holds
 * when the job first starts, so the job ends once every window has fired.
 *
 * <p>The sink is exactly-once: each checkpoint (every second) commits a Kafka transaction per
 * sink subtask, so a read_committed reader sees every window once, also when the JVM was killed
 * and the job resumed from its last checkpoint. Checkpoints are kept in a directory (also after
 * the job is killed or cancelled); {@code --resume} starts from the newest there.
 *
 * <p>Usage: WindowCounts BOOTSTRAP INPUT_TOPIC OUTPUT_TOPIC [--checkpoints DIR] [--resume]
 * [--rate CLICKS_PER_SECOND] [--at-least-once]
 */
public final class WindowCounts {
  static final int PARALLELISM = 2;

  /** The click's user: the part before the comma. */
  static String user(String click) {
    return click.substring(0, click.indexOf(','));
  }

  /** The click's event time. */
  static long time(String click) {
    return Long.parseLong(click.substring(click.indexOf(',') + 1));
  }

  /** One window's count of one user's clicks. */
  static final class CountWindow
      extends ProcessWindowFunction<String, String, String, TimeWindow> {
    @Override
    public void process(String user, Context context, Iterable<String> clicks,
        Collector<String> out) {
      long n = 0;
      for (String ignored : clicks) {
        n++;
      }
      out.collect(user + "," + context.window().getStart() + "," + n);
    }
  }

  /** Lets at most `perSecond` clicks a second through (chained to the source, it slows it). */
  static final class Throttle implements MapFunction<String, String> {
    private final double perSecond;
    private transient long started;
    private transient long passed;

    Throttle(double perSecond) {
      this.perSecond = perSecond;
    }

    @Override
    public String map(String click) throws InterruptedException {
      if (passed++ == 0) {
        started = System.nanoTime();
      }
      long due = started + (long) (passed / perSecond * 1e9);
      long wait = due - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
      return click;
    }
  }

  /** The newest completed checkpoint under DIR (DIR/JOB-ID/chk-N/_metadata), if any. */
  static Optional<Path> newestCheckpoint(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.find(dir, 3,
        (path, attributes) -> path.getFileName().toString().equals("_metadata"))) {
      return files.max(Comparator.comparing(path -> path.toFile().lastModified()))
          .map(Path::getParent);
    }
  }

  static void usage() {
    System.err.println("usage: WindowCounts BOOTSTRAP INPUT OUTPUT [--checkpoints DIR] [--resume]"
        + " [--rate CLICKS_PER_SECOND] [--at-least-once]");
    System.exit(2);
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      usage();
    }
    Path checkpoints = Paths.get("checkpoints");
    boolean resume = false;
    boolean exactlyOnce = true;
    double rate = 0;
    for (int i = 3; i < args.length; i++) {
      switch (args[i]) {
        case "--checkpoints" -> checkpoints = Paths.get(args[++i]);
        case "--resume" -> resume = true;
        case "--rate" -> rate = Double.parseDouble(args[++i]);
        case "--at-least-once" -> exactlyOnce = false;
        default -> usage();
      }
    }

    Configuration conf = new Configuration();
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(1));
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toAbsolutePath().toUri()
        .toString());
    conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    if (resume) {
      Optional<Path> newest = newestCheckpoint(checkpoints);
      if (newest.isEmpty()) {
        System.err.println("no checkpoint under " + checkpoints + " to resume from");
        System.exit(1);
      }
      System.out.println("resuming from checkpoint " + newest.get());
      conf.set(StateRecoveryOptions.SAVEPOINT_PATH, newest.get().toString());
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(PARALLELISM);

    KafkaSource<String> source = KafkaSource.<String>builder()
        .setBootstrapServers(args[0])
        .setTopics(args[1])
        .setGroupId("window-counts")
        .setStartingOffsets(OffsetsInitializer.earliest())
        .setBounded(OffsetsInitializer.latest())
        .setValueOnlyDeserializer(new SimpleStringSchema())
        .build();
    KafkaSink<String> sink = KafkaSink.<String>builder()
        .setBootstrapServers(args[0])
        .setRecordSerializer(KafkaRecordSerializationSchema.builder()
            .setTopic(args[2])
            .setValueSerializationSchema(new SimpleStringSchema())
            .build())
        .setDeliveryGuarantee(
            exactlyOnce ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE)
        // one transactional id per sink subtask and checkpoint: window-counts-SUBTASK-CHECKPOINT
        .setTransactionalIdPrefix("window-counts")
        // within the broker's longest (Cairn: 15 minutes by default; Flink asks for 1 hour)
        .setProperty("transaction.timeout.ms", "600000")
        .build();
    WatermarkStrategy<String> eventTime = WatermarkStrategy
        .<String>forBoundedOutOfOrderness(Duration.ofSeconds(5))
        .withTimestampAssigner((click, previous) -> time(click));
    DataStream<String> clicks = env.fromSource(new BoundedAfterRestore<>(source), eventTime, "clicks");
    if (rate > 0) {
      clicks = clicks.map(new Throttle(rate / PARALLELISM)).name("throttle");
    }
    clicks.keyBy(WindowCounts::user)
        .window(TumblingEventTimeWindows.of(Duration.ofSeconds(10)))
        .process(new CountWindow())
        .sinkTo(sink);
    env.execute("window-counts");
  }
}
