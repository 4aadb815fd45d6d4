package dev.cairn.examples;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
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
 * when the job starts, so the job ends once every window has fired.
 *
 * <p>Usage: WindowCounts BOOTSTRAP INPUT_TOPIC OUTPUT_TOPIC
 */
public final class WindowCounts {
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

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: WindowCounts BOOTSTRAP INPUT OUTPUT");
      System.exit(2);
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
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
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .build();
    WatermarkStrategy<String> eventTime = WatermarkStrategy
        .<String>forBoundedOutOfOrderness(Duration.ofSeconds(5))
        .withTimestampAssigner((click, previous) -> time(click));
    env.fromSource(source, eventTime, "clicks")
        .keyBy(WindowCounts::user)
        .window(TumblingEventTimeWindows.of(Duration.ofSeconds(10)))
        .process(new CountWindow())
        .sinkTo(sink);
    env.execute("window-counts");
  }
}
