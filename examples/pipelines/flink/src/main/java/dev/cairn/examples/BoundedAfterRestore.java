package dev.cairn.examples;

import java.io.IOException;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumState;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A bounded KafkaSource that also ends when the job was restored from a checkpoint.
 * flink-connector-kafka 5.0.0's enumerator, restored with every partition already assigned,
 * finds no partition change and never tells its readers that no more splits come (FLINK-31006,
 * apache/flink-connector-kafka#318, open): the readers reach their stopping offsets and wait
 * forever. This wrapper tells each reader once it registers, when the restored state says the
 * initial discovery was done and no split waits for assignment. Drop it once the connector has
 * the fix.
 */
final class BoundedAfterRestore<T>
    implements Source<T, KafkaPartitionSplit, KafkaSourceEnumState>, ResultTypeQueryable<T> {
  private final KafkaSource<T> source;

  BoundedAfterRestore(KafkaSource<T> source) {
    this.source = source;
  }

  @Override
  public Boundedness getBoundedness() {
    return source.getBoundedness();
  }

  @Override
  public SourceReader<T, KafkaPartitionSplit> createReader(SourceReaderContext context)
      throws Exception {
    return source.createReader(context);
  }

  @Override
  public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> createEnumerator(
      SplitEnumeratorContext<KafkaPartitionSplit> context) {
    return source.createEnumerator(context);
  }

  @Override
  public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> restoreEnumerator(
      SplitEnumeratorContext<KafkaPartitionSplit> context, KafkaSourceEnumState state)
      throws IOException {
    SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> restored =
        source.restoreEnumerator(context, state);
    boolean done = getBoundedness() == Boundedness.BOUNDED && state.initialDiscoveryFinished()
        && state.unassignedSplits().isEmpty();
    return done ? new SignalOnRegistration(restored, context) : restored;
  }

  @Override
  public SimpleVersionedSerializer<KafkaPartitionSplit> getSplitSerializer() {
    return source.getSplitSerializer();
  }

  @Override
  public SimpleVersionedSerializer<KafkaSourceEnumState> getEnumeratorCheckpointSerializer() {
    return source.getEnumeratorCheckpointSerializer();
  }

  @Override
  public TypeInformation<T> getProducedType() {
    return source.getProducedType();
  }

  /** The restored enumerator, which signals "no more splits" to each reader that registers. */
  private static final class SignalOnRegistration
      implements SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> {
    private final SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> enumerator;
    private final SplitEnumeratorContext<KafkaPartitionSplit> context;

    SignalOnRegistration(SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> enumerator,
        SplitEnumeratorContext<KafkaPartitionSplit> context) {
      this.enumerator = enumerator;
      this.context = context;
    }

    @Override
    public void start() {
      enumerator.start();
    }

    @Override
    public void handleSplitRequest(int subtask, String host) {
      enumerator.handleSplitRequest(subtask, host);
    }

    @Override
    public void addSplitsBack(List<KafkaPartitionSplit> splits, int subtask) {
      enumerator.addSplitsBack(splits, subtask);
    }

    @Override
    public void addReader(int subtask) {
      enumerator.addReader(subtask);  // assigns the splits a failed reader gave back first
      context.signalNoMoreSplits(subtask);
    }

    @Override
    public KafkaSourceEnumState snapshotState(long checkpoint) throws Exception {
      return enumerator.snapshotState(checkpoint);
    }

    @Override
    public void notifyCheckpointComplete(long checkpoint) throws Exception {
      enumerator.notifyCheckpointComplete(checkpoint);
    }

    @Override
    public void notifyCheckpointAborted(long checkpoint) throws Exception {
      enumerator.notifyCheckpointAborted(checkpoint);
    }

    @Override
    public void handleSourceEvent(int subtask, SourceEvent event) {
      enumerator.handleSourceEvent(subtask, event);
    }

    @Override
    public void close() throws IOException {
      enumerator.close();
    }
  }
}
