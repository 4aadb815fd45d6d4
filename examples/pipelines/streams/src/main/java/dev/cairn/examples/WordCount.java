package dev.cairn.examples;

import java.util.Arrays;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Kafka Streams' word count on Cairn: lines of INPUT_TOPIC split into words, regrouped by word
 * (a repartition topic), counted in a state store (its changelog is a compacted topic), every
 * new count written to OUTPUT_TOPIC (key: the word, value: its count as a decimal string). Streams
 * creates the internal topics on Cairn itself. Runs until SIGTERM or Ctrl-C, then closes cleanly.
 *
 * <p>Usage: WordCount BOOTSTRAP INPUT_TOPIC OUTPUT_TOPIC STATE_DIR [GUARANTEE [APPLICATION_ID]]
 * (GUARANTEE: at_least_once, the default, or exactly_once_v2; APPLICATION_ID: word-count, the
 * group and the prefix of the internal topics)
 */
public final class WordCount {
  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println(
          "usage: WordCount BOOTSTRAP INPUT OUTPUT STATE_DIR [GUARANTEE [APPLICATION_ID]]");
      System.exit(2);
    }
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, args.length > 5 ? args[5] : "word-count");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(StreamsConfig.STATE_DIR_CONFIG, args[3]);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
        args.length > 4 ? args[4] : StreamsConfig.AT_LEAST_ONCE);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 500);
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);

    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(args[1], Consumed.with(Serdes.String(), Serdes.String()))
        .flatMapValues(line -> Arrays.asList(line.toLowerCase(Locale.ROOT).split("\\W+")))
        .filter((key, word) -> !word.isEmpty())
        .groupBy((key, word) -> word, Grouped.with(Serdes.String(), Serdes.String()))
        .count(Materialized.as("counts"))
        .toStream()
        .mapValues(count -> Long.toString(count))
        .to(args[2], Produced.with(Serdes.String(), Serdes.String()));

    KafkaStreams streams = new KafkaStreams(builder.build(), props);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      streams.close();
      stopped.countDown();
    }));
    streams.setStateListener((now, before) -> System.out.println("state " + before + " -> " + now));
    streams.start();
    stopped.await();
  }
}
